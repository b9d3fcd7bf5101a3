package dev.munero.core.loop;

import dev.munero.agent.AgentResult;
import dev.munero.agent.StopCondition;
import dev.munero.agent.worker.CliWorker;
import dev.munero.agent.worker.WorkerEvent;
import dev.munero.agent.worker.WorkerLimits;
import dev.munero.agent.worker.WorkerMcp;
import dev.munero.agent.worker.WorkerOutcome;
import dev.munero.agent.worker.WorkerResult;
import dev.munero.agent.worker.WorkerTask;
import dev.munero.agent.worker.Workers;
import dev.munero.core.BudgetExceededException;
import dev.munero.core.CostGuard;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.Usage;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.store.ReservationRecord;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * A task of {@code munero run} handed to a coding-agent CLI worker (issue 15) instead of the built-in agent: the same
 * prompt ({@link TaskPrompt}, with the task's lessons), in the task's directory, with the run's permission mode and
 * sandbox, supervised by {@link CliWorker}.
 *
 * <p>Per attempt (index 0, 1, ... of its scope {@code task:<iteration>:<id>}):
 * <ol>
 *   <li>a share of the budget left is reserved ({@link CostGuard#reserveShare}) and written to the store's
 *       {@code cost_reservations} under scope {@code worker:<scope>} before anything starts; it is the worker's
 *       budget ({@code --max-budget-usd} for Claude Code, and Munero stops it when its reported spend reaches it);</li>
 *   <li>{@code worker_started} records the worker, its model, its home ({@code .munero/workers/<run>/<scope>/home},
 *       stable across attempts and sessions, outside the worktree), its kept stdout and stderr, and the session id:
 *       a new UUID for Claude Code and Gemini (chosen up front), Codex's from its stream ({@code worker_session}); an
 *       earlier attempt's session id, when the scope has one, is resumed instead ({@code --resume},
 *       {@code codex exec resume});</li>
 *   <li>its tool calls become {@code tool_call} events; its end becomes {@code worker_finished} with its usage and
 *       cost, which settles the reservation in the same transaction (so {@code munero cost}, the run's total and
 *       the budget count it like a model call's);</li>
 *   <li>a worker that hung is tried once more (resuming its session); any other end is the task's end, and the
 *       checks decide whether the work is good.</li>
 * </ol>
 * A Munero killed while a worker runs leaves the reservation open; the next session settles it with the spend read
 * back from the kept stream ({@link #settleKilled}), and the task's next attempt resumes the CLI session.
 *
 * <p>Thread-safe: each task runs on its own thread with its own scope.
 */
public final class WorkerTasks {
    static final String RESERVATION_PREFIX = "worker:";
    /**
     * What a resumed CLI session is told before the task: a resumed run resets its worktree to the last checkpoint,
     * so what the session remembers having changed may be gone.
     */
    static final String RESUME_PROMPT = "Munero stopped while you worked on this task, and reset the working tree to "
            + "its last checkpoint: changes you made since the task started may be gone. Check the files, redo what "
            + "is missing, and finish the task. The task, as given before:\n\n";
    /** What a CLI session is told when it is tried again after it stopped sending events (hung). */
    static final String RETRY_PROMPT = "Your previous attempt at this task stopped responding and was stopped; the "
            + "working tree is as it left it. Check the files and finish the task. The task, as given before:\n\n";

    private final RunContext ctx;
    private final Map<String, String> toolArguments = new ConcurrentHashMap<>();

    WorkerTasks(RunContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Runs {@code prompt} with the CLI worker {@code name} in {@code dir} and returns the task's end in the built-in
     * agent's terms (finished, or the limit, error or crash that stopped it).
     *
     * @param scope the task's scope as its model calls would be named ({@code task:<iteration>:<id>[#n]})
     * @param model the profile's model, else the run's: given to the CLI when its provider is the CLI's own
     * @throws InterruptedException     when the run must stop (pause, timeout, Ctrl-C): the process tree was killed
     *                                  and its spend recorded
     * @throws BudgetExceededException  when no budget is left for the worker, or its spend used up the budget
     * @throws ProviderException        when the CLI is not installed, its files (the MCP servers' file) cannot be
     *                                  written, or the run has a budget and the CLI reports no cost (Codex, Gemini)
     *                                  while Munero's model table has no price for its model: refused before anything
     *                                  is reserved or started
     */
    AgentResult run(String name, int iteration, String taskId, String scope, Path dir, String prompt, String model)
            throws InterruptedException {
        Map<String, String> env = environment(name);
        ModelTable prices = prices(ctx.session.env());
        CliWorker cli = Workers.cli(name, env, prices).orElseThrow(() -> new ProviderException(
                ProviderException.Kind.CONFIGURATION, "task " + taskId + " is for the " + name + " worker, and its CLI"
                + " is not on the PATH (nor named by " + Workers.executableVariable(name) + "); install it, or run with"
                + " --worker agent"));
        Optional<String> cliModel = Optional.ofNullable(model).filter(m -> m.startsWith(provider(name) + ":"));
        if (ctx.limits.budgetUsd().isPresent() && !name.equals("claude-code") && !priced(prices, cliModel)) {
            // Codex and Gemini report no cost: without a price nothing could stop the worker at its share
            throw new ProviderException(ProviderException.Kind.CONFIGURATION, "task " + taskId + " is for the " + name
                    + " worker, which reports no cost, and Munero's model table has no price for " + cliModel.orElse(
                    "its default model (name one: model: " + provider(name) + ":MODEL in the task's agent profile)")
                    + ", so the budget could not hold: add the price to " + UserConfig.load(ctx.session.env())
                    .sibling("models.toml") + " (the format of Munero's models.toml, see README), or run without a "
                    + "budget");
        }
        String key = ctx.run.rollbacks == 0 ? scope : scope + "@" + ctx.run.rollbacks;
        Path base = ctx.repo.resolve(".munero").resolve("workers").resolve(ctx.runId).resolve(safe(key));
        Optional<Path> mcp = mcpConfig(name, taskId, base.resolve("home").toAbsolutePath());
        AtomicInteger toolCalls = new AtomicInteger(); // counted on the CLI's reading thread
        AgentResult last = null;
        for (int attempt = 0; attempt < 2; attempt++) { // a hung worker is tried once more
            WorkerResult r = attempt(cli, iteration, taskId, scope, key, base, dir, prompt, cliModel, mcp, env,
                    toolCalls, attempt > 0);
            last = toAgentResult(r, toolCalls.getAndSet(0), attempt > 0);
            if (r.outcome() != WorkerOutcome.HUNG) {
                break;
            }
        }
        return last;
    }

    private WorkerResult attempt(CliWorker cli, int iteration, String taskId, String scope, String key, Path base,
                                 Path dir, String prompt, Optional<String> model, Optional<Path> mcp,
                                 Map<String, String> env, AtomicInteger toolCalls, boolean retry)
            throws InterruptedException {
        String name = cli.name();
        Earlier earlier = earlier(ctx.store, ctx.runId, key);
        int index = earlier.attempts();
        Optional<String> resumeId = earlier.sessionId();
        Optional<String> sessionId = resumeId.isPresent() ? resumeId
                : name.equals("codex") ? Optional.empty() : Optional.of(UUID.randomUUID().toString());
        String text = resumeId.isEmpty() ? prompt : (retry ? RETRY_PROMPT : RESUME_PROMPT) + prompt;
        CostGuard.Reservation reservation = ctx.guard.reserveShare(ctx.limits.agents());
        long reservationId;
        try {
            reservationId = ctx.store.reserveModelCall(ctx.runId, RESERVATION_PREFIX + key, index,
                    reservation.worstCaseUsd());
        } catch (RuntimeException e) {
            ctx.guard.cancel(reservation);
            throw e;
        }
        Path logs = base.resolve(String.valueOf(index));
        Duration left = ctx.stop.timeLeft();
        WorkerLimits limits = new WorkerLimits(reservation.worstCaseUsd(), ctx.limits.workerInactivity(),
                ctx.limits.workerGrace(), left.isZero() || left.isNegative() ? Duration.ofSeconds(1) : left);
        WorkerTask task = new WorkerTask(text, dir.toAbsolutePath(), base.resolve("home").toAbsolutePath(),
                logs.toAbsolutePath(), model, ctx.limits.permissionMode(), ctx.session.sandbox(), env, mcp, sessionId,
                resumeId.isPresent(), limits);
        Path stdout = logs.resolve("stdout.jsonl").toAbsolutePath();
        Path stderr = logs.resolve("stderr.log").toAbsolutePath();
        String label = label(name, model);
        ctx.emit(new RunEvent.WorkerStarted(iteration, taskId, scope, index, name, model.orElse(null),
                sessionId.orElse(null), resumeId.isPresent(), task.home().toString(), stdout.toString(),
                stderr.toString(), reservation.worstCaseUsd().isPresent() ? reservation.worstCaseUsd().getAsDouble()
                : null));
        WorkerResult result;
        try {
            result = cli.run(task, event -> onEvent(scope, taskId, index, name, sessionId, toolCalls, event));
        } catch (InterruptedException e) {
            Optional<WorkerResult> read = readBack(name, stdout, task.home(), model);
            settle(reservation, reservationId, scope, index, name, label, read, "interrupted", read.isPresent()
                    ? "Munero stopped the worker; its spend was read back from its stream"
                    : "Munero stopped the worker and its stream cannot be read; counted at the reserved worst case",
                    reservation.worstCaseUsd());
            throw e;
        } catch (IOException e) {
            settle(reservation, reservationId, scope, index, name, label, Optional.empty(), "error",
                    "cannot prepare the worker's files in " + base + ": " + e.getMessage(), OptionalDouble.of(0));
            throw new ProviderException(ProviderException.Kind.CONFIGURATION, "task " + taskId
                    + ": cannot prepare the " + name + " worker's files in " + base + ": " + e.getMessage());
        }
        settle(reservation, reservationId, scope, index, name, label, Optional.of(result),
                result.outcome().id(), result.detail(), OptionalDouble.empty());
        if (result.outcome() == WorkerOutcome.LIMIT && ctx.guard.exhausted()) {
            throw new BudgetExceededException(ctx.guard.spentUsd(), ctx.limits.budgetUsd().getAsDouble(), 0.01);
        }
        return result;
    }

    /**
     * The session's MCP servers for the worker (issue 15), written into its home ({@link WorkerMcp}): the servers the
     * built-in agent would get, started by the CLI itself; empty without servers.
     *
     * @throws ProviderException when the file cannot be written or a server uses a variable that is not set
     */
    private Optional<Path> mcpConfig(String name, String taskId, Path home) {
        if (ctx.session.mcpServers().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(WorkerMcp.write(home, ctx.session.mcpServers(), ctx.session.env()));
        } catch (IOException | IllegalArgumentException e) {
            throw new ProviderException(ProviderException.Kind.CONFIGURATION, "task " + taskId + ": cannot hand the "
                    + "MCP servers to the " + name + " worker in " + home + ": " + e.getMessage());
        }
    }

    private void onEvent(String scope, String task, int index, String name, Optional<String> chosen,
                         AtomicInteger toolCalls, WorkerEvent event) {
        switch (event) {
            case WorkerEvent.SessionStarted s when chosen.isEmpty() && !s.sessionId().isEmpty() ->
                    ctx.emit(new RunEvent.WorkerSession(scope, index, name, s.sessionId()));
            case WorkerEvent.ToolUse u -> toolArguments.put(u.id(), u.inputJson());
            case WorkerEvent.ToolResult r -> {
                toolCalls.incrementAndGet();
                ctx.emit(new RunEvent.ToolCalled(scope, task, r.name(), Text.cut(toolArguments.getOrDefault(r.id(),
                        ""), TaskRunner.PREVIEW_CHARS), r.error(), Text.cut(r.output(), TaskRunner.PREVIEW_CHARS), 0));
            }
            default -> { }
        }
    }

    /**
     * Records an attempt's end and spend, settling its reservation in the same transaction.
     *
     * @param withoutResult what the attempt counts when {@code result} is empty (its stream could not be read)
     */
    private void settle(CostGuard.Reservation reservation, long reservationId, String scope, int index, String name,
                        String label, Optional<WorkerResult> result, String outcome, String detail,
                        OptionalDouble withoutResult) {
        OptionalDouble cost = result.isPresent() ? result.get().costUsd() : withoutResult;
        ctx.guard.settleSpent(reservation, cost);
        ctx.events.settle(reservationId, finished(scope, index, name, label, result, outcome, detail, cost));
        double fraction = ctx.run.fraction();
        ctx.emit(new RunEvent.CostUpdated(ctx.guard.spentUsd(), fraction > 0.05 ? ctx.guard.spentUsd() / fraction : null,
                ctx.limits.budgetUsd().isPresent() ? ctx.limits.budgetUsd().getAsDouble() : null));
    }

    private static RunEvent.WorkerFinished finished(String scope, int index, String name, String label,
                                                    Optional<WorkerResult> result, String outcome, String detail,
                                                    OptionalDouble cost) {
        Usage u = result.map(WorkerResult::usage).orElse(Usage.ZERO);
        return new RunEvent.WorkerFinished(scope, index, name, label, outcome, Text.cut(detail, 2000),
                result.flatMap(WorkerResult::sessionId).orElse(null), u.inputTokens(), u.outputTokens(),
                u.cacheWriteTokens(), u.cacheReadTokens(), cost.isPresent() ? cost.getAsDouble() : null,
                result.map(r -> r.costSource().id()).orElse("unpriced"), result.map(WorkerResult::turns).orElse(0),
                result.flatMap(r -> r.exitCode().isPresent() ? Optional.of(r.exitCode().getAsInt())
                        : Optional.<Integer>empty()).orElse(null),
                result.flatMap(WorkerResult::stdout).map(Path::toString).orElse(null),
                result.flatMap(WorkerResult::stderr).map(Path::toString).orElse(null),
                result.map(r -> r.duration().toMillis()).orElse(0L));
    }

    /**
     * Settles the reservation of a worker attempt whose Munero was killed (scope {@code worker:...}): the CLI's
     * processes that outlived Munero are killed ({@link #killOrphans}), then the spend is read back from the
     * attempt's kept stream ({@link Workers#readBack}: the usage and cost it streamed before the kill; for Codex, a
     * turn the stream left open from Codex's session log in the worker's home) and recorded as its {@code worker_finished} (outcome {@code interrupted}), in one transaction with the
     * reservation's removal. When the stream cannot be read the reservation counts at its worst case (the share of
     * the budget it held; nothing without a budget), as a cut-off model call does.
     *
     * @return whether {@code r} was a worker's reservation (and is now settled)
     * @throws dev.munero.store.StoreException when the store cannot be written
     */
    public static boolean settleKilled(Store store, String runId, ReservationRecord r, Map<String, String> env) {
        if (!r.scope().startsWith(RESERVATION_PREFIX)) {
            return false;
        }
        String key = r.scope().substring(RESERVATION_PREFIX.length());
        JsonNode started = null;
        for (StoredEvent e : store.events(runId, 0)) {
            JsonNode p = e.payload();
            if (e.type().equals("worker_started") && p.path("index").asInt() == r.callIndex()
                    && key.replaceFirst("@\\d+$", "").equals(p.path("scope").asString())) {
                started = p;
            }
        }
        String scope = key.replaceFirst("@\\d+$", "");
        String name = started == null ? "" : started.path("worker").asString("");
        Optional<String> model = started == null || started.path("model").isNull()
                ? Optional.empty() : Optional.of(started.path("model").asString());
        int orphans = 0; // first, so that a log the CLI writes itself (Codex's) is complete when it is read
        if (started != null && started.path("session_id").isString()) {
            orphans = killOrphans(started.path("session_id").asString());
        }
        Optional<WorkerResult> read = Optional.empty();
        if (started != null && Workers.NAMES.contains(name) && !name.equals(Workers.AGENT)) {
            try {
                read = Optional.of(Workers.readBack(name, Path.of(started.path("stdout").asString()),
                        started.path("home").isString() ? Optional.of(Path.of(started.path("home").asString()))
                                : Optional.empty(), model, prices(env)));
            } catch (IOException | RuntimeException e) {
                read = Optional.empty();
            }
        }
        OptionalDouble cost = read.map(WorkerResult::costUsd).orElse(OptionalDouble.empty());
        if (read.isEmpty()) {
            cost = r.worstCaseUsd().isPresent() ? r.worstCaseUsd() : OptionalDouble.of(0);
        }
        String detail = read.isPresent() ? "Munero was killed while the worker ran; its spend was read back from "
                + started.path("stdout").asString() : "Munero was killed while the worker ran and its stream cannot "
                + "be read; counted at the reserved worst case";
        if (orphans > 0) {
            detail += "; its CLI process outlived Munero and was killed (" + orphans + " process(es))";
        }
        RunEvent.WorkerFinished event = finished(scope, r.callIndex(), name, label(name, model), read,
                "interrupted", detail, cost);
        double add = cost.isPresent() ? cost.getAsDouble() : 0;
        store.appendSettling(r.id(), runId, event.type(), RunEvents.payload(event), x -> x.withSummary(
                x.summary().deepCopy().put("cost_usd", x.summary().path("cost_usd").asDouble(0) + add)));
        return true;
    }

    /**
     * Kills the processes of a CLI session that outlived the Munero that started them (the CLI runs in a process group
     * of its own, so a SIGKILL of Munero leaves it running, and spending): those whose command line holds
     * {@code sessionId}, a UUID Munero chose (Claude Code's {@code --session-id}, Gemini's) or resumed, with their
     * descendants. A Codex attempt's first process names no session on its command line and cannot be found this way.
     *
     * @return how many such processes were found
     */
    static int killOrphans(String sessionId) {
        List<ProcessHandle> found = ProcessHandle.allProcesses().filter(p -> p.isAlive() && p.info().arguments()
                .map(a -> List.of(a).contains(sessionId)).orElse(false)).toList();
        for (ProcessHandle p : found) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (ProcessHandle p : found) {
            try {
                p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // killed with SIGKILL; if it lingers, the resumed session still starts
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return found.size();
    }

    /** The attempts of a scope so far, and the newest CLI session id among them. */
    private record Earlier(int attempts, Optional<String> sessionId) { }

    private static Earlier earlier(Store store, String runId, String key) {
        String scope = key.replaceFirst("@\\d+$", "");
        int attempts = 0;
        String session = null;
        for (StoredEvent e : store.events(runId, 0)) {
            JsonNode p = e.payload();
            if (e.type().equals("rolled_back")) { // the work after the checkpoint is redone, in a new home (scope@N)
                attempts = 0;
                session = null;
                continue;
            }
            if (!scope.equals(p.path("scope").asString(null))) {
                continue;
            }
            switch (e.type()) {
                case "worker_started" -> {
                    attempts = Math.max(attempts, p.path("index").asInt() + 1);
                    if (!p.path("session_id").isNull() && !p.path("session_id").isMissingNode()) {
                        session = p.path("session_id").asString();
                    }
                }
                case "worker_session", "worker_finished" -> {
                    if (p.path("session_id").isString()) {
                        session = p.path("session_id").asString();
                    }
                }
                default -> { }
            }
        }
        return new Earlier(attempts, Optional.ofNullable(session));
    }

    private Optional<WorkerResult> readBack(String name, Path stdout, Path home, Optional<String> model) {
        try {
            return Files.exists(stdout) ? Optional.of(Workers.readBack(name, stdout, Optional.of(home), model,
                    prices(ctx.session.env()))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The attempt's end in the built-in agent's terms. The summary (the task's {@code task_finished} summary and its
     * commit message) is the CLI's last text when it finished, else the outcome and why ({@code hung: no event for
     * 10 min ...}; after the retry of a hung worker, {@code hung again after a retry: ...}), so a task that did not
     * finish is never summed up by a worker's hopeful last words.
     */
    private static AgentResult toAgentResult(WorkerResult r, int toolCalls, boolean retried) {
        StopCondition condition = switch (r.outcome()) {
            case FINISHED -> StopCondition.FINISHED;
            case LIMIT -> StopCondition.MAX_COST;
            case HUNG -> StopCondition.TIMEOUT;
            case ERROR, CRASHED -> StopCondition.PROVIDER_ERROR;
        };
        String why = (r.outcome() == WorkerOutcome.HUNG && retried ? "hung again after a retry" : r.outcome().id())
                + ": " + r.detail();
        String summary = r.outcome() == WorkerOutcome.FINISHED && !r.summary().isEmpty() ? r.summary() : why;
        return new AgentResult(condition, summary, why, r.turns(), toolCalls, r.usage(), r.costUsd(), List.of(),
                r.duration());
    }

    /** The environment the CLI takes its key and base URL from: the session's, with the user config's keys. */
    private Map<String, String> environment(String name) {
        Map<String, String> env = new HashMap<>(ctx.session.env());
        String provider = provider(name);
        UserConfig config = UserConfig.load(ctx.session.env());
        String prefix = provider.toUpperCase(Locale.ROOT);
        config.providerValue(provider, "api_key").ifPresent(v -> env.putIfAbsent(prefix + "_API_KEY", v));
        config.providerValue(provider, "base_url").ifPresent(v -> env.putIfAbsent(prefix + "_BASE_URL", v));
        return env;
    }

    private static boolean priced(ModelTable prices, Optional<String> model) {
        try {
            return model.flatMap(m -> prices.find(ModelRef.parse(m))).filter(ModelInfo::priced).isPresent();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static ModelTable prices(Map<String, String> env) {
        return ModelTable.withUserFile(UserConfig.load(env).sibling("models.toml"));
    }

    /** The provider whose models the CLI runs: anthropic, openai, google. */
    static String provider(String worker) {
        return switch (worker) {
            case "claude-code" -> "anthropic";
            case "codex" -> "openai";
            default -> "google";
        };
    }

    private static String label(String name, Optional<String> model) {
        return name + model.map(m -> " (" + m + ")").orElse("");
    }

    private static String safe(String scope) {
        return scope.replaceAll("[^A-Za-z0-9_.@#-]", "_");
    }
}
