package dev.munero.core;

import dev.munero.agent.mcp.McpServerSpec;
import dev.munero.agent.safety.Sandbox;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.core.git.Git;
import dev.munero.core.git.GitException;
import dev.munero.core.loop.EventEmitter;
import dev.munero.core.loop.Heap;
import dev.munero.core.loop.LoopState;
import dev.munero.core.loop.RunContext;
import dev.munero.core.loop.RunLoop;
import dev.munero.llm.ChatModel;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.store.ModelCallRecord;
import dev.munero.store.ReservationRecord;
import dev.munero.store.RunRecord;
import dev.munero.store.Store;
import dev.munero.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.UnaryOperator;
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
 * <p>The session's loop is a chain of phases in {@code dev.munero.core.loop} ({@link RunLoop} wires them over a
 * {@link RunContext}); this class makes or restores the run and hands it over.
 *
 * <p>Not thread-safe: one session of one run per instance. Parallel agents run on threads of its own.
 */
public final class BuildManager {
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
     * @param provider the run's model (or a replay of a recording); the calls of every scope whose agent profile
     *                 names no other model go through it
     * @param prices   the model's prices
     * @param env      the environment for task agents and checks (agents see it scrubbed of secrets)
     * @param sandbox  where task agents' commands and the checks' steps run
     * @param clock    time
     * @param bus      where events are published after they are stored
     * @param learning whose lessons the session sees
     * @param mcpServers the MCP servers the session starts for its task agents (issue 13; see
     *                 {@link dev.munero.core.app.McpSettings#forRun}); empty for none
     * @param profileModels the models agent profiles name other than the run's (issue 14), by {@code provider:model},
     *                 each with its prices (a replay or recording of the same file as {@code provider}); empty for
     *                 none
     */
    public record Session(ChatModel provider, ModelInfo prices, Map<String, String> env, Sandbox sandbox, Clock clock,
                          EventBus bus, Learning learning, List<McpServerSpec> mcpServers,
                          Map<String, PricedModel> profileModels) {
        public Session {
            mcpServers = List.copyOf(mcpServers);
            profileModels = Map.copyOf(profileModels);
        }

        /** A session whose profiles use the run's model. */
        public Session(ChatModel provider, ModelInfo prices, Map<String, String> env, Sandbox sandbox, Clock clock,
                       EventBus bus, Learning learning, List<McpServerSpec> mcpServers) {
            this(provider, prices, env, sandbox, clock, bus, learning, mcpServers, Map.of());
        }

        /** A session without MCP servers. */
        public Session(ChatModel provider, ModelInfo prices, Map<String, String> env, Sandbox sandbox, Clock clock,
                       EventBus bus, Learning learning) {
            this(provider, prices, env, sandbox, clock, bus, learning, List.of());
        }

        /** A session that shares the repository's learning store, without MCP servers. */
        public Session(ChatModel provider, ModelInfo prices, Map<String, String> env, Sandbox sandbox, Clock clock,
                       EventBus bus) {
            this(provider, prices, env, sandbox, clock, bus, Learning.SHARED);
        }

        /** This session with {@code servers} as its MCP servers. */
        public Session withMcpServers(List<McpServerSpec> servers) {
            return new Session(provider, prices, env, sandbox, clock, bus, learning, servers, profileModels);
        }

        /** This session with {@code models} as the profiles' own models (see {@link #profileModels}). */
        public Session withProfileModels(Map<String, PricedModel> models) {
            return new Session(provider, prices, env, sandbox, clock, bus, learning, mcpServers, models);
        }

        /**
         * The model a profile's calls go to: the run's for {@code null} or the run's own name, else the profile
         * model of that name.
         *
         * @param model {@code provider:model} or null
         * @throws IllegalStateException when the session was made without that model (the run's munero.yaml
         *                               changed after the session was made)
         */
        public PricedModel model(String model) {
            if (model == null || model.equals(provider.model().toString())) {
                return new PricedModel(provider, prices);
            }
            PricedModel found = profileModels.get(model);
            if (found == null) {
                throw new IllegalStateException("the session has no model " + model + " (it has "
                        + provider.model() + " and " + profileModels.keySet() + "); munero.yaml's agents: changed "
                        + "while the run was being set up: start or resume it again");
            }
            return found;
        }
    }

    /** A model and its prices. */
    public record PricedModel(ChatModel model, ModelInfo prices) { }

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
    private final EventEmitter events;
    private final RunState state;
    /** The run as the session moves it on; null until the session starts. */
    private LoopState run;
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
        this.events = new EventEmitter(store, runId, session.bus(), guard, () -> run == null ? 0 : run.tasksDone());
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

        /**
         * Hands the run to {@code follower} instead of the local loop (issue 16.2: a run distributed over an
         * engine's workers, {@link dev.munero.core.app.Distributed}); returns what the follower returns.
         *
         * @throws IllegalStateException when the run was already run or followed
         * @throws dev.munero.core.app.AppException UNAVAILABLE when the worktree's head cannot be read
         */
        public Outcome follow(dev.munero.core.app.Distributed.Follower follower) {
            if (!ran.compareAndSet(false, true)) {
                throw new IllegalStateException("the session of run " + manager.runId + " was already run");
            }
            return manager.follow(follower);
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
        settleCutOffCalls(store, runId, "the process ended mid-call", session.env());
        RunHistory h = RunHistory.fold(store.events(runId, 0));
        RunLimits limits = override.apply(storedLimits(h));
        double spent = store.modelCalls(runId).stream().map(ModelCallRecord::costUsd)
                .mapToDouble(c -> c.orElse(0)).sum() + h.estimatedUsd() + h.workerUsd();
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
    private static void settleCutOffCalls(Store store, String runId, String cause, Map<String, String> env) {
        for (ReservationRecord r : store.openReservations(runId)) {
            if (dev.munero.core.loop.WorkerTasks.settleKilled(store, runId, r, env)) {
                continue; // a CLI worker's attempt (issue 15): its spend is read back from its kept stream
            }
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
        return RunLimits.fromMap(h.settings);
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
    // the session: the loop's phases are in dev.munero.core.loop, wired by RunLoop

    private Outcome session(String reason) {
        RunHistory h = RunHistory.fold(store.events(runId, 0));
        run = new LoopState(h.spec, h.plan, h.planIteration, h.iteration, h.done, h.lastCheckpoint,
                h.checkedIteration, h.startedAt, h.finalState().isPresent(), h.sessions(), h.rollbacks());
        return new RunLoop(new RunContext(store, runId, limits, session, repo, worktree, branch, git, guard, deadline,
                run, events, state)).run(reason);
    }

    private Outcome follow(dev.munero.core.app.Distributed.Follower follower) {
        RunHistory h = RunHistory.fold(store.events(runId, 0));
        String base;
        try {
            base = git.head();
        } catch (GitException e) {
            throw dev.munero.core.app.AppException.unavailable(e.getMessage(), e);
        }
        return follower.follow(new dev.munero.core.app.DistributedRun(store, runId, h.spec, limits, session, repo,
                worktree, branch, base, guard.spentUsd()));
    }

    /** Appends the event (with its projection) and publishes it. Thread-safe. */
    private void emit(RunEvent event) {
        events.emit(event);
    }

    /** The scope a stored key belongs to: {@code scope@N} is {@code scope} after N rollbacks. */
    private static String eventScope(String key) {
        int at = key.indexOf('@');
        return at < 0 ? key : key.substring(0, at);
    }

    /** The sum of the heap pools' peak usage, bytes: what this JVM needed at most. */
    static long peakHeapBytes() {
        return Heap.peakBytes();
    }

    /** The run's id. */
    public String runId() {
        return runId;
    }
}
