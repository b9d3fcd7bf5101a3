package dev.munero.cli;

import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.safety.SandboxMode;
import dev.munero.core.BuildManager;
import dev.munero.core.RunMetrics;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvents;
import dev.munero.engine.AtomicFiles;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Providers;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.llm.record.RecordingChatModel;
import dev.munero.llm.record.ReplayChatModel;
import dev.munero.llm.resilience.RateLimits;
import dev.munero.llm.resilience.RetrySettings;
import dev.munero.store.Store;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What {@code munero run} and {@code munero resume} share: the model stack (provider, or a replay, with an optional
 * recording), the console, Ctrl-C handling, the run report in {@code .munero/reports/run-ID.json}, the summary
 * and the exit code.
 */
final class RunDriver {
    /** A paused run (budget, timeout, pause request, provider failure): resumable. */
    static final int PAUSED = 3;

    /** Work the driver runs: a start or a resume. */
    interface Work {
        BuildManager.Outcome run(BuildManager.Session session) throws Exception;
    }

    private RunDriver() {
    }

    /**
     * The model for a run: a replay of {@code replay} when given (no network, no key), else the provider, wrapped in
     * a recording to {@code record} when given. Digests mask the repository's path, so a recording replays in
     * another directory.
     *
     * @throws dev.munero.llm.ProviderException (CONFIGURATION) when the provider's key is missing
     * @throws IllegalArgumentException         when the model name or the recording is invalid
     */
    static ChatModel model(Invocation invocation, String model, Path repo, Path replay, Path record) {
        Map<String, String> substitutions = Map.of(repo.toString(), "<repo>");
        if (replay != null) {
            return new ReplayChatModel(FileErrors.readable(invocation.cwd().resolve(replay).toAbsolutePath().normalize(),
                    "the recording"), ModelRef.parse(model), substitutions);
        }
        ChatModel chat = Providers.open(ModelRef.parse(model), invocation.env(), UserConfig.load(invocation.env()),
                new Providers.Options(false, Duration.ofMinutes(10), RetrySettings.DEFAULTS, RateLimits.NONE, r -> { }));
        return record == null ? chat : new RecordingChatModel(chat, invocation.cwd().resolve(record), substitutions);
    }

    /**
     * {@code " -C DIR"} for commands the user runs next, so they work from the user's directory; empty when that is
     * the repository itself. DIR is {@link #shown shown} relative to the user's directory when inside it.
     */
    static String directoryOption(Invocation invocation, Path repo) {
        Path cwd = invocation.cwd().toAbsolutePath().normalize();
        return repo.equals(cwd) ? "" : " -C " + quoted(shown(invocation, repo));
    }

    /** {@code path} as the user can use it: relative to the user's directory when inside it, else absolute. */
    static String shown(Invocation invocation, Path path) {
        return shown(invocation.cwd(), path);
    }

    /** {@code path} as the user in {@code userDir} can use it: relative when inside it, else absolute. */
    static String shown(Path userDir, Path path) {
        Path cwd = userDir.toAbsolutePath().normalize();
        Path p = path.toAbsolutePath().normalize();
        return p.startsWith(cwd) && !p.equals(cwd) ? cwd.relativize(p).toString() : p.toString();
    }

    /**
     * The warning for a model with no known price, said at the start of a session: what is unknown and where the
     * user can add the price; {@code consequence} says what that means for this command.
     */
    static String unpricedWarning(ChatModel model, Path userPrices, String consequence) {
        return "munero: warning: " + model.model() + " has no known price (neither in Munero's table nor in "
                + userPrices + "): " + consequence;
    }

    private static String quoted(String word) {
        return word.matches("[A-Za-z0-9_./:@%+=,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    static ModelInfo prices(Invocation invocation, ChatModel model) {
        return ModelTable.withUserFile(userPrices(invocation)).lookup(model.model());
    }

    /** The user's own price file, {@code models.toml} beside the user config. */
    static Path userPrices(Invocation invocation) {
        return UserConfig.load(invocation.env()).sibling("models.toml");
    }

    /** Runs {@code work} with the console and Ctrl-C wired, then writes the report and prints the summary. */
    static int drive(Invocation invocation, Store store, Path repo, ChatModel model, SandboxMode sandboxMode, String events,
                     String logLevel, boolean metrics, Work work) {
        PrintStream out = invocation.out();
        boolean jsonl = "jsonl".equals(events);
        RunConsole console = new RunConsole(out, invocation.interactive() && Terminal.isInteractive(invocation.env()),
                jsonl, RunConsole.level(logLevel), Clock.systemUTC());
        EventBus bus = new EventBus();
        bus.subscribe(console);
        Thread runner = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        BuildManager.Outcome outcome;
        try (AutoCloseable ignored = invocation.interrupts().register(() -> {
            runner.interrupt();
            try {
                done.await(60, TimeUnit.SECONDS); // the run saves its state and pauses; returns as soon as it has
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            UserConfig config = UserConfig.load(invocation.env());
            Sandbox sandbox = SandboxChoice.select(sandboxMode, config);
            SandboxChoice.notice(sandbox).ifPresent((jsonl ? invocation.err() : out)::println);
            BuildManager.Learning learning = BuildManager.Learning.SHARED;
            if (model instanceof ReplayChatModel) {
                // issue 11.6: lessons of other runs would change the recorded requests, so a replay runs on its own
                learning = BuildManager.Learning.RUN_ONLY;
                (jsonl ? invocation.err() : out).println("replay: this run sees only its own lessons; it does not "
                        + "read or add to the repository's learning store, so its requests match the recording");
            }
            ModelInfo prices = prices(invocation, model);
            if (!prices.priced()) {
                (jsonl ? invocation.err() : out).println(unpricedWarning(model, config.sibling("models.toml"),
                        "its cost will be shown as unknown, and a budget cannot be enforced (every call under one "
                        + "is refused)"));
            }
            BuildManager.Session session = new BuildManager.Session(model, prices, invocation.env(), sandbox,
                    Clock.systemUTC(), bus, learning);
            outcome = work.run(session);
        } catch (dev.munero.core.git.GitException | IllegalArgumentException | dev.munero.llm.ProviderException
                 | dev.munero.agent.safety.SandboxUnavailableException e) {
            console.close();
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            done.countDown();
            if (model instanceof RecordingChatModel recording) {
                recording.close();
            }
        }
        console.close();
        RunMetrics m = RunMetrics.of(store.events(outcome.runId(), 0));
        Path report = repo.resolve(".munero").resolve("reports").resolve("run-" + outcome.runId() + ".json");
        try {
            var json = RunEvents.JSON.createObjectNode().put("run", outcome.runId())
                    .put("status", outcome.status().name().toLowerCase(Locale.ROOT)).put("message", outcome.message())
                    .put("branch", outcome.branch()).put("worktree", outcome.worktree())
                    .put("cost_usd", outcome.costUsd()).put("iterations", outcome.iterations());
            if (outcome.neededUsd() != null) {
                json.put("needed_usd", outcome.neededUsd());
            }
            if (metrics) {
                json.set("metrics", RunEvents.JSON.valueToTree(m));
            }
            AtomicFiles.write(report, RunEvents.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json)
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            invocation.err().println("munero: warning: cannot write the run report " + report + ": " + e.getMessage());
        }
        PrintStream summary = jsonl ? invocation.err() : out;
        summary.println();
        String status = outcome.status().name().toLowerCase(Locale.ROOT);
        summary.println("run " + outcome.runId() + ": " + status
                + (outcome.message().equals(status) ? "" : " — " + outcome.message()));
        summary.printf(Locale.ROOT, "cost: $%.4f over %d model calls (%d answered from the store)%n", m.costUsd(),
                m.modelCalls(), m.modelCallsFromStore());
        if (m.interruptedCalls() > 0) {
            summary.printf(Locale.ROOT, "  $%.4f of it estimated: %d call%s cut off after being sent, at the worst "
                    + "case (see munero cost)%n", m.estimatedUsd(), m.interruptedCalls(),
                    m.interruptedCalls() == 1 ? "" : "s");
        }
        m.costByPhase().forEach((k, v) -> summary.printf(Locale.ROOT, "  %-12s $%.4f%n", k, v));
        summary.println("branch: " + outcome.branch() + "  (worktree " + outcome.worktree() + ")");
        // issue 11.9: commands and paths that work from the user's directory, not only from the repository
        String c = directoryOption(invocation, repo);
        String git = c.isEmpty() ? "git" : "git" + c;
        switch (outcome.status()) {
            case COMPLETED -> summary.println("next: " + git + " diff HEAD " + outcome.branch() + ", then " + git
                    + " merge " + outcome.branch() + "; munero report" + c + " " + outcome.runId());
            case PAUSED, INTERRUPTED -> summary.println("next: munero resume" + c + " " + outcome.runId()
                    + (outcome.resumeBudgetUsd() != null ? String.format(Locale.ROOT, " --budget-usd %.2f   (a new "
                    + "total; or --add-budget-usd %.2f)", outcome.resumeBudgetUsd(), outcome.addBudgetUsd()) : ""));
            case FAILED -> summary.println("see munero sessions show" + c + " " + outcome.runId() + " and munero diff"
                    + c + " " + outcome.runId() + " 0 " + outcome.iterations());
        }
        summary.println("report: " + shown(invocation, report));
        return switch (outcome.status()) {
            case COMPLETED -> ExitCodes.OK;
            case FAILED -> ExitCodes.FAILED;
            case PAUSED -> PAUSED;
            case INTERRUPTED -> ExitCodes.INTERRUPTED;
        };
    }
}
