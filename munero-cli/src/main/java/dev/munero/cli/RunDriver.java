package dev.munero.cli;

import dev.munero.core.BuildManager;
import dev.munero.core.RunMetrics;
import dev.munero.core.app.AppException;
import dev.munero.core.app.RunSessions;
import dev.munero.core.app.Runs;
import dev.munero.core.events.EventBus;
import dev.munero.llm.ChatModel;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What {@code munero run} and {@code munero resume} share on the terminal: the console, Ctrl-C handling, the
 * session's notices, the summary and the exit code; and what every session command shares: the repository of
 * {@code -C DIR}, hints that work from the user's directory, and the exit code of an {@link AppException}. The runs
 * themselves are {@link Runs}' (and their sessions {@link RunSessions}').
 */
final class RunDriver {
    /** A paused run (budget, timeout, pause request, provider failure): resumable. */
    static final int PAUSED = 3;

    private RunDriver() {
    }

    /** The repository: {@code -C DIR} resolved against the invocation's directory. */
    static Path repo(Invocation invocation, Path directory) {
        return invocation.cwd().resolve(directory).toAbsolutePath().normalize();
    }

    /** The runs of {@code repo}, with hints that work from the user's directory. @throws AppException as open */
    static Runs open(Invocation invocation, Path repo, boolean create) {
        return Runs.open(repo, Clock.systemUTC(), create, directoryOption(invocation, repo));
    }

    /**
     * Prints {@code munero: error: MESSAGE} (each line of a longer message so prefixed) and returns the exit code of
     * its kind (docs/ARCHITECTURE.md): 2 for NOT_FOUND, INVALID and CONFLICT (the user can fix the command), 1 for
     * UNAVAILABLE (git, the file system, the sandbox or a database failed).
     */
    static int error(Invocation invocation, AppException e) {
        return error(invocation.err(), e);
    }

    /** {@link #error(Invocation, AppException)} on {@code err}. */
    static int error(PrintStream err, AppException e) {
        e.getMessage().lines().forEach(line -> err.println("munero: error: " + line));
        return switch (e.kind()) {
            case NOT_FOUND, INVALID, CONFLICT -> ExitCodes.USAGE;
            case UNAVAILABLE -> ExitCodes.FAILED;
        };
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

    /** See {@link RunSessions#unpricedWarning}. */
    static String unpricedWarning(ChatModel model, Path userPrices, String consequence) {
        return RunSessions.unpricedWarning(model, userPrices, consequence);
    }

    private static String quoted(String word) {
        return word.matches("[A-Za-z0-9_./:@%+=,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * Drives a run on this thread with the console and Ctrl-C wired: prints the session's notices, calls
     * {@code begin} (a start or a resume), runs it, then prints the summary. The run report is written by
     * {@link Runs.Started#run()}.
     *
     * @return the exit code: 0 completed, 1 failed, 3 paused, 130 interrupted, or as {@link #error}
     */
    static int drive(Invocation invocation, Runs runs, RunSessions.Made made, EventBus bus, String events,
                     String logLevel, Supplier<Runs.Started> begin) {
        PrintStream out = invocation.out();
        boolean jsonl = "jsonl".equals(events);
        PrintStream notes = jsonl ? invocation.err() : out;
        RunConsole console = new RunConsole(out, invocation.interactive() && Terminal.isInteractive(invocation.env()),
                jsonl, RunConsole.level(logLevel), Clock.systemUTC());
        bus.subscribe(console);
        Thread runner = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        Runs.Started started;
        BuildManager.Outcome outcome;
        try (AutoCloseable ignored = invocation.interrupts().register(() -> {
            runner.interrupt();
            try {
                done.await(60, TimeUnit.SECONDS); // the run saves its state and pauses; returns as soon as it has
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            made.notices().forEach(notes::println);
            started = begin.get();
            outcome = started.run();
        } catch (AppException e) {
            console.close();
            return error(invocation, e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            done.countDown();
        }
        console.close();
        started.reportProblem().ifPresent(p -> invocation.err().println("munero: warning: " + p));
        RunMetrics m = runs.report(outcome.runId());
        Path report = runs.reportFile(outcome.runId());
        PrintStream summary = notes;
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
        String c = directoryOption(invocation, runs.repo());
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
