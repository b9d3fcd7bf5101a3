package dev.munero.engine.build;

import dev.munero.engine.cache.FileSets;
import dev.munero.engine.cache.FileHashCache;
import dev.munero.engine.cache.LocalCache;
import dev.munero.engine.cache.remote.RemoteCache;
import dev.munero.engine.cache.remote.RemoteCacheReport;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.Project;
import dev.munero.engine.config.SkipCondition;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.exec.ProcessLauncher;
import dev.munero.engine.exec.ProcessRunner;
import dev.munero.engine.graph.BuildGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs a {@link Project}'s task graph: schedules ready steps by critical path onto {@code jobs} worker
 * threads, carries each through {@link StepWorker}'s incremental chain, and writes the run report.
 *
 * <p>Scheduling invariants (the coordinator thread owns all of this state): a step is in the ready
 * queue iff every dependency finished with a status that {@link StepStatus#satisfiesDependents()
 * satisfies dependents} and it has not started; at most {@code jobs} steps run at once; a step with
 * {@code parallel: false} starts only when nothing runs, and nothing starts while it runs; after a
 * failure without {@code keepGoing}, nothing new starts and running steps finish. Ready steps leave the
 * queue longest remaining chain first, chains weighted by each step's last known duration.
 *
 * <p>One engine runs one build; {@link #cancel()} may be called from any thread (e.g. a shutdown hook).
 */
public final class BuildEngine {
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private final Project project;
    private final BuildGraph graph;
    private final BuildOptions options;
    private final BuildListener listener;
    private final ProcessRunner runner;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean cancelled;

    /**
     * @param project the repository's definition
     * @param graph   the checked graph of {@code project}'s steps
     * @throws ConfigException when a target in {@code options} is not a step
     */
    public BuildEngine(Project project, BuildGraph graph, BuildOptions options, BuildListener listener)
            throws ConfigException {
        this(project, graph, options, listener, ProcessLauncher.DIRECT);
    }

    /**
     * An engine whose steps start through {@code launcher} (e.g. inside the agent's sandbox, with the scrubbed
     * environment).
     *
     * @param project the repository's definition
     * @param graph   the checked graph of {@code project}'s steps
     * @throws ConfigException when a target in {@code options} is not a step
     */
    public BuildEngine(Project project, BuildGraph graph, BuildOptions options, BuildListener listener,
                       ProcessLauncher launcher) throws ConfigException {
        this.runner = new ProcessRunner(launcher);
        this.project = project;
        this.graph = graph.select(options.targets());
        this.options = options;
        this.listener = listener;
    }

    /** The graph this engine builds: the selected targets and their dependencies. */
    public BuildGraph graph() {
        return graph;
    }

    /** Stops the build: running process trees are killed, nothing new starts. Safe from any thread. */
    public void cancel() {
        cancelled = true;
        runner.cancelAll();
    }

    /**
     * Waits until {@link #build()} has written its report, at most {@code millis}.
     *
     * @return whether it finished in time
     */
    public boolean awaitFinished(long millis) throws InterruptedException {
        return finished.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Runs the build and writes the report.
     *
     * @return the report (also written to {@code .munero/reports/})
     * @throws IOException when the report or the state cannot be written
     */
    public BuildReport build() throws IOException {
        return build(newRunId());
    }

    /**
     * Runs the build under a run id chosen by the caller (the server answers with it before the build starts).
     *
     * @param runId the report's and the log directory's id, as {@link #newRunId()} makes it
     * @return the report (also written to {@code .munero/reports/})
     * @throws IOException when the report or the state cannot be written
     */
    public BuildReport build(String runId) throws IOException {
        if (!Reports.isRunId(runId)) {
            throw new IllegalArgumentException("not a build id: " + runId);
        }
        try (BuildLock lock = lock()) {
            excludeStateDir();
            return doBuild(runId);
        } finally {
            finished.countDown();
        }
    }

    /**
     * A new build id: {@code yyyyMMdd-HHmmss-NNNNN} (UTC now, then five random digits), sortable by time.
     * Thread-safe.
     */
    public static String newRunId() {
        // decimal, not hex: a recorded agent session masks digits in tool results (a log path holds the run id)
        return RUN_ID.format(Instant.now()) + "-" + String.format("%05d", ThreadLocalRandom.current().nextInt(100_000));
    }

    /** Waits for any other build of this state directory (issue 9.9); interrupted, it builds nothing. */
    private BuildLock lock() throws IOException {
        try {
            return BuildLock.acquire(options.stateDir(), listener::warning);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for another build of this repository", e);
        }
    }

    /** Keeps {@code .munero/} out of {@code git status}, as {@code munero run} does (issue 9.9). Best effort. */
    private void excludeStateDir() {
        if (options.stateDir().equals(project.root().resolve(".munero"))) {
            try {
                dev.munero.engine.cache.GitFiles.excludeStateDir(project.root());
            } catch (IOException e) {
                listener.warning("cannot add .munero/ to .git/info/exclude: " + e.getMessage());
            }
        }
    }

    /** Where the content hashes of the workspace's files are kept between builds ({@link FileHashCache#save}). */
    private Path fileHashes() {
        return options.stateDir().resolve("state").resolve("file-hashes");
    }

    private BuildReport doBuild(String runId) throws IOException {
        Instant startedAt = Instant.now();
        long t0 = System.nanoTime();
        java.util.function.LongSupplier clock = () -> (System.nanoTime() - t0) / 1_000_000;
        BuildState state = BuildState.load(options.stateDir());
        options.hashes().load(fileHashes());
        options.hashes().calibrate(NullBuild.stamp(options.stateDir()));
        Path logDir = options.stateDir().resolve("logs").resolve(runId);
        LocalCache local = new LocalCache(options.cacheDir());
        RemoteCache remote = options.useCache() ? options.remoteCache().map(r -> new RemoteCache(r, local, listener::warning))
                .orElse(null) : null;
        StepWorker worker = new StepWorker(project.root(), options, project.profile(), local, runner, listener, logDir,
                state, remote);
        NullBuild nullBuild = options.nullBuild();
        if (nullBuild != null) {
            nullBuild.forget(options.stateDir());
            worker.git().watched().forEach(nullBuild::watch);
        }

        int n = graph.size();
        long[] priority = priorities(state);
        int[] missing = new int[n];
        for (int i = 0; i < n; i++) {
            missing[i] = graph.dependenciesOf(i).length;
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>(longestChainFirst(priority));
        for (int i = 0; i < n; i++) {
            if (missing[i] == 0) {
                ready.add(i);
            }
        }
        listener.buildStarted(runId, n, plannedOrder(priority));

        StepResult[] results = new StepResult[n];
        String[] keys = new String[n];
        List<StepResult> finishedOrder = new ArrayList<>(n);
        LinkedBlockingQueue<List<StepResult>> done = new LinkedBlockingQueue<>();
        boolean[] started = new boolean[n];
        MavenBatchRun maven = new MavenBatchRun(worker, listener, options.streamOutput(), options.jobs(), clock);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.jobs(), Math.max(1, n)), r -> {
            Thread t = new Thread(r, "munero-step");
            t.setDaemon(true);
            return t;
        });
        int running = 0;
        boolean interrupted = false;
        boolean exclusiveRunning = false;
        String stopCause = null;
        try {
            while (true) {
                while (!ready.isEmpty() && running < options.jobs() && stopCause == null && !cancelled && !exclusiveRunning) {
                    int i = ready.peek();
                    StepSpec spec = graph.step(i);
                    if (!spec.parallel() && running > 0) {
                        break; // wait for the running steps to drain, then run it alone
                    }
                    ready.poll();
                    exclusiveRunning = !spec.parallel();
                    running++;
                    started[i] = true;
                    long start = clock.getAsLong();
                    listener.stepStarted(spec.name());
                    if (spec.batch().isPresent() && spec.parallel()) {
                        List<StepSpec> seeds = new ArrayList<>(List.of(spec));
                        for (Integer j : List.copyOf(ready)) {
                            if (sameReactor(spec, graph.step(j)) && graph.step(j).parallel()) {
                                ready.remove(j);
                                started[j] = true;
                                seeds.add(graph.step(j));
                                listener.stepStarted(graph.step(j).name());
                            }
                        }
                        List<StepSpec> candidates = new ArrayList<>();
                        for (int j = 0; j < n; j++) { // graph order is topological
                            if (!started[j] && results[j] == null && sameReactor(spec, graph.step(j)) && graph.step(j).parallel()) {
                                candidates.add(graph.step(j));
                            }
                        }
                        Map<String, String> finishedKeys = new HashMap<>();
                        for (int j = 0; j < n; j++) {
                            if (results[j] != null && results[j].status().satisfiesDependents()) {
                                finishedKeys.put(graph.step(j).name(), keys[j]);
                            }
                        }
                        pool.execute(() -> done.add(guarded(seeds, start, clock,
                                () -> maven.run(seeds, candidates, finishedKeys, this::dependencyNames, start))));
                        continue;
                    }
                    Map<String, String> depKeys = new HashMap<>();
                    for (int d : graph.dependenciesOf(i)) {
                        depKeys.put(graph.step(d).name(), keys[d]);
                    }
                    pool.execute(() -> done.add(guarded(List.of(spec), start, clock,
                            () -> List.of(worker.execute(spec, depKeys, start, clock)))));
                }
                if (running == 0) {
                    break;
                }
                List<StepResult> job;
                try {
                    job = done.take();
                } catch (InterruptedException e) {
                    // stop like Ctrl-C, then keep collecting the killed steps' results; the flag is restored below
                    cancel();
                    interrupted = true;
                    continue;
                }
                running--;
                // a Maven run returns several results: record them all before releasing dependents
                for (StepResult r : job) {
                    int i = graph.indexOf(r.name());
                    if (!graph.step(i).parallel()) {
                        exclusiveRunning = false;
                    }
                    record(i, r, results, finishedOrder);
                    keys[i] = r.status() == StepStatus.SKIPPED ? "skipped" : r.cacheKey();
                    if (r.status() == StepStatus.PASSED || r.status() == StepStatus.CACHED) {
                        long ran = r.status() == StepStatus.PASSED ? r.durationMillis()
                                : Optional.ofNullable(state.last(r.name())).map(BuildState.Last::durationMillis).orElse(r.durationMillis());
                        state.record(r.name(), r.cacheKey(), ran);
                    }
                }
                for (StepResult r : job) {
                    int i = graph.indexOf(r.name());
                    if (r.status().satisfiesDependents()) {
                        for (int u : graph.dependentsOf(i)) {
                            if (--missing[u] == 0 && results[u] == null && !started[u]) {
                                ready.add(u);
                            }
                        }
                        continue;
                    }
                    if (r.status() == StepStatus.FAILED && !options.keepGoing() && stopCause == null) {
                        stopCause = r.name();
                    }
                    skipDependents(i, r.name(), results, finishedOrder, clock.getAsLong());
                }
            }
        } finally {
            pool.shutdownNow();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        long now = clock.getAsLong();
        for (int i = 0; i < n; i++) {
            if (results[i] == null) {
                String why = cancelled ? "not started: the build was cancelled"
                        : "not started: the build stopped after " + stopCause + " failed (--keep-going runs independent steps)";
                record(i, new StepResult(graph.step(i).name(), StepStatus.SKIPPED, 0, 0, null, List.of(why), null, null,
                        now, now), results, finishedOrder);
            }
        }
        List<String> verifyMissing = verify(results);
        // uploads ran beside the steps; wait for the rest (bounded; not after Ctrl-C), so the next machine finds them
        RemoteCacheReport remoteReport = remote == null ? null
                : remote.finish(cancelled ? java.time.Duration.ZERO : RemoteCache.UPLOAD_WAIT);
        BuildReport report = Reports.build(runId, startedAt, clock.getAsLong(), project.profile(), options.jobs(), options.targets(),
                graph, results, finishedOrder, verifyMissing, cancelled, remoteReport);
        state.save();
        try {
            options.hashes().save(fileHashes(), project.root());
        } catch (IOException e) {
            listener.warning("cannot save the file hashes to " + fileHashes() + " (the next build hashes its files again): " + e.getMessage());
        }
        Reports.write(options.stateDir(), report);
        Reports.pruneOld(options.stateDir(), 50);
        if (nullBuild != null) {
            nullBuild.finish(options.stateDir(), report, repeatableAsNullBuild(report));
        }
        listener.buildFinished(report);
        return report;
    }

    /**
     * Whether the next identical build could simply be answered "nothing changed" if nothing changes: the build
     * passed, every step was restored from the cache or ran and was stored, none has {@code cache: false} (it runs
     * every time), and the build was not forced, uncached or streamed (whose output a null build cannot repeat).
     */
    private boolean repeatableAsNullBuild(BuildReport report) {
        return report.status() == BuildStatus.PASSED && !options.force() && options.useCache() && !options.streamOutput()
                && graph.steps().stream().allMatch(StepSpec::cache)
                && report.steps().stream().allMatch(r -> r.status() == StepStatus.CACHED || r.status() == StepStatus.PASSED);
    }

    /** Whether both are build steps of the same Maven reactor, which may run in one Maven invocation. */
    private static boolean sameReactor(StepSpec a, StepSpec b) {
        return a.batch().isPresent() && b.batch().isPresent() && a.batch().get().reactor().equals(b.batch().get().reactor())
                && a.batch().get().command().equals(b.batch().get().command());
    }

    private List<String> dependencyNames(String step) {
        return Arrays.stream(graph.dependenciesOf(graph.indexOf(step))).mapToObj(d -> graph.step(d).name()).toList();
    }

    /** Runs a job on a worker thread; an unexpected exception fails the job's steps instead of losing them. */
    private static List<StepResult> guarded(List<StepSpec> specs, long start, java.util.function.LongSupplier clock,
                                            java.util.function.Supplier<List<StepResult>> job) {
        try {
            return job.get();
        } catch (RuntimeException | Error e) {
            long end = clock.getAsLong();
            return specs.stream().map(spec -> new StepResult(spec.name(), StepStatus.FAILED, end - start, 0, null,
                    List.of("internal error: " + e), null, null, start, end)).toList();
        }
    }

    private void record(int i, StepResult r, StepResult[] results, List<StepResult> order) {
        results[i] = r;
        order.add(r);
        listener.stepFinished(r);
    }

    /** Marks every step downstream of failed step {@code i} SKIPPED, naming the failed dependency. */
    private void skipDependents(int i, String failed, StepResult[] results, List<StepResult> order, long now) {
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
        for (int u : graph.dependentsOf(i)) {
            todo.add(u);
        }
        while (!todo.isEmpty()) {
            int u = todo.poll();
            if (results[u] != null) {
                continue;
            }
            record(u, new StepResult(graph.step(u).name(), StepStatus.SKIPPED, 0, 0, null,
                    List.of("dependency " + failed + " did not succeed"), null, null, now, now), results, order);
            for (int w : graph.dependentsOf(u)) {
                todo.add(w);
            }
        }
    }

    /**
     * Critical-path priorities: a step's last known duration plus the longest chain of its dependents.
     * Unknown durations count as the median of the known ones (1 s when none is known).
     */
    private long[] priorities(BuildState state) {
        int n = graph.size();
        long[] est = new long[n];
        long[] known = graph.steps().stream().map(s -> state.last(s.name())).filter(l -> l != null)
                .mapToLong(BuildState.Last::durationMillis).sorted().toArray();
        long fallback = known.length == 0 ? 1000 : Math.max(1, known[known.length / 2]);
        for (int i = 0; i < n; i++) {
            BuildState.Last l = state.last(graph.step(i).name());
            est[i] = l == null ? fallback : Math.max(1, l.durationMillis());
        }
        long[] prio = new long[n];
        for (int i = n - 1; i >= 0; i--) {
            long best = 0;
            for (int u : graph.dependentsOf(i)) {
                best = Math.max(best, prio[u]);
            }
            prio[i] = est[i] + best;
        }
        return prio;
    }

    /** Ready-queue order: higher priority (longer remaining chain) first, then declaration order. */
    private static java.util.Comparator<Integer> longestChainFirst(long[] priority) {
        return (a, b) -> priority[a] != priority[b] ? Long.compare(priority[b], priority[a]) : Integer.compare(a, b);
    }

    private List<String> plannedOrder(long[] priority) {
        // the order a single worker would start them: topological, ready steps by priority
        int n = graph.size();
        int[] missing = new int[n];
        for (int i = 0; i < n; i++) {
            missing[i] = graph.dependenciesOf(i).length;
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>(longestChainFirst(priority));
        for (int i = 0; i < n; i++) {
            if (missing[i] == 0) {
                ready.add(i);
            }
        }
        List<String> out = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(graph.step(i).name());
            for (int u : graph.dependentsOf(i)) {
                if (--missing[u] == 0) {
                    ready.add(u);
                }
            }
        }
        return out;
    }

    /** Verify artifacts (globs relative to the root) that match no file; checked only if no step failed. */
    private List<String> verify(StepResult[] results) throws IOException {
        if (project.verify().isEmpty() || cancelled
                || Arrays.stream(results).anyMatch(r -> r.status() == StepStatus.FAILED)) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        for (String artifact : project.verify()) {
            if (FileSets.expand(project.root(), ".", List.of(artifact), List.of()).isEmpty()
                    && !Files.isDirectory(project.root().resolve(artifact))) {
                missing.add(artifact);
            }
        }
        return missing;
    }

    /**
     * What a build would do, without running anything: for each step in planned order, whether it
     * would run or be restored from the cache, or be skipped, and why. Dependencies that would rerun
     * are assumed to reproduce their cached outputs.
     *
     * @throws IOException when an input cannot be read
     */
    public List<PlannedStep> plan() throws IOException {
        return planWithFingerprints().stream().map(Planned::step).toList();
    }

    /**
     * A planned step with the fingerprint its cache key is made of.
     *
     * @param step        the step's line of the plan
     * @param fingerprint what went into its key; null when the step would be skipped
     */
    public record Planned(PlannedStep step, dev.munero.engine.cache.Fingerprint fingerprint) {
    }

    /**
     * {@link #plan()} with each step's fingerprint, for explaining a cache key.
     *
     * @throws IOException when an input cannot be read
     */
    public List<Planned> planWithFingerprints() throws IOException {
        BuildState state = BuildState.load(options.stateDir());
        StepWorker worker = new StepWorker(project.root(), options, project.profile(), new LocalCache(options.cacheDir()),
                runner, listener, options.stateDir().resolve("logs").resolve("dry-run"), state);
        long[] priority = priorities(state);
        Map<String, String> keys = new HashMap<>();
        List<Planned> out = new ArrayList<>();
        for (String name : plannedOrder(priority)) {
            StepSpec spec = graph.step(graph.indexOf(name));
            Optional<SkipCondition> skip = worker.skipCondition(spec);
            if (skip.isPresent()) {
                keys.put(name, "skipped");
                out.add(new Planned(new PlannedStep(name, PlannedStep.Action.SKIP, null, spec.command().display(), spec.cwd(),
                        List.of("skipIf: " + skip.get().describe())), null));
                continue;
            }
            Map<String, String> depKeys = new HashMap<>();
            for (int d : graph.dependenciesOf(graph.indexOf(name))) {
                depKeys.put(graph.step(d).name(), keys.get(graph.step(d).name()));
            }
            StepWorker.Probe probe = worker.probe(spec, depKeys);
            keys.put(name, probe.key());
            out.add(new Planned(probe.hit().isPresent()
                    ? new PlannedStep(name, PlannedStep.Action.RESTORE, probe.key(), spec.command().display(), spec.cwd(),
                    List.of("cache hit: up to date"))
                    : new PlannedStep(name, PlannedStep.Action.RUN, probe.key(), spec.command().display(), spec.cwd(),
                    probe.reasons()), probe.fingerprint()));
        }
        return out;
    }
}
