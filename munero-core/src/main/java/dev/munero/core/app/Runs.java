package dev.munero.core.app;

import dev.munero.core.BuildManager;
import dev.munero.core.RunHistory;
import dev.munero.core.RunLimits;
import dev.munero.core.RunMetrics;
import dev.munero.core.RunState;
import dev.munero.core.config.RunSettings;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.core.git.Git;
import dev.munero.core.git.GitException;
import dev.munero.core.plan.Check;
import dev.munero.core.plan.PlanTask;
import dev.munero.engine.AtomicFiles;
import dev.munero.store.ReservationRecord;
import dev.munero.store.RunRecord;
import dev.munero.store.Store;
import dev.munero.store.StoreException;
import dev.munero.store.StoredEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The runs of one repository: every use case a front end has for {@code munero run} sessions, as one method each.
 * Records in, records out, {@link AppException} for every failure a user can cause or fix. The CLI, the REST server
 * and the MCP server call this; none of them opens the store or folds the event log itself. How a session (model,
 * prices, sandbox) is made is {@link RunSessions}'.
 *
 * <p>Messages are the CLI's: they name the run, the repository and the command that helps ({@code munero sessions
 * list -C REPO}, {@code munero resume ID}...).
 *
 * <p>Thread-safe: the store serializes access; one instance per repository may be shared by many threads (the
 * server keeps one per served repository), and several runs may be driven at once. Another process may write the
 * same database at the same time (SQLite WAL); reads see its committed events.
 */
public final class Runs implements AutoCloseable {
    /** The most runs {@link #list} returns at once. */
    public static final int MAX_PAGE = 500;

    private final Path repo;
    private final Store store;
    private final Clock clock;
    private final String directoryOption;
    /** Per run: the budget as of an event seq, so {@link #list} reads only the events appended since. */
    private final Map<String, Budget> budgets = new ConcurrentHashMap<>();

    private record Budget(long seq, Double usd) { }

    private Runs(Path repo, Store store, Clock clock, String directoryOption) {
        this.repo = repo;
        this.store = store;
        this.clock = clock;
        this.directoryOption = directoryOption;
    }

    /**
     * The runs of {@code repo} (its {@code .munero/munero.db}); hints in messages name the repository as
     * {@code -C REPO} (absolute).
     *
     * @param create make the database when absent ({@code run start}); otherwise a missing one is NOT_FOUND
     * @throws AppException NOT_FOUND when there is no database and {@code create} is false; UNAVAILABLE when it
     *                      cannot be opened
     */
    public static Runs open(Path repo, Clock clock, boolean create) {
        Path dir = repo.toAbsolutePath().normalize();
        return open(dir, clock, create, " -C " + dir);
    }

    /**
     * {@link #open(Path, Clock, boolean)} for a front end that knows where its user stands.
     *
     * @param directoryOption what the commands a message suggests need to find the repository from where the user
     *                        is: {@code ""} (the user is in it) or {@code " -C DIR"}
     */
    public static Runs open(Path repo, Clock clock, boolean create, String directoryOption) {
        Path dir = repo.toAbsolutePath().normalize();
        Path db = BuildManager.databaseOf(dir);
        if (!create && !Files.isRegularFile(db)) {
            throw AppException.notFound("no runs in " + dir + " (there is no " + dir.relativize(db)
                    + "); start one with munero run --spec SPEC.md, or pass the repository with -C DIR");
        }
        try {
            Files.createDirectories(db.getParent());
            return new Runs(dir, Store.open(db, clock), clock, directoryOption);
        } catch (IOException | StoreException e) {
            throw AppException.unavailable("cannot open the run database " + db + ": " + e.getMessage(), e);
        }
    }

    /** The repository, absolute and normalized. */
    public Path repo() {
        return repo;
    }

    /**
     * Runs, newest first (by creation), filtered by state (null: all), paged.
     *
     * @throws AppException INVALID when {@code limit} is not 1 to {@value #MAX_PAGE}, {@code offset} is negative, or
     *                      the state is not a state's label
     */
    public Page<Summary> list(Query query) {
        if (query.limit() < 1 || query.limit() > MAX_PAGE) {
            throw AppException.invalid("limit must be 1 to " + MAX_PAGE + ", was " + query.limit());
        }
        if (query.offset() < 0) {
            throw AppException.invalid("offset must be 0 or more, was " + query.offset());
        }
        if (query.state() != null) {
            try {
                RunState.ofLabel(query.state());
            } catch (IllegalArgumentException e) {
                throw AppException.invalid(e.getMessage() + "; the states are " + java.util.Arrays.stream(
                        RunState.values()).map(RunState::label).collect(java.util.stream.Collectors.joining(", ")));
            }
        }
        List<RunRecord> matched = read(() -> store.runs()).stream()
                .filter(r -> query.state() == null || r.state().equals(query.state())).toList();
        List<Summary> items = matched.stream().skip(query.offset()).limit(query.limit()).map(this::summary).toList();
        return new Page<>(items, matched.size(), query.limit(), query.offset());
    }

    /**
     * How many runs are in each state now, every state present (0 when none), in {@link RunState} order: one read
     * of the runs table.
     *
     * @throws AppException UNAVAILABLE when the database cannot be read
     */
    public Map<String, Long> countByState() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (RunState state : RunState.values()) {
            counts.put(state.label(), 0L);
        }
        read(() -> store.runs()).forEach(r -> counts.merge(r.state(), 1L, Long::sum));
        return counts;
    }

    /** The run's line of the list, without folding its log. @throws AppException NOT_FOUND */
    public Summary summary(String id) {
        return summary(record(id));
    }

    /**
     * Who took each task of the run and why (issue 14): its {@code task_assigned} events, oldest first. A run
     * without agent profiles has one per task too, each to the default profile {@code agent}.
     *
     * @throws AppException NOT_FOUND when there is no such run
     */
    public List<RunEvent.TaskAssigned> assignments(String id) {
        record(id);
        return read(() -> store.events(id, 0)).stream().filter(e -> e.type().equals("task_assigned"))
                .map(e -> RunEvents.JSON.treeToValue(e.payload(), RunEvent.TaskAssigned.class)).toList();
    }

    /** @throws AppException NOT_FOUND when there is no such run */
    public Detail show(String id) {
        RunRecord r = record(id);
        List<StoredEvent> events = read(() -> store.events(id, 0));
        RunHistory h = RunHistory.fold(events);
        List<Task> tasks = h.plan().map(p -> p.tasks().stream().map(t -> new Task(t.id(), t.description(),
                t.dependsOn(), t.files(), h.done().contains(t.id()))).toList()).orElse(List.of());
        List<String> checks = h.plan().map(p -> p.checks().stream().map(Check::name).toList()).orElse(List.of());
        return new Detail(summary(r), h.worktree(), tasks, checks, List.copyOf(h.done()),
                java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(h.iterationCommits())), h.sessions(), RunMetrics.of(events), ended(r, "show"));
    }

    /**
     * The run's events after {@code since} (a {@link Event#seq()}; 0 for all), oldest first, at most {@code limit}.
     * Seqs increase but are not consecutive within a run (the log is shared by all runs).
     *
     * @throws AppException NOT_FOUND when there is no such run; INVALID when {@code limit < 1} or {@code since < 0}
     */
    public List<Event> events(String id, long since, int limit) {
        if (limit < 1) {
            throw AppException.invalid("limit must be at least 1, was " + limit);
        }
        if (since < 0) {
            throw AppException.invalid("since must be 0 or more, was " + since);
        }
        record(id);
        return read(() -> store.events(id, since, limit)).stream()
                .map(e -> new Event(e.seq(), e.runId(), e.at(), e.type(), e.payload())).toList();
    }

    /** @throws AppException NOT_FOUND when there is no such run */
    public Cost cost(String id) {
        RunRecord r = record(id);
        RunMetrics m = RunMetrics.of(read(() -> store.events(id, 0)));
        List<ReservationRecord> open = read(() -> store.openReservations(id));
        double openUsd = open.stream().mapToDouble(x -> x.worstCaseUsd().orElse(0)).sum();
        return new Cost(id, r.state(), m.costUsd(), m.estimatedUsd(), budget(r), m.modelCalls(),
                m.modelCallsFromStore(), m.unpricedCalls(), m.interruptedCalls(), open.size(), openUsd,
                m.costByPhase(), m.costByAgent(), m.costByTask(), m.costByModel(), ended(r, "cost"));
    }

    /** The run's metrics folded from its log ({@code munero report}). @throws AppException NOT_FOUND */
    public RunMetrics report(String id) {
        record(id);
        return RunMetrics.of(read(() -> store.events(id, 0)));
    }

    /**
     * Where a session of the run writes its report ({@code .munero/reports/run-ID.json}); the file exists once a
     * session has ended.
     */
    public Path reportFile(String id) {
        return repo.resolve(".munero").resolve("reports").resolve("run-" + id + ".json");
    }

    /**
     * Creates a run (its row, branch, worktree and {@code run_started} event) and returns before the loop runs;
     * {@link Started#run()} then drives it on the caller's thread until it completes, fails or pauses, and writes
     * its report ({@link #reportFile}).
     *
     * @throws AppException INVALID for an empty spec, missing limits, or when the repository is not a git
     *                      repository with a commit (the message says how to make one); UNAVAILABLE when the
     *                      worktree cannot be made or the store cannot be written
     */
    public Started start(Start request, BuildManager.Session session) {
        return start(request, session, null);
    }

    /**
     * {@link #start(Start, BuildManager.Session)}, but {@link Started#run()} hands the run to {@code follower} (a
     * {@link Distributed} engine, issue 16.2) instead of the local loop, then writes the run report.
     *
     * @param follower drives the run; null for the local loop
     * @throws AppException as {@link #start(Start, BuildManager.Session)}
     */
    public Started start(Start request, BuildManager.Session session, Distributed.Follower follower) {
        if (request.spec() == null || request.spec().isBlank()) {
            throw AppException.invalid("the spec " + (request.specPath() == null ? "" : request.specPath() + " ")
                    + "is empty: write the goal and its acceptance criteria");
        }
        if (request.limits() == null) {
            throw AppException.invalid("a run needs its limits");
        }
        try {
            Git.open(repo).head(); // the user's mistakes (no repository, no commit) are INVALID, with what to do
        } catch (GitException e) {
            throw AppException.invalid(e.getMessage());
        }
        BuildManager.Prepared prepared;
        try {
            prepared = BuildManager.prepare(store, repo, request.spec(),
                    request.specPath() == null ? "" : request.specPath(), request.limits(), session);
        } catch (GitException | StoreException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
        return new Driven(prepared, request.reportMetrics(), follower);
    }

    /**
     * Starts a run as a front end (the REST and MCP servers) is asked to: reads the spec ({@link StartArgs#spec()} or
     * the file {@link StartArgs#specFile()}, which must be inside the repository), resolves the run's settings
     * ({@link RunSessions#settings}: the flags, then {@code MUNERO_*} in {@code env}, {@code munero.yaml}, the user
     * config), makes the session with {@code sessions} and {@link #start(Start, BuildManager.Session) starts} it. The
     * caller drives {@link Started#run()}, usually on another thread.
     *
     * @param env      the environment the settings and the user config are read from
     * @param sessions makes the session from the resolved settings (model, prices, sandbox)
     * @throws AppException INVALID for both or neither of spec and spec file, a file outside the repository or that
     *                      cannot be read, an empty spec, a bad setting (the message names it), or as
     *                      {@link #start(Start, BuildManager.Session)}; what {@code sessions} throws; UNAVAILABLE as
     *                      {@link #start(Start, BuildManager.Session)}
     */
    public Started start(StartArgs args, Map<String, String> env, SessionOpener sessions) {
        String spec;
        String specPath;
        if (args.spec() != null && args.specFile() != null) {
            throw AppException.invalid(args.caller() + " takes spec (the text) or spec_path (a file in the "
                    + "repository), not both");
        } else if (args.spec() != null) {
            spec = args.spec();
            specPath = args.origin();
        } else if (args.specFile() != null) {
            Path file = repo.resolve(args.specFile()).normalize();
            if (!file.startsWith(repo)) {
                throw AppException.invalid("spec_path must be a file inside the repository " + repo + ", was "
                        + args.specFile());
            }
            try {
                spec = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw AppException.invalid("cannot read the spec " + args.specFile() + " in " + repo + ": "
                        + e.getMessage());
            }
            specPath = repo.relativize(file).toString();
        } else {
            throw AppException.invalid(args.caller() + " needs the spec: spec (the text) or spec_path (a file in the "
                    + "repository)");
        }
        RunSettings settings = RunSessions.settings(repo, args.flags(), env, RunSessions.userConfig(env));
        RunLimits limits = RunSessions.limits(settings);
        return start(new Start(spec, specPath, limits, settings.metricsEnabled().value()), sessions.open(settings));
    }

    /**
     * Resumes a run as a front end is asked to: checks it can ({@link #resumable}) before any session is made, makes
     * the session for the run's own model with {@code sessions}, then {@link #resume(String, Resume,
     * BuildManager.Session) resumes} it. The caller drives {@link Started#run()}.
     *
     * @param env      the environment the settings and the user config are read from
     * @param sessions makes the session from the resolved settings
     * @throws AppException as {@link #resumable} and {@link #resume(String, Resume, BuildManager.Session)}; what
     *                      {@code sessions} throws
     */
    public Started resume(String id, Resume request, Map<String, String> env, SessionOpener sessions) {
        Summary resumable = resumable(id, request); // refused (ended, running, bad budget) before a session is made
        RunSettings settings = RunSessions.settings(repo, Map.of("model", resumable.model()), env,
                RunSessions.userConfig(env));
        return resume(id, request, sessions.open(settings));
    }

    /**
     * Checks that {@link #resume} can continue the run with {@code request}, without changing anything; a front
     * end calls it before it makes the session (which needs the run's {@link Summary#model()}), so that a run that
     * has ended says so before any model set-up can fail.
     *
     * @return the run as it is
     * @throws AppException NOT_FOUND; CONFLICT when it has ended (the message says what the user can do); INVALID
     *                      for a bad budget, timeout or iteration limit
     */
    public Summary resumable(String id, Resume request) {
        return summary(resumableRecord(id, request));
    }

    /**
     * Prepares a paused, interrupted or crashed run to continue ({@link #resumable} first); {@link Started#run()}
     * drives it and writes its report.
     *
     * @throws AppException NOT_FOUND; CONFLICT when it has ended (the message says what the user can do);
     *                      INVALID for a bad budget, timeout or iteration limit; UNAVAILABLE when its worktree
     *                      cannot be restored (git)
     */
    public Started resume(String id, Resume request, BuildManager.Session session) {
        RunRecord r = resumableRecord(id, request);
        double spent = r.summary().path("cost_usd").asDouble(0);
        BuildManager.Prepared prepared;
        try {
            prepared = BuildManager.prepareResume(store, id, l -> new RunLimits(budget(request, l.budgetUsd(), spent),
                    request.timeout() == null ? l.timeout() : request.timeout(),
                    request.maxIterations() == null ? l.maxIterations() : request.maxIterations(), l.agents(),
                    l.maxTurns(), l.maxOutputTokens(), l.permissionMode(), l.allow(), l.leases(), l.reviewRounds(),
                    l.worker(), l.workerInactivity(), l.workerGrace()),
                    session);
        } catch (IllegalArgumentException e) { // it ended between the check and now
            throw AppException.conflict(e.getMessage());
        } catch (GitException | StoreException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
        return new Driven(prepared, true);
    }

    private RunRecord resumableRecord(String id, Resume request) {
        RunRecord r = record(id);
        if (RunState.ofLabel(r.state()).isFinal()) {
            throw AppException.conflict(BuildManager.endedMessage(r, "resume"));
        }
        if (request.budgetUsd() != null && request.addBudgetUsd() != null) {
            throw AppException.invalid("give --budget-usd (a new total) or --add-budget-usd (an increase), not both");
        }
        if (request.budgetUsd() != null && !(request.budgetUsd() > 0)
                || request.addBudgetUsd() != null && !(request.addBudgetUsd() > 0)) {
            throw AppException.invalid("a budget must be more than 0 USD, was "
                    + (request.budgetUsd() != null ? request.budgetUsd() : request.addBudgetUsd()));
        }
        if (request.timeout() != null && (request.timeout().isNegative() || request.timeout().isZero())) {
            throw AppException.invalid("a timeout must be more than 0, was " + request.timeout());
        }
        if (request.maxIterations() != null && request.maxIterations() < 1) {
            throw AppException.invalid("max iterations must be at least 1, was " + request.maxIterations());
        }
        return r;
    }

    /** The budget the resumed run gets: the new total, or the stored one (else what was spent) plus the increase. */
    private static OptionalDouble budget(Resume request, OptionalDouble stored, double spentUsd) {
        if (request.budgetUsd() != null) {
            return OptionalDouble.of(request.budgetUsd());
        }
        if (request.addBudgetUsd() != null) {
            return OptionalDouble.of((stored.isPresent() ? stored.getAsDouble() : spentUsd) + request.addBudgetUsd());
        }
        return stored;
    }

    /**
     * Asks a running run to pause; its process sees it within a second. A run that is not running keeps the
     * request until its next session starts, which clears it.
     *
     * @param by who asked, for the log (e.g. {@code "munero pause (pid 42)"}, {@code "api token ci-bot"})
     * @throws AppException NOT_FOUND; CONFLICT when it has ended
     */
    public void pause(String id, String by) {
        RunRecord r = record(id);
        if (RunState.ofLabel(r.state()).isFinal()) {
            throw AppException.conflict(BuildManager.endedMessage(r, "pause"));
        }
        try {
            BuildManager.requestPause(store, id, by);
        } catch (IllegalArgumentException e) { // it ended between the check and now
            throw AppException.conflict(e.getMessage());
        } catch (StoreException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
    }

    /**
     * Restores the run's branch to an iteration's checkpoint and makes the run Paused (see
     * {@link BuildManager#rollback}).
     *
     * @param force allow it on a run the store says is running (its process is gone)
     * @throws AppException NOT_FOUND (run or iteration; the message lists the iterations); CONFLICT when it is
     *                      running and {@code force} is false; UNAVAILABLE when git fails
     */
    public BuildManager.RolledBack rollback(String id, int iteration, boolean force) {
        RunRecord r = record(id);
        RunState state = RunState.ofLabel(r.state());
        if (!force && !state.isFinal() && state != RunState.PAUSED) {
            throw AppException.conflict("run " + id + " is " + r.state() + "; pause it first (munero pause"
                    + directoryOption + " " + id + "), or pass --force if its process is gone");
        }
        try {
            return BuildManager.rollback(store, id, iteration);
        } catch (IllegalArgumentException e) {
            throw AppException.notFound(e.getMessage());
        } catch (GitException | StoreException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
    }

    /**
     * The change between two iterations' checkpoints (0 is where the run started).
     *
     * @throws AppException NOT_FOUND (run or iteration; the message lists the iterations); UNAVAILABLE (git)
     */
    public Diff diff(String id, int from, int to) {
        record(id);
        RunHistory h = RunHistory.fold(read(() -> store.events(id, 0)));
        for (int i : new int[] {from, to}) {
            if (!h.iterationCommits().containsKey(i)) {
                throw AppException.notFound("run " + id + " has no checkpoint for iteration " + i + "; it has "
                        + h.iterationCommits().keySet() + " (0 is where it started)");
            }
        }
        String a = h.iterationCommits().get(from);
        String b = h.iterationCommits().get(to);
        try {
            Git git = Git.open(Path.of(h.repo()));
            return new Diff(from, to, a, b, git.changedFiles(a, b), git.diff(a, b));
        } catch (GitException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
    }

    /**
     * Deletes (or with {@code dryRun} only lists) runs whose last event is older than {@code maxAge}: their rows,
     * events and worktrees. Their branches ({@code munero/ID}) and the lessons they taught are kept. A worktree git
     * cannot remove stays (it shows in {@code git worktree list}); the run's rows go anyway.
     *
     * @return the runs deleted (or that would be), newest first
     * @throws AppException INVALID when {@code maxAge} is negative
     */
    public List<Summary> cleanup(Duration maxAge, boolean dryRun) {
        if (maxAge.isNegative()) {
            throw AppException.invalid("the maximum age must not be negative, was " + maxAge);
        }
        Instant cutoff = clock.instant().minus(maxAge);
        List<Summary> deleted = new ArrayList<>();
        for (RunRecord r : read(() -> store.runs())) {
            if (!r.updatedAt().isBefore(cutoff)) {
                continue;
            }
            deleted.add(summary(r));
            if (!dryRun) {
                RunHistory h = RunHistory.fold(read(() -> store.events(r.id(), 0)));
                removeWorktrees(r.id(), h.worktree());
                read(() -> store.deleteRun(r.id()));
                budgets.remove(r.id());
            }
        }
        return List.copyOf(deleted);
    }

    private void removeWorktrees(String runId, String worktree) {
        try {
            Git git = Git.open(repo);
            Path dir = repo.resolve(".munero").resolve("worktrees");
            if (!worktree.isEmpty()) {
                git.removeWorktree(Path.of(worktree));
            }
            if (Files.isDirectory(dir)) {
                try (var list = Files.list(dir)) {
                    for (Path p : list.filter(p -> p.getFileName().toString().startsWith(runId + "-")).toList()) {
                        git.removeWorktree(p);
                    }
                }
            }
        } catch (GitException | IOException e) {
            // the rows go anyway; a stale worktree is visible in git worktree list
        }
    }

    /** Closes the store. Runs being driven must have ended. */
    @Override
    public void close() {
        store.close();
    }

    // ---------------------------------------------------------------------------------------------------------

    private RunRecord record(String id) {
        // issue 11.9: the hint works from wherever the user stands
        return read(() -> store.run(id)).orElseThrow(() -> AppException.notFound("there is no run " + id + " in "
                + repo + "; see munero sessions list -C " + repo));
    }

    private static String ended(RunRecord r, String command) {
        return RunState.ofLabel(r.state()).isFinal() ? BuildManager.endedMessage(r, command) : null;
    }

    private Summary summary(RunRecord r) {
        ObjectNode s = r.summary();
        int done = s.path("tasks_done").asInt();
        int total = s.path("tasks_total").asInt();
        // progress events are not kept in the log; this is their formula without the checks' share
        double progress = r.state().equals(RunState.COMPLETED.label()) ? 1
                : total == 0 ? 0 : Math.min(1, 0.1 + 0.7 * done / total);
        return new Summary(r.id(), r.state(), r.createdAt(), r.updatedAt(), r.lastSeq(), s.path("repo").asString(""),
                s.path("spec_path").asString(""), s.path("model").asString(""), s.path("branch").asString(""),
                s.path("iteration").asInt(), done, total, s.path("cost_usd").asDouble(), budget(r), progress,
                s.path("pause_requested").asBoolean(), s.has("paused_reason") ? s.path("paused_reason").asString()
                : null, s.has("checks_passed") ? s.path("checks_passed").asBoolean() : null, s.deepCopy());
    }

    /** The run's budget, USD, as its last {@code run_started} or {@code limits_changed} event set it. */
    private Double budget(RunRecord r) {
        Budget known = budgets.get(r.id());
        if (known != null && known.seq() >= r.lastSeq()) {
            return known.usd();
        }
        Double usd = known == null ? null : known.usd();
        long seq = known == null ? 0 : known.seq();
        for (StoredEvent e : read(() -> store.events(r.id(), known == null ? 0 : known.seq()))) {
            if (e.type().equals("run_started") || e.type().equals("limits_changed")) {
                JsonNode b = e.payload().path("settings").path("budget_usd");
                usd = b.isNumber() ? b.asDouble() : null;
            }
            seq = e.seq();
        }
        budgets.put(r.id(), new Budget(seq, usd));
        return usd;
    }

    private static <T> T read(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (StoreException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
    }

    /** A prepared session; {@link #run} drives it and writes the run report. */
    private final class Driven implements Started {
        private final BuildManager.Prepared prepared;
        private final boolean metrics;
        private final java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        private final Distributed.Follower follower;
        private volatile String reportProblem;

        Driven(BuildManager.Prepared prepared, boolean metrics) {
            this(prepared, metrics, null);
        }

        Driven(BuildManager.Prepared prepared, boolean metrics, Distributed.Follower follower) {
            this.prepared = prepared;
            this.metrics = metrics;
            this.follower = follower;
        }

        @Override
        public String runId() {
            return prepared.runId();
        }

        @Override
        public BuildManager.Outcome run() {
            if (!ran.compareAndSet(false, true)) {
                throw AppException.conflict("the session of run " + runId() + " was already run; to continue the "
                        + "run, resume it");
            }
            BuildManager.Outcome outcome;
            try {
                outcome = follower == null ? prepared.run() : prepared.follow(follower);
            } catch (IllegalArgumentException e) {
                throw AppException.invalid(e.getMessage());
            } catch (StoreException e) {
                throw AppException.unavailable(e.getMessage(), e);
            }
            writeReport(outcome);
            return outcome;
        }

        @Override
        public Optional<String> reportProblem() {
            return Optional.ofNullable(reportProblem);
        }

        private void writeReport(BuildManager.Outcome outcome) {
            Path report = reportFile(outcome.runId());
            try {
                var json = RunEvents.JSON.createObjectNode().put("run", outcome.runId())
                        .put("status", outcome.status().name().toLowerCase(Locale.ROOT))
                        .put("message", outcome.message()).put("branch", outcome.branch())
                        .put("worktree", outcome.worktree()).put("cost_usd", outcome.costUsd())
                        .put("iterations", outcome.iterations());
                if (outcome.neededUsd() != null) {
                    json.put("needed_usd", outcome.neededUsd());
                }
                if (metrics) {
                    json.set("metrics", RunEvents.JSON.valueToTree(report(outcome.runId())));
                }
                AtomicFiles.write(report, RunEvents.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json)
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException | AppException e) {
                reportProblem = "cannot write the run report " + report + ": " + e.getMessage();
            }
        }
    }

    /**
     * Which runs {@link #list} returns.
     *
     * @param state  a state label ({@code Paused}, {@code Building}...) or null for all
     * @param limit  at most this many, 1 to {@value #MAX_PAGE}
     * @param offset skip this many of the newest first
     */
    public record Query(String state, int limit, int offset) { }

    /** One page of a list: {@code total} matched, {@code items} from {@code offset}. */
    public record Page<T>(List<T> items, int total, int limit, int offset) { }

    /**
     * One line of the runs list: the run's projection ({@code runs} table), read without folding its log.
     *
     * @param lastSeq   the seq of its last event
     * @param costUsd   spent so far, USD
     * @param budgetUsd the run's budget, USD; null when it has none
     * @param progress  0 to 1: 1 when completed, else 0.1 for the plan and 0.7 × the share of its tasks done (the
     *                  live {@code progress} events also count the checks, but they are not kept in the log)
     * @param stored    the projection as it is stored (snake_case keys, what {@code munero sessions list --json}
     *                  prints after the id, state and times); a copy. Left out of JSON ({@code JsonIgnore}): the
     *                  fields above say the same
     */
    public record Summary(String id, String state, Instant createdAt, Instant updatedAt, long lastSeq, String repo,
                          String specPath, String model, String branch, int iteration, int tasksDone, int tasksTotal,
                          double costUsd, Double budgetUsd, double progress, boolean pauseRequested,
                          String pausedReason, Boolean checksPassed,
                          @com.fasterxml.jackson.annotation.JsonIgnore ObjectNode stored) { }

    /** One task of the current plan. */
    public record Task(String id, String description, List<String> dependsOn, List<String> files, boolean done) { }

    /**
     * A run in full.
     *
     * @param tasks            the current plan's tasks, in plan order; empty before the first plan
     * @param checks           the plan's check names; empty before the first plan
     * @param done             the tasks done, in the order they finished (may name tasks a revised plan dropped)
     * @param iterationCommits checkpoint commit per iteration (0: where the run started), in iteration order
     * @param endedMessage     for an ended run, what it ended as and what the user can do; else null
     */
    public record Detail(Summary summary, String worktree, List<Task> tasks, List<String> checks, List<String> done,
                         Map<Integer, String> iterationCommits, int sessions, RunMetrics metrics,
                         String endedMessage) { }

    /** One stored event ({@code seq} is its place in the whole log; {@code payload} a JSON object). */
    public record Event(long seq, String runId, Instant at, String type, ObjectNode payload) { }

    /**
     * What a run cost, USD.
     *
     * @param unansweredCalls        calls in flight or cut off by a crash, not yet counted
     * @param unansweredWorstCaseUsd what they may still cost at most
     * @param endedMessage           for an ended run, what it ended as and what the user can do; else null
     */
    public record Cost(String runId, String state, double costUsd, double estimatedUsd, Double budgetUsd,
                       int modelCalls, int modelCallsFromStore, int unpricedCalls, int interruptedCalls,
                       int unansweredCalls, double unansweredWorstCaseUsd, Map<String, Double> byPhase,
                       Map<String, Double> byAgent, Map<String, Double> byTask, Map<String, Double> byModel,
                       String endedMessage) { }

    /**
     * A new run.
     *
     * @param spec          the spec's text (not blank)
     * @param specPath      where it came from, for the log ({@code "SPEC.md"}, {@code "api"})
     * @param reportMetrics whether the run report ({@link #reportFile}) keeps the metrics
     */
    public record Start(String spec, String specPath, RunLimits limits, boolean reportMetrics) {
        /** A new run whose report keeps the metrics. */
        public Start(String spec, String specPath, RunLimits limits) {
            this(spec, specPath, limits, true);
        }
    }

    /**
     * What a front end was asked to start ({@link #start(StartArgs, Map, SessionOpener)}).
     *
     * @param caller   who asks, as the messages name it: {@code "run_start"}, {@code "POST /api/v1/runs"}
     * @param spec     the spec's text, or null
     * @param specFile the spec's file, relative to the repository, or null (exactly one of the two is given)
     * @param origin   what the log keeps as the spec's path when its text was sent ({@code "api"}, {@code "mcp"})
     * @param flags    settings by {@code munero.yaml} {@code run:} key ({@code model}, {@code budget_usd},
     *                 {@code agents}, {@code max_iterations}, {@code timeout}), values as typed; null values are left
     *                 out (the setting comes from elsewhere)
     */
    public record StartArgs(String caller, String spec, String specFile, String origin, Map<String, Object> flags) {
        public StartArgs {
            java.util.Objects.requireNonNull(caller, "caller");
            java.util.Objects.requireNonNull(origin, "origin");
            Map<String, Object> given = new java.util.LinkedHashMap<>();
            if (flags != null) {
                flags.forEach((k, v) -> {
                    if (v != null) {
                        given.put(k, v);
                    }
                });
            }
            flags = java.util.Collections.unmodifiableMap(given);
        }
    }

    /** Makes the session of a run from its resolved settings (model, prices, sandbox); see {@link RunSessions}. */
    @FunctionalInterface
    public interface SessionOpener {
        /**
         * @throws AppException INVALID for settings that cannot make a session; UNAVAILABLE when the provider or
         *                      sandbox cannot be set up
         */
        BuildManager.Session open(RunSettings settings);
    }

    /**
     * Changes for a resumed run; each null keeps the stored value.
     *
     * @param budgetUsd    a new total budget, USD, more than 0
     * @param addBudgetUsd an increase of the budget, USD, more than 0 (not with {@code budgetUsd}); a run without a
     *                     budget gets what it spent plus this
     * @param timeout      a new time limit for this session, more than 0
     */
    public record Resume(Double budgetUsd, Double addBudgetUsd, Duration timeout, Integer maxIterations) { }

    /** A run ready to be driven: {@link #run()} blocks until the session ends. Call it once. */
    public interface Started {
        /** The run's id. */
        String runId();

        /**
         * Drives the session on the calling thread, then writes the run report ({@link Runs#reportFile}); an
         * interrupt pauses it (status INTERRUPTED).
         *
         * @throws AppException CONFLICT when called a second time; UNAVAILABLE when the store fails
         */
        BuildManager.Outcome run();

        /** After {@link #run()}: why the run report could not be written; empty when it was. */
        Optional<String> reportProblem();
    }

    /** The change between two checkpoints: the files and the unified diff. */
    public record Diff(int from, int to, String fromCommit, String toCommit, List<String> files, String patch) { }
}
