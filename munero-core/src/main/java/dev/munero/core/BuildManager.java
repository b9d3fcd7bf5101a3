package dev.munero.core;

import dev.munero.agent.Agent;
import dev.munero.agent.AgentEvent;
import dev.munero.agent.AgentLimits;
import dev.munero.agent.AgentResult;
import dev.munero.agent.StopCondition;
import dev.munero.agent.safety.Approver;
import dev.munero.agent.safety.CommandPolicy;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.tools.ToolContext;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.core.git.Git;
import dev.munero.core.git.GitException;
import dev.munero.core.git.MergeResult;
import dev.munero.core.plan.CheckFailure;
import dev.munero.core.plan.Lesson;
import dev.munero.core.plan.Plan;
import dev.munero.core.plan.PlanTask;
import dev.munero.core.plan.Planner;
import dev.munero.core.plan.PlanningException;
import dev.munero.core.plan.Reflection;
import dev.munero.engine.config.ConfigException;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ProviderException;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.store.LessonRecord;
import dev.munero.store.ModelCallRecord;
import dev.munero.store.ReservationRecord;
import dev.munero.store.RunRecord;
import dev.munero.store.Store;
import dev.munero.store.StoreException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The build manager: drives one run from a spec to passing acceptance checks (plan → execute → observe →
 * reflect → replan), durably. Every step is an event appended to the {@link Store} before the next starts,
 * every model call is kept ({@link StoredChatModel}) and every completed task and iteration is a checkpoint
 * commit on the run's branch, so a crashed or paused run continues with {@link #resume} from its last completed
 * step without sending a completed model call again.
 *
 * <p>Invariants: the run's worktree is at its last checkpoint commit whenever no task is running; a task is in
 * {@link RunHistory#done()} iff a {@code task_finished} event for it follows the last plan that asked to redo it.
 *
 * <p>Not thread-safe: one session of one run per instance. Parallel agents run on threads of its own.
 */
public final class BuildManager {
    /** Lessons shown to a planner or agent at most. */
    static final int MAX_LESSONS = 5;
    private static final int PREVIEW_CHARS = 400;
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /** How a session ended. */
    public enum Status {
        /** Every acceptance check passed. */
        COMPLETED,
        /** The checks still fail after the last iteration, or the run cannot go on. */
        FAILED,
        /** Stopped with its state saved (budget, timeout, pause request, provider failure): resumable. */
        PAUSED,
        /** Interrupted (Ctrl-C, SIGTERM); also resumable. */
        INTERRUPTED
    }

    /**
     * A session's outcome.
     *
     * @param costUsd         what the run spent, every session, USD; calls cut off count at their worst case
     * @param neededUsd       set when the budget paused the run: how much more it needs, USD
     * @param resumeBudgetUsd set when the budget paused the run: the smallest total budget (rounded up to the
     *                        cent) that lets the refused call through, for {@code munero resume --budget-usd}
     * @param addBudgetUsd    set with it: what to add to the budget for that, for {@code --add-budget-usd}
     */
    public record Outcome(String runId, Status status, String message, double costUsd, int iterations, String branch,
                          String worktree, Double neededUsd, Double resumeBudgetUsd, Double addBudgetUsd) { }

    /**
     * What a session runs with besides the run's limits.
     *
     * @param provider the model (or a replay of a recording); every scope's calls go through it
     * @param prices   the model's prices
     * @param env      the environment for task agents and checks (agents see it scrubbed of secrets)
     * @param sandbox  where task agents' commands and the checks' steps run
     * @param clock    time
     * @param bus      where events are published after they are stored
     */
    public record Session(ChatModel provider, ModelInfo prices, Map<String, String> env, Sandbox sandbox, Clock clock,
                          EventBus bus, Learning learning) {
        /** A session that shares the repository's learning store. */
        public Session(ChatModel provider, ModelInfo prices, Map<String, String> env, Sandbox sandbox, Clock clock,
                       EventBus bus) {
            this(provider, prices, env, sandbox, clock, bus, Learning.SHARED);
        }
    }

    /**
     * Which lessons a session's planners and agents see, and where its reflections' lessons go.
     *
     * <p>A replayed run uses {@link #RUN_ONLY}: its requests must equal the recorded ones, and lessons other runs
     * taught the repository would change its first request (issue 11.6); its own lessons come from a recording,
     * not from a model that saw this repository, so they are not taught to later runs either.
     */
    public enum Learning {
        /** Read the repository's learning store ({@code lessons}, every run's) and add this run's lessons to it. */
        SHARED,
        /** See only this run's own lessons (from its event log); neither read nor write the learning store. */
        RUN_ONLY
    }

    private final Store store;
    private final String runId;
    private final RunLimits limits;
    private final Session session;
    private final Path repo;
    private final Path worktree;
    private final String branch;
    private final CostGuard guard;
    private final Instant deadline;
    private final AtomicReference<String> stopReason = new AtomicReference<>();
    private final Set<Thread> workers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, String> toolArguments = new java.util.concurrent.ConcurrentHashMap<>();
    private RunState state;
    private RunHistory history;
    private Git git;

    private BuildManager(Store store, String runId, RunLimits limits, Session session, Path repo, Path worktree,
                         String branch, double spentUsd, RunState state) {
        this.store = store;
        this.runId = runId;
        this.limits = limits;
        this.session = session;
        this.repo = repo;
        this.worktree = worktree;
        this.branch = branch;
        this.guard = new CostGuard(session.provider(), session.prices(), limits.budgetUsd(), spentUsd);
        this.deadline = session.clock().instant().plus(limits.timeout());
        this.state = state;
    }

    /** The path of a repository's run database, {@code .munero/munero.db}. */
    public static Path databaseOf(Path repo) {
        return repo.resolve(".munero").resolve("munero.db");
    }

    /**
     * Starts a run on {@code repo}: makes its worktree and branch from {@code HEAD}, then plans and loops.
     *
     * @param spec      the spec's text
     * @param specPath  where it came from, for the log
     * @throws GitException when {@code repo} is not a git repository with a commit, or a worktree cannot be made
     * @throws StoreException when the store cannot be written
     */
    public static Outcome start(Store store, Path repo, String spec, String specPath, RunLimits limits,
                                Session session) throws GitException {
        return prepare(store, repo, spec, specPath, limits, session).run();
    }

    /**
     * A run ready to be driven, made by {@link #prepare} or {@link #prepareResume}: it exists in the store (row,
     * events, worktree), and {@link #run()} drives its session on the calling thread. Call {@code run} once; the
     * thread that prepared it and the one that runs it may differ.
     */
    public static final class Prepared {
        private final BuildManager manager;
        private final String reason;
        private final java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();

        private Prepared(BuildManager manager, String reason) {
            this.manager = manager;
            this.reason = reason;
        }

        /** The run's id. */
        public String runId() {
            return manager.runId;
        }

        /**
         * Drives the session until the run completes, fails or pauses; an interrupt of the calling thread pauses
         * it ({@link Status#INTERRUPTED}).
         *
         * @throws IllegalStateException when called a second time
         */
        public Outcome run() {
            if (!ran.compareAndSet(false, true)) {
                throw new IllegalStateException("the session of run " + manager.runId + " was already run");
            }
            return manager.session(reason);
        }
    }

    /**
     * Creates a run on {@code repo} (its row, its {@code run_started} event, its branch and worktree from
     * {@code HEAD}) and returns before the loop: {@link Prepared#run()} plans and loops.
     *
     * @param spec      the spec's text
     * @param specPath  where it came from, for the log
     * @throws GitException when {@code repo} is not a git repository with a commit, or a worktree cannot be made
     * @throws StoreException when the store cannot be written
     */
    public static Prepared prepare(Store store, Path repo, String spec, String specPath, RunLimits limits,
                                   Session session) throws GitException {
        Git main = Git.open(repo);
        Path root = main.root();
        String base = main.head();
        main.ensureIgnored(".munero/");
        String runId = newRunId(store, session.clock());
        String branch = "munero/" + runId;
        Path worktree = root.resolve(".munero").resolve("worktrees").resolve(runId);
        ObjectNode summary = RunEvents.JSON.createObjectNode()
                .put("repo", root.toString()).put("spec_path", specPath).put("branch", branch)
                .put("model", session.provider().model().toString()).put("iteration", 0).put("cost_usd", 0.0)
                .put("tasks_done", 0).put("tasks_total", 0).put("pause_requested", false);
        store.createRun(runId, RunState.INITIALIZING.label(), summary, RunEvents.JSON.createObjectNode()
                .put("spec_path", specPath));
        BuildManager m = new BuildManager(store, runId, limits, session, root, worktree, branch, 0,
                RunState.INITIALIZING);
        m.emit(new RunEvent.RunStarted(runId, root.toString(), worktree.toString(), branch, base,
                session.provider().model().toString(), spec, limits.asMap()));
        m.git = main.addWorktree(worktree, branch, base);
        return new Prepared(m, "start");
    }

    /**
     * Continues a paused, interrupted or crashed run from its last completed step. Model calls a crashed session
     * left cut off (their reservations have no completion) are first counted as spent at their worst case
     * ({@code model_call_interrupted}); a damaged worktree (missing, half-deleted, not a worktree any more) is
     * rebuilt from the last checkpoint.
     *
     * @param override changes to the run's stored limits (e.g. a bigger budget); they are stored for later sessions
     * @throws IllegalArgumentException when there is no such run, or it has ended (the message says what the user
     *                                  can do)
     * @throws GitException when its worktree cannot be restored
     */
    public static Outcome resume(Store store, String runId, UnaryOperator<RunLimits> override, Session session)
            throws GitException {
        return prepareResume(store, runId, override, session).run();
    }

    /**
     * Prepares a paused, interrupted or crashed run to continue, as {@link #resume} does (settles cut-off calls,
     * stores changed limits, restores the worktree), and returns before the loop: {@link Prepared#run()} continues
     * it.
     *
     * @throws IllegalArgumentException when there is no such run, or it has ended (the message says what the user
     *                                  can do)
     * @throws GitException when its worktree cannot be restored
     */
    public static Prepared prepareResume(Store store, String runId, UnaryOperator<RunLimits> override,
                                         Session session) throws GitException {
        RunRecord record = store.run(runId).orElseThrow(() -> new IllegalArgumentException("there is no run " + runId
                + " in " + store.file() + "; see munero sessions list"));
        RunState current = RunState.ofLabel(record.state());
        if (current.isFinal()) {
            throw new IllegalArgumentException(endedMessage(record, "resume"));
        }
        settleCutOffCalls(store, runId, "the process ended mid-call");
        RunHistory h = RunHistory.fold(store.events(runId, 0));
        RunLimits limits = override.apply(storedLimits(h));
        double spent = store.modelCalls(runId).stream().map(ModelCallRecord::costUsd)
                .mapToDouble(c -> c.orElse(0)).sum() + h.estimatedUsd();
        BuildManager m = new BuildManager(store, runId, limits, session, Path.of(h.repo()), Path.of(h.worktree()),
                h.branch(), spent, current);
        if (!limits.equals(storedLimits(h))) {
            m.emit(new RunEvent.LimitsChanged(limits.asMap()));
        }
        Git.Restored restored = Git.open(m.repo).restoreWorktree(m.worktree, m.branch, h.lastCheckpoint());
        m.git = restored.worktree();
        restored.damage().ifPresent(damage -> m.emit(new RunEvent.WorktreeRebuilt(m.worktree.toString(), damage,
                restored.movedTo().map(Path::toString).orElse(null), h.lastCheckpoint())));
        return new Prepared(m, "resume");
    }

    /**
     * Turns the run's open cost reservations into {@code model_call_interrupted} events counted at their worst
     * case. Only for a run no process is running: its open reservations belong to calls that will never complete.
     */
    private static void settleCutOffCalls(Store store, String runId, String cause) {
        for (ReservationRecord r : store.openReservations(runId)) {
            Double worst = r.worstCaseUsd().isPresent() ? r.worstCaseUsd().getAsDouble() : null;
            String model = store.run(runId).map(x -> x.summary().path("model").asString("")).orElse("");
            RunEvent.ModelCallInterrupted event = new RunEvent.ModelCallInterrupted(eventScope(r.scope()),
                    r.callIndex(), model, worst, cause);
            store.appendSettling(r.id(), runId, event.type(), RunEvents.payload(event), x -> x.withSummary(
                    x.summary().deepCopy().put("cost_usd", x.summary().path("cost_usd").asDouble(0)
                            + (worst == null ? 0 : worst))));
        }
    }

    /**
     * What a command asked of an ended run is told: its state, when it ended, and what the user can do.
     *
     * @param command the command, e.g. {@code resume}
     */
    public static String endedMessage(RunRecord record, String command) {
        RunState state = RunState.ofLabel(record.state());
        String id = record.id();
        String branch = record.summary().path("branch").asString("munero/" + id);
        String ended = "run " + id + " " + (state == RunState.COMPLETED ? "completed" : "failed") + " at "
                + record.updatedAt().toString().replace('T', ' ').replaceFirst("\\.\\d+Z$", "Z");
        String nothing = switch (command) {
            case "resume" -> "; there is nothing to resume";
            case "pause" -> "; there is nothing to pause";
            default -> "";
        };
        String next = state == RunState.COMPLETED
                ? "see munero report " + id + ", review it with git diff HEAD " + branch + ", or merge it with git merge "
                + branch + "; to redo work from an earlier iteration, munero rollback " + id + " --to N, then munero "
                + "resume " + id
                : "see munero sessions show " + id + " for why; to try again from an earlier iteration, munero rollback "
                + id + " --to N, then munero resume " + id + " (perhaps with --max-iterations)";
        return ended + " (" + state.label() + ")" + nothing + ". Next: " + next;
    }

    /** The run's limits: those it was started with ({@code run_started}), as the last resume changed them. */
    public static RunLimits storedLimits(RunHistory h) {
        JsonNode s = h.settings;
        return new RunLimits(s.path("budget_usd").isNumber() ? OptionalDouble.of(s.path("budget_usd").asDouble())
                : OptionalDouble.empty(), Duration.ofSeconds(s.path("timeout_seconds").asLong(3600)),
                s.path("max_iterations").asInt(5), s.path("agents").asInt(1), s.path("max_turns").asInt(50),
                s.path("max_output_tokens").asInt(8192),
                dev.munero.agent.safety.PermissionMode.parse(s.path("permission_mode").asString("auto-edit")),
                PlanJson.strings(s.path("allow")));
    }

    /**
     * Asks a running run to pause: the running process sees it within a second, stops its agents and saves its
     * state. A request on a run that is not running has no effect: the next session clears it when it starts.
     *
     * @throws IllegalArgumentException when there is no such run or it has ended
     */
    public static void requestPause(Store store, String runId, String by) {
        RunRecord record = store.run(runId).orElseThrow(() -> new IllegalArgumentException("there is no run " + runId));
        if (RunState.ofLabel(record.state()).isFinal()) {
            throw new IllegalArgumentException(endedMessage(record, "pause"));
        }
        store.append(runId, "pause_requested", RunEvents.payload(new RunEvent.PauseRequested(by)),
                r -> r.withSummary(r.summary().deepCopy().put("pause_requested", true)));
    }

    /**
     * Restores a run's branch (and its worktree, when there is one) to an iteration's checkpoint, and records it:
     * tasks finished after that checkpoint are not done any more, and the run becomes {@code Paused} (an ended run
     * is reopened), so {@link #resume} continues from there: it runs the checks on that code and reflects. Model
     * calls made after the checkpoint are not answered from the store again.
     *
     * @param iteration the iteration; 0 is the commit the run started from
     * @return what was restored
     * @throws IllegalArgumentException when there is no such run or iteration (the message lists the iterations)
     * @throws GitException when git fails
     */
    public static RolledBack rollback(Store store, String runId, int iteration) throws GitException {
        RunRecord record = store.run(runId).orElseThrow(() -> new IllegalArgumentException("there is no run " + runId));
        RunHistory h = RunHistory.fold(store.events(runId, 0));
        String commit = h.iterationCommits().get(iteration);
        if (commit == null) {
            throw new IllegalArgumentException("run " + runId + " has no checkpoint for iteration " + iteration
                    + "; it has " + h.iterationCommits().keySet() + " (0 is where it started)");
        }
        RunState from = RunState.ofLabel(record.state());
        RunState to = from == RunState.PAUSED ? RunState.PAUSED : from.moveTo(RunState.PAUSED);
        Set<String> keep = h.doneAt(iteration);
        List<String> undone = h.done().stream().filter(t -> !keep.contains(t)).sorted().toList();
        Path worktree = Path.of(h.worktree());
        if (Files.exists(worktree)) {
            Git.open(Path.of(h.repo())).restoreWorktree(worktree, h.branch(), commit);
        } else {
            Git main = Git.open(Path.of(h.repo()));
            main.pruneWorktrees();
            main.resetBranch(h.branch(), commit);
        }
        RunEvent.RolledBack event = new RunEvent.RolledBack(iteration, commit, from.label(), to.label(), undone);
        store.append(runId, event.type(), RunEvents.payload(event), r -> {
            ObjectNode s = r.summary().deepCopy().put("last_checkpoint", commit).put("iteration", iteration)
                    .put("tasks_done", keep.size()).put("paused_reason", "rolled back to iteration " + iteration);
            s.remove("checks_passed");
            return r.withState(to.label()).withSummary(s);
        });
        return new RolledBack(commit, from, to, undone);
    }

    /**
     * What a rollback did.
     *
     * @param commit the checkpoint commit the branch is at now
     * @param from   the run's state before
     * @param to     its state now ({@code Paused})
     * @param undone tasks that were done and are to be done again
     */
    public record RolledBack(String commit, RunState from, RunState to, List<String> undone) { }

    private static String newRunId(Store store, Clock clock) {
        String stem = RUN_ID.format(clock.instant());
        String id = stem;
        for (int n = 2; store.run(id).isPresent(); n++) {
            id = stem + "-" + n;
        }
        return id;
    }

    // ---------------------------------------------------------------------------------------------------------
    // the session

    private Outcome session(String reason) {
        history = RunHistory.fold(store.events(runId, 0));
        emit(new RunEvent.SessionStarted(runId, history.sessions() + 1, reason, ProcessHandle.current().pid()));
        Thread watcher = Thread.ofVirtual().name("munero-run-watch").start(this::watch);
        workers.add(Thread.currentThread());
        try {
            return loop();
        } catch (BudgetExceededException e) {
            return pause("budget: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            return stopped();
        } catch (ProviderException e) {
            if (stopReason.get() != null || Thread.currentThread().isInterrupted()) {
                return stopped();
            }
            return pause("the model provider failed: " + e.getMessage(), null);
        } catch (PlanningException e) {
            return fail(e.getMessage());
        } catch (ConfigException e) {
            return fail("the checks cannot run: " + e.getMessage());
        } catch (GitException | IOException e) {
            return pause(e.getMessage(), null);
        } finally {
            workers.remove(Thread.currentThread());
            watcher.interrupt();
            Thread.interrupted();
        }
    }

    /** Polls for a pause request and the deadline; stops the workers when either comes. */
    private void watch() {
        try {
            while (true) {
                Thread.sleep(250);
                String why = null;
                if (!session.clock().instant().isBefore(deadline)) {
                    why = "the timeout of " + limits.timeout() + " passed";
                } else if (store.run(runId).map(r -> r.summary().path("pause_requested").asBoolean()).orElse(false)) {
                    why = "a pause was requested";
                }
                if (why != null && stopReason.compareAndSet(null, why)) {
                    workers.forEach(Thread::interrupt);
                    return;
                }
            }
        } catch (InterruptedException | StoreException done) {
            // the session ended
        }
    }

    private Outcome stopped() {
        String why = stopReason.get();
        if (why == null) {
            Thread.interrupted();
            return pause("interrupted", null, Status.INTERRUPTED);
        }
        return pause(why, null);
    }

    private Outcome loop() throws InterruptedException, PlanningException, ConfigException, GitException, IOException {
        if (state == RunState.INITIALIZING) {
            move(RunState.CONFIGURING_MCP, "start");
            emit(new RunEvent.McpStatus("no MCP servers: MCP support is not built yet", List.of()));
            move(RunState.PREPARING_BUILD, "MCP configured");
        }
        if (state == RunState.COMPLETING) { // killed while recording its completion
            return complete(history.iteration, history.lastCheckpoint);
        }
        if (history.plan == null) {
            phase("planning", 0);
            Planner planner = new Planner(scoped("plan"), limits.maxOutputTokens());
            Plan plan = planner.plan(history.spec, Checks.steps(worktree), files(), lessons(null));
            emit(new RunEvent.PlanAccepted(1, PlanJson.toMap(plan), 1, false, List.of()));
            history.plan = plan;
            history.planIteration = 1;
        }
        if (state != RunState.BUILDING) {
            move(RunState.BUILDING, state == RunState.PAUSED ? "resumed" : "planned");
        }
        Checks checks = new Checks(repo.resolve(".munero").resolve("cache"), session.env(), session.sandbox());
        while (true) {
            int iteration = Math.max(history.iteration, 1);
            if (history.iteration < history.planIteration) {
                iteration = history.planIteration;
                emit(new RunEvent.IterationStarted(iteration));
                history.iteration = iteration;
            }
            checkStop();
            phase("executing", iteration);
            execute(iteration);
            checkStop();
            phase("observing", iteration);
            Checks.Report report = checks.run(worktree, history.plan.checks());
            List<Map<String, Object>> failures = report.failures().stream().map(BuildManager::failureMap).toList();
            emit(new RunEvent.ChecksFinished(iteration, report.passed(),
                    history.plan.checks().stream().map(c -> c.name()).toList(), failures, report.stepsRun(),
                    report.cacheHits(), report.durationMillis()));
            String commit = git.commitAllowEmpty("munero: iteration " + iteration + " of run " + runId + " (checks "
                    + (report.passed() ? "pass" : "fail") + ")");
            emit(new RunEvent.Checkpoint(iteration, "iteration", commit));
            history.lastCheckpoint = commit;
            progress("observing", iteration);
            if (report.passed()) {
                move(RunState.COMPLETING, "every check passed");
                return complete(iteration, commit);
            }
            if (iteration >= limits.maxIterations()) {
                return fail("the checks still fail after " + iteration + " iteration" + (iteration == 1 ? "" : "s")
                        + " (--max-iterations " + limits.maxIterations() + "): "
                        + report.failures().stream().map(CheckFailure::step).collect(Collectors.joining(", ")));
            }
            checkStop();
            phase("reflecting", iteration);
            reflect(iteration, report.failures());
        }
    }

    /** Records the completion (from {@code Completing}) and ends the run as {@code Completed}. */
    private Outcome complete(int iteration, String commit) {
        store.confirmLessons(runId);
        if (history.finalState().isEmpty()) {
            emit(new RunEvent.RunCompleted(iteration, guard.spentUsd(), commit, peakHeapBytes()));
        }
        move(RunState.COMPLETED, "its completion is recorded");
        return new Outcome(runId, Status.COMPLETED, "every check passed in iteration " + iteration, guard.spentUsd(),
                iteration, branch, worktree.toString(), null, null, null);
    }

    private void reflect(int iteration, List<CheckFailure> failures) throws PlanningException, InterruptedException {
        Planner reflector = new Planner(scoped("reflect:" + iteration), limits.maxOutputTokens());
        Reflection reflection = reflector.reflect(history.spec, history.plan, List.copyOf(history.done), failures,
                lessons(null));
        List<LessonRecord> kept = new ArrayList<>();
        for (int i = 0; i < reflection.lessons().size(); i++) {
            Lesson l = reflection.lessons().get(i);
            kept.add(new LessonRecord(runId, iteration, i, session.clock().instant(), l.check(), l.whatFailed(),
                    l.why(), l.fix(), l.files(), false));
        }
        if (session.learning() == Learning.SHARED) {
            store.putLessons(kept);
        }
        for (LessonRecord l : kept) {
            emit(new RunEvent.LessonRecorded(iteration, l.ordinal(), l.check(), l.whatFailed(), l.why(), l.fix(),
                    l.files()));
        }
        List<PlanTask> tasks = new ArrayList<>(history.plan.tasks());
        List<String> redo = new ArrayList<>();
        List<PlanTask> changes = reflection.tasks();
        if (changes.isEmpty()) {
            changes = List.of(new PlanTask("fix-" + (iteration + 1), "The acceptance checks fail: "
                    + failures.stream().map(f -> f.step() + (f.exitCode().isPresent() ? " (exit " + f.exitCode()
                    .getAsInt() + ")" : "")).collect(Collectors.joining(", ")) + ". " + reflection.analysis()
                    + " Make them pass.", List.of(), List.of()));
        }
        for (PlanTask change : changes) {
            int at = indexOf(tasks, change.id());
            if (at >= 0) {
                tasks.set(at, change);
            } else {
                tasks.add(change);
            }
            redo.add(change.id());
        }
        Plan revised = history.plan.withTasks(tasks);
        history.done.removeAll(redo); // before the event: the projection counts what is left
        history.plan = revised;
        emit(new RunEvent.PlanAccepted(iteration + 1, PlanJson.toMap(revised), 1, true, redo));
        history.planIteration = iteration + 1;
    }

    private static int indexOf(List<PlanTask> tasks, String id) {
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------------
    // execute

    private void execute(int iteration) throws InterruptedException, GitException {
        if (limits.agents() == 1) {
            for (PlanTask task = nextReady(Set.of()); task != null; task = nextReady(Set.of())) {
                checkStop();
                AgentResult result = runAgent(iteration, task, git, worktree, 1);
                String commit = git.commitAllowEmpty("munero: task " + task.id() + " (iteration " + iteration + "): "
                        + firstLine(result.summary()));
                finishTask(iteration, task, result, commit);
            }
            return;
        }
        executeParallel(iteration);
    }

    /** The first task not done whose dependencies are done, skipping {@code running}; null when none is ready. */
    private PlanTask nextReady(Set<String> running) {
        for (PlanTask t : history.plan.tasks()) {
            if (!history.done.contains(t.id()) && !running.contains(t.id())
                    && history.done.containsAll(t.dependsOn().stream().filter(d -> history.plan.task(d).isPresent())
                    .toList())) {
                return t;
            }
        }
        return null;
    }

    private record Finished(PlanTask task, int agent, Git git, Path dir, String branch, AgentResult result) { }

    private void executeParallel(int iteration) throws InterruptedException, GitException {
        ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("munero-agent-", 1)
                .factory());
        ExecutorCompletionService<Finished> done = new ExecutorCompletionService<>(pool);
        Set<String> running = new LinkedHashSet<>();
        List<Future<Finished>> futures = new ArrayList<>();
        int slot = 0;
        Git main = Git.open(repo);
        try {
            while (true) {
                checkStop();
                PlanTask task;
                while (running.size() < limits.agents() && (task = nextReady(running)) != null) {
                    String taskBranch = branch + "-" + task.id() + "-" + iteration; // git cannot nest refs under a branch
                    Path dir = repo.resolve(".munero").resolve("worktrees").resolve(runId + "-" + task.id() + "-"
                            + iteration);
                    main.removeWorktree(dir);
                    main.deleteBranch(taskBranch);
                    Git taskGit = main.addWorktree(dir, taskBranch, git.head());
                    PlanTask t = task;
                    int agent = ++slot;
                    running.add(task.id());
                    futures.add(done.submit(() -> {
                        workers.add(Thread.currentThread());
                        try {
                            return new Finished(t, agent, taskGit, dir, taskBranch, runAgent(iteration, t, taskGit, dir,
                                    agent));
                        } finally {
                            workers.remove(Thread.currentThread());
                        }
                    }));
                }
                if (running.isEmpty()) {
                    return;
                }
                Finished f;
                try {
                    f = done.take().get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                running.remove(f.task().id());
                String taskCommit = f.git().commitAllowEmpty("munero: task " + f.task().id() + " (iteration " + iteration
                        + "): " + firstLine(f.result().summary()));
                MergeResult merged = git.merge(f.branch(), "munero: merge task " + f.task().id() + " (iteration "
                        + iteration + ")");
                main.removeWorktree(f.dir());
                switch (merged) {
                    case MergeResult.Merged m -> finishTask(iteration, f.task(), f.result(), m.commit());
                    case MergeResult.Conflict c -> {
                        String followId = followUpId(f.task().id());
                        String diff = cut(git.diff(git.head(), taskCommit), 4000);
                        PlanTask follow = new PlanTask(followId, "Task " + f.task().id() + " (\"" + f.task()
                                .description() + "\") was done on its own branch, but its change conflicts with work "
                                + "merged meanwhile in " + String.join(", ", c.files()) + ". Re-apply its intent on "
                                + "top of the current code. Its change was:\n" + diff, c.files(), List.of());
                        finishTask(iteration, f.task(), f.result(), null);
                        emit(new RunEvent.MergeConflict(iteration, f.task().id(), c.files(), followId));
                        List<PlanTask> tasks = new ArrayList<>(history.plan.tasks());
                        tasks.add(follow);
                        history.plan = history.plan.withTasks(tasks);
                        emit(new RunEvent.PlanAccepted(history.planIteration, PlanJson.toMap(history.plan), 0, true,
                                List.of()));
                    }
                }
                main.deleteBranch(f.branch());
            }
        } finally {
            pool.shutdownNow();
            pool.close();
        }
    }

    private String followUpId(String id) {
        String candidate = (id.length() > 30 ? id.substring(0, 30) : id) + "-merge";
        for (int n = 2; history.plan.task(candidate).isPresent(); n++) {
            candidate = (id.length() > 30 ? id.substring(0, 30) : id) + "-merge" + n;
        }
        return candidate;
    }

    private void finishTask(int iteration, PlanTask task, AgentResult result, String commit) {
        double cost = result.costUsd().orElse(0);
        history.done.add(task.id()); // before the event: the projection counts it
        emit(new RunEvent.TaskFinished(iteration, task.id(), result.condition().name().toLowerCase(Locale.ROOT)
                .replace('_', '-'), cut(result.summary(), 2000), commit, result.turns(), result.toolCalls(), cost));
        if (commit != null) {
            emit(new RunEvent.Checkpoint(iteration, "task:" + task.id(), commit));
            history.lastCheckpoint = commit;
        }
        progress("executing", iteration);
    }

    private AgentResult runAgent(int iteration, PlanTask task, Git where, Path dir, int agent)
            throws InterruptedException {
        emit(new RunEvent.TaskStarted(iteration, task.id(), task.description(), agent, dir.toString()));
        String scope = "task:" + iteration + ":" + task.id();
        ToolContext context = ToolContext.builder(dir).permissionMode(limits.permissionMode())
                .commandPolicy(CommandPolicy.defaults().withAllowed(limits.allow()))
                .sandbox(session.sandbox()).environment(session.env()).approver(Approver.noTerminal()).build();
        Duration left = Duration.between(session.clock().instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            stopReason.compareAndSet(null, "the timeout of " + limits.timeout() + " passed");
            throw new InterruptedException("timeout");
        }
        AgentLimits agentLimits = new AgentLimits(limits.maxTurns(), OptionalDouble.empty(), left,
                AgentLimits.DEFAULTS.maxRepeatedFailures(), limits.maxOutputTokens());
        Agent agentLoop = Agent.builder(scoped(scope, dir), context).modelInfo(session.prices()).limits(agentLimits)
                .listener(e -> onAgentEvent(scope, task.id(), e)).clock(session.clock()).build();
        AgentResult result = agentLoop.run(taskPrompt(task));
        if (result.condition() == StopCondition.INTERRUPTED || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("the agent on task " + task.id() + " was interrupted");
        }
        if (result.condition() == StopCondition.PROVIDER_ERROR) {
            throw new ProviderException(ProviderException.Kind.SERVER_ERROR, "task " + task.id() + ": "
                    + result.detail());
        }
        return result;
    }

    private void onAgentEvent(String scope, String task, AgentEvent event) {
        switch (event) {
            case AgentEvent.ToolCallStarted s -> toolArguments.put(s.id(), s.argumentsJson());
            case AgentEvent.ToolCallFinished f -> emit(new RunEvent.ToolCalled(scope, task, f.name(),
                    cut(toolArguments.getOrDefault(f.id(), ""), PREVIEW_CHARS), f.error(),
                    cut(f.output(), PREVIEW_CHARS), f.duration().toMillis()));
            default -> { }
        }
    }

    private String taskPrompt(PlanTask task) {
        StringBuilder p = new StringBuilder();
        p.append("You are one of the coding agents of a build manager working towards this spec:\n\n")
                .append(history.spec.strip()).append("\n\nYour task (id ").append(task.id()).append("):\n")
                .append(task.description().strip()).append('\n');
        if (!task.files().isEmpty()) {
            p.append("\nFiles it likely touches: ").append(String.join(", ", task.files())).append('\n');
        }
        p.append("\nThe acceptance checks are the build steps ").append(history.plan.checks().stream()
                .map(c -> c.name() + c.run().map(r -> " (`" + r + "`)").orElse("")).collect(Collectors.joining(", ")))
                .append("; other agents may do the rest of the plan. Do only this task, keep the build green, "
                        + "and call finish with a short summary when it is done.\n");
        List<Lesson> lessons = lessons(task);
        if (!lessons.isEmpty()) {
            p.append("\nLessons from earlier failures in this repository:\n");
            lessons.forEach(l -> p.append("- ").append(l.check()).append(": ").append(l.whatFailed()).append(" — ")
                    .append(l.why()).append(" Fix: ").append(l.fix()).append('\n'));
        }
        return p.toString();
    }

    /**
     * The lessons that concern a task (or, for {@code null}, the run's checks): those sharing a file or two
     * words of four letters or more with it, confirmed ones first, newest first, at most {@link #MAX_LESSONS}.
     */
    private List<Lesson> lessons(PlanTask task) {
        Set<String> words = new LinkedHashSet<>();
        Set<String> files = new LinkedHashSet<>();
        if (task != null) {
            words.addAll(words(task.description()));
            files.addAll(task.files());
        } else {
            words.addAll(words(history.spec));
            if (history.plan != null) {
                history.plan.checks().forEach(c -> words.add(c.name().toLowerCase(Locale.ROOT)));
            }
        }
        List<LessonRecord> all = new ArrayList<>(session.learning() == Learning.SHARED ? store.lessons(200)
                : ownLessons());
        all.sort(java.util.Comparator.comparing((LessonRecord l) -> !l.confirmed()));
        List<Lesson> relevant = new ArrayList<>();
        for (LessonRecord l : all) {
            Set<String> lw = words(l.check() + " " + l.whatFailed() + " " + l.fix());
            lw.retainAll(words);
            boolean sharesFile = l.files().stream().anyMatch(files::contains);
            if (sharesFile || lw.size() >= 2) {
                relevant.add(new Lesson(l.check(), l.whatFailed(), l.why(), l.fix(), l.files()));
            }
            if (relevant.size() == MAX_LESSONS) {
                break;
            }
        }
        return relevant;
    }

    /** This run's lessons, from its {@code lesson_recorded} events, newest first (as the store orders them). */
    private List<LessonRecord> ownLessons() {
        List<LessonRecord> own = new ArrayList<>();
        for (var e : store.events(runId, 0)) {
            if (e.type().equals("lesson_recorded")) {
                JsonNode p = e.payload();
                List<String> files = new ArrayList<>();
                p.path("files").forEach(f -> files.add(f.asString()));
                own.add(new LessonRecord(runId, p.path("iteration").asInt(), p.path("ordinal").asInt(), e.at(),
                        p.path("check").asString(""), p.path("what_failed").asString(""), p.path("why").asString(""),
                        p.path("fix").asString(""), files, false));
            }
        }
        own.sort(java.util.Comparator.comparing(LessonRecord::createdAt).reversed()
                .thenComparing(LessonRecord::iteration).thenComparing(LessonRecord::ordinal));
        return own;
    }

    private static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9_]+")) {
            if (w.length() >= 4) {
                out.add(w);
            }
        }
        return out;
    }

    /** The repository's tracked files (what the planner sees), at most 300. */
    private List<String> files() throws IOException {
        try (var paths = Files.walk(worktree)) {
            return paths.filter(Files::isRegularFile).map(p -> worktree.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith(".git") && !p.startsWith(".munero/")).sorted().limit(300).toList();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // models, events, state

    private ChatModel scoped(String scope) {
        return scoped(scope, worktree);
    }

    /**
     * The model for one scope. After a rollback the calls are kept under a new key ({@code scope@N}, N the
     * rollbacks so far): the work after the checkpoint was rolled back, so its answers are not replayed.
     */
    private ChatModel scoped(String scope, Path workspace) {
        String model = guard.model().toString();
        String key = history.rollbacks() == 0 ? scope : scope + "@" + history.rollbacks();
        return new StoredChatModel(guard, store, runId, key, session.prices(),
                Map.of(workspace.toString(), "<workspace>"), session.clock(), new StoredChatModel.CallObserver() {
                    @Override
                    public void onCall(int index, ChatResponse response, OptionalDouble cost, boolean fromStore,
                                       Duration duration) {
                        onModelCall(scope, index, model, response, cost, fromStore, duration);
                    }

                    @Override
                    public void onCutOff(int index, long reservationId, OptionalDouble worstCaseUsd,
                                         Throwable failure) {
                        settle(reservationId, new RunEvent.ModelCallInterrupted(scope, index, model,
                                worstCaseUsd.isPresent() ? worstCaseUsd.getAsDouble() : null,
                                failure instanceof InterruptedException ? "interrupted" : failure.getMessage()));
                    }
                });
    }

    /** The scope a stored key belongs to: {@code scope@N} is {@code scope} after N rollbacks. */
    private static String eventScope(String key) {
        int at = key.indexOf('@');
        return at < 0 ? key : key.substring(0, at);
    }

    private void onModelCall(String scope, int index, String model, ChatResponse response, OptionalDouble cost,
                             boolean fromStore, Duration duration) {
        var u = response.usage();
        emit(new RunEvent.ModelCalled(scope, index, model, u.inputTokens(), u.outputTokens(), u.cacheWriteTokens(),
                u.cacheReadTokens(), cost.isPresent() ? cost.getAsDouble() : null, fromStore, duration.toMillis()));
        if (!fromStore) {
            double fraction = fraction();
            Double projected = fraction > 0.05 ? guard.spentUsd() / fraction : null;
            emit(new RunEvent.CostUpdated(guard.spentUsd(), projected,
                    limits.budgetUsd().isPresent() ? limits.budgetUsd().getAsDouble() : null));
        }
    }

    /** Progress through the run, 0 to 1: planning 10 %, the current iteration's tasks 70 %, its checks 20 %. */
    private double fraction() {
        if (history.plan == null) {
            return 0.05;
        }
        int total = history.plan.tasks().size();
        long done = history.plan.tasks().stream().filter(t -> history.done.contains(t.id())).count();
        double checked = history.checkedIteration >= history.iteration && history.iteration > 0 ? 0.2 : 0;
        return 0.1 + 0.7 * (total == 0 ? 1 : (double) done / total) + checked;
    }

    private void progress(String phase, int iteration) {
        int total = history.plan == null ? 0 : history.plan.tasks().size();
        int done = history.plan == null ? 0 : (int) history.plan.tasks().stream()
                .filter(t -> history.done.contains(t.id())).count();
        double fraction = Math.min(1, fraction());
        long elapsed = Duration.between(history.startedAt == null ? session.clock().instant() : history.startedAt,
                session.clock().instant()).toMillis();
        Long eta = fraction > 0.1 ? (long) (elapsed / fraction * (1 - fraction)) : null;
        emit(new RunEvent.Progress(phase, iteration, done, total, fraction, eta));
    }

    private void phase(String phase, int iteration) {
        emit(new RunEvent.PhaseStarted(phase, iteration));
        progress(phase, iteration);
    }

    private void checkStop() throws InterruptedException {
        if (stopReason.get() != null || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException(stopReason.get());
        }
    }

    private void move(RunState to, String reason) {
        RunState from = state;
        state = state.moveTo(to);
        emit(new RunEvent.StateChanged(from.label(), to.label(), reason));
    }

    /** Appends the event, settling the cost reservation of the call it reports, and publishes it. */
    private synchronized void settle(long reservationId, RunEvent.ModelCallInterrupted event) {
        store.appendSettling(reservationId, runId, event.type(), RunEvents.payload(event), r -> project(r, event));
        session.bus().publish(event);
    }

    /** Appends the event (with its projection) and publishes it. Thread-safe (the store serializes). */
    private synchronized void emit(RunEvent event) {
        if (event.persisted()) {
            ObjectNode payload = RunEvents.payload(event);
            store.append(runId, event.type(), payload, r -> project(r, event));
        }
        session.bus().publish(event);
    }

    private RunRecord project(RunRecord r, RunEvent event) {
        ObjectNode s = r.summary().deepCopy();
        String nextState = r.state();
        switch (event) {
            case RunEvent.StateChanged c -> nextState = c.to();
            case RunEvent.SessionStarted ignored -> s.put("pause_requested", false).remove("paused_reason");
            case RunEvent.IterationStarted i -> s.put("iteration", i.iteration());
            case RunEvent.ModelCalled ignored -> s.put("cost_usd", guard.spentUsd());
            case RunEvent.ModelCallInterrupted ignored -> s.put("cost_usd", guard.spentUsd());
            case RunEvent.PlanAccepted p -> s.put("tasks_total", ((List<?>) p.plan().get("tasks")).size())
                    .put("tasks_done", tasksDone());
            case RunEvent.TaskFinished ignored -> s.put("tasks_done", tasksDone());
            case RunEvent.Checkpoint c -> s.put("last_checkpoint", c.commit());
            case RunEvent.ChecksFinished c -> s.put("checks_passed", c.passed());
            case RunEvent.RunPaused p -> s.put("paused_reason", p.reason());
            default -> { }
        }
        return r.withState(nextState).withSummary(s);
    }

    /** Tasks of the current plan that are done. */
    private int tasksDone() {
        return history == null || history.plan == null ? 0
                : (int) history.plan.tasks().stream().filter(t -> history.done.contains(t.id())).count();
    }

    private Outcome pause(String reason, BudgetExceededException budget) {
        return pause(reason, budget, Status.PAUSED);
    }

    private Outcome pause(String reason, BudgetExceededException budget, Status status) {
        Double neededUsd = budget == null || Double.isNaN(budget.neededUsd()) ? null : budget.neededUsd();
        boolean wasInterrupted = Thread.interrupted();
        try {
            if (git != null && history != null && history.lastCheckpoint != null) {
                git.resetHard(history.lastCheckpoint); // work of an unfinished task is redone on resume
            }
        } catch (GitException e) {
            reason = reason + " (and the worktree could not be reset: " + e.getMessage() + ")";
        }
        if (state != RunState.PAUSED) {
            move(RunState.PAUSED, reason);
        }
        emit(new RunEvent.RunPaused(reason, neededUsd, peakHeapBytes()));
        if (wasInterrupted && status == Status.INTERRUPTED) {
            Thread.currentThread().interrupt();
        }
        return new Outcome(runId, status, reason, guard.spentUsd(), history == null ? 0 : history.iteration, branch,
                worktree.toString(), neededUsd, neededUsd == null ? null : budget.resumeBudgetUsd(),
                neededUsd == null ? null : budget.addBudgetUsd());
    }

    private Outcome fail(String reason) {
        if (!state.isFinal()) {
            move(RunState.FAILED, reason);
        }
        emit(new RunEvent.RunFailed(reason, peakHeapBytes()));
        return new Outcome(runId, Status.FAILED, reason, guard.spentUsd(), history == null ? 0 : history.iteration,
                branch, worktree.toString(), null, null, null);
    }

    /** The sum of the heap pools' peak usage, bytes: what this JVM needed at most. */
    static long peakHeapBytes() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }

    private static Map<String, Object> failureMap(CheckFailure f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", f.step());
        m.put("exit_code", f.exitCode().isPresent() ? f.exitCode().getAsInt() : null);
        m.put("failing_tests", f.failingTests());
        m.put("log_tail", cut(f.logTail(), 4000));
        return m;
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return cut(line, 120);
    }

    static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    /** The run's id. */
    public String runId() {
        return runId;
    }
}
