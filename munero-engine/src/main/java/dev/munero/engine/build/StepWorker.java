package dev.munero.engine.build;

import dev.munero.engine.cache.CacheCorruptException;
import dev.munero.engine.cache.CacheEntry;
import dev.munero.engine.cache.FileSets;
import dev.munero.engine.cache.FileHashCache;
import dev.munero.engine.cache.GitFiles;
import dev.munero.engine.cache.Fingerprint;
import dev.munero.engine.cache.Hashing;
import dev.munero.engine.cache.LocalCache;
import dev.munero.engine.cache.remote.RemoteCache;
import dev.munero.engine.config.Durations;
import dev.munero.engine.config.SkipCondition;
import dev.munero.engine.config.SkipContext;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.exec.PackageScripts;
import dev.munero.engine.exec.ProcessOutcome;
import dev.munero.engine.exec.ProcessRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Carries one step through the incremental chain, each stage one concern: skip-if conditions, then the
 * fingerprint (cache key), then restore from the cache, else execute with retries, then store the
 * outputs. Shared by the build, {@code --dry-run} and {@code --explain} (which stop after the lookup).
 *
 * <p>Thread-safe: holds only immutable configuration and thread-safe collaborators.
 */
final class StepWorker {
    /**
     * What {@link #fingerprint} and the cache lookup found, without running anything; {@code remote} is the download
     * when the hit came from the remote cache (then already stored locally), else null.
     */
    record Probe(String key, Fingerprint fingerprint, Optional<CacheEntry> hit, List<String> reasons,
                 RemoteCache.Fetched remote) {
    }

    private final Path root;
    private final BuildOptions options;
    private final String profile;
    private final LocalCache cache;
    private final ProcessRunner runner;
    private final BuildListener listener;
    private final Path logDir;
    private final BuildState state;
    private final FileHashCache hashes;
    /** What git tracks and ignores in the repository, loaded once per build (issues 9.2 and 9.5). */
    private final GitFiles git;
    private final PackageScripts packageScripts;
    /** The remote cache behind the local one (issue 16); null when there is none, or for dry runs. */
    private final RemoteCache remote;

    /** Runs {@code argv} with the build's environment from {@code cwd} (relative to the root) into {@code log}. */
    ProcessOutcome runProcess(List<String> argv, String cwd, Path log, Optional<Consumer<String>> lines) {
        try {
            return runner.run(argv, root.resolve(cwd).normalize(), new HashMap<>(options.env()), log, Optional.empty(), lines);
        } catch (IOException e) {
            return new ProcessOutcome(-1, false, false, "cannot write the log " + log + ": " + e.getMessage(), 0);
        }
    }

    Path logDir() {
        return logDir;
    }

    Path root() {
        return root;
    }

    /** What git tracks and ignores, as this build sees it. */
    GitFiles git() {
        return git;
    }

    StepWorker(Path root, BuildOptions options, String profile, LocalCache cache, ProcessRunner runner,
               BuildListener listener, Path logDir, BuildState state) {
        this(root, options, profile, cache, runner, listener, logDir, state, null);
    }

    /** A worker whose local misses also ask {@code remote}, and whose stored results are uploaded to it. */
    StepWorker(Path root, BuildOptions options, String profile, LocalCache cache, ProcessRunner runner,
               BuildListener listener, Path logDir, BuildState state, RemoteCache remote) {
        this.remote = remote;
        this.root = root;
        this.options = options;
        this.profile = profile;
        this.cache = cache;
        this.runner = runner;
        this.listener = listener;
        this.logDir = logDir;
        this.state = state;
        this.hashes = options.hashes();
        this.git = GitFiles.snapshot(root);
        this.packageScripts = new PackageScripts(runner, options.stateDir());
    }

    /** The first skip condition that holds, if any. */
    Optional<SkipCondition> skipCondition(StepSpec spec) {
        SkipContext ctx = new SkipContext(profile, SkipContext.currentOs(), options.env(), root.resolve(spec.cwd()));
        return spec.skipIf().stream().filter(c -> c.holds(ctx)).findFirst();
    }

    /**
     * The step's fingerprint from its declared parts and its dependencies' keys.
     *
     * @throws IOException when an input cannot be read
     */
    Fingerprint fingerprint(StepSpec spec, Map<String, String> dependencyKeys) throws IOException {
        TreeMap<String, String> env = new TreeMap<>();
        spec.env().forEach((k, v) -> env.put(k, Hashing.sha256(v)));
        for (String name : spec.passEnv()) {
            String v = options.env().get(name);
            env.put(name, v == null ? Fingerprint.UNSET : Hashing.sha256(v));
        }
        TreeMap<String, String> inputs = new TreeMap<>();
        // issue 9.5: a detected step's inputs, and the default "**", are the files git does not ignore (as in turbo)
        boolean gitFiltered = spec.location().isEmpty() || spec.inputs().equals(List.of("**"));
        NullBuild nullBuild = options.nullBuild();
        for (String rel : FileSets.expand(root, spec.cwd(), spec.inputs(), spec.outputs(), gitFiltered ? git : null,
                nullBuild == null ? null : nullBuild.watcher())) {
            Path f = root.resolve(rel);
            if (nullBuild != null) {
                nullBuild.watch(f);
            }
            inputs.put(rel, FileHashCache.isDanglingLink(f) ? "dangling-link:" + Files.readSymbolicLink(f) : hashes.sha256(f));
        }
        return new Fingerprint(spec.name(), spec.command().toArgv(), spec.cwd(), env, inputs, new TreeMap<>(dependencyKeys),
                spec.outputs());
    }

    /** Fingerprint and cache lookup: the up-to-date check shared by builds, dry runs and explanations. */
    Probe probe(StepSpec spec, Map<String, String> dependencyKeys) throws IOException {
        Fingerprint fp = fingerprint(spec, dependencyKeys);
        String key = fp.key();
        List<String> reasons = new ArrayList<>();
        Optional<CacheEntry> hit = Optional.empty();
        RemoteCache.Fetched fetched = null;
        if (!spec.cache()) {
            reasons.add("caching is off for this step (cache: false)");
        } else if (!options.useCache()) {
            reasons.add("caching is off for this build (--no-cache)");
        } else {
            try {
                hit = cache.lookup(key);
            } catch (CacheCorruptException e) {
                listener.warning(e.getMessage() + "; treated as a cache miss");
                cache.evict(key);
                reasons.add("cache entry was corrupt (" + e.getMessage() + ")");
            }
            if (hit.isEmpty() && !options.force() && remote != null) { // local first, remote second
                fetched = remote.fetch(key, spec.name()).orElse(null);
                hit = fetched == null ? Optional.empty() : Optional.of(fetched.entry());
            }
            if (hit.isPresent() && options.force()) {
                reasons.add("--force: cache hit ignored");
                hit = Optional.empty();
            } else if (hit.isEmpty()) {
                reasons.addAll(whyMiss(spec, fp, key));
            }
        }
        return new Probe(key, fp, hit, reasons, fetched);
    }

    /** Explains a cache miss by comparing with the step's previous fingerprint. */
    private List<String> whyMiss(StepSpec spec, Fingerprint fp, String key) throws IOException {
        BuildState.Last last = state.last(spec.name());
        if (last == null) {
            return List.of("no previous build of this step");
        }
        if (last.key().equals(key)) {
            return List.of("inputs unchanged, but the cache holds no entry for key " + key.substring(0, 12)
                    + " (pruned, a failed run, or another cache directory)");
        }
        try {
            Optional<CacheEntry> previous = cache.lookup(last.key());
            if (previous.isPresent()) {
                List<String> diff = fp.differencesFrom(previous.get().fingerprint());
                return diff.isEmpty() ? List.of("cache key changed") : diff;
            }
        } catch (CacheCorruptException e) {
            // fall through
        }
        return List.of("cache key changed since the last build (the previous entry is gone, so no details)");
    }

    /**
     * Runs the whole chain for one step.
     *
     * @param dependencyKeys cache keys of the step's dependencies
     * @param startMillis    when the step started, relative to the build
     * @param clockMillis    the build's clock, relative to its start
     */
    StepResult execute(StepSpec spec, Map<String, String> dependencyKeys, long startMillis,
                       java.util.function.LongSupplier clockMillis) {
        Prepared p = prepare(spec, dependencyKeys, startMillis, clockMillis);
        if (p.done() != null) {
            return p.done();
        }
        Path log = logDir.resolve(safeName(spec.name()) + ".log");
        return run(spec, p.probe(), p.reasons(), log, FileSets.relative(root, log), startMillis, clockMillis);
    }

    /**
     * What is left of a step after the skip-if check, the cache key and the cache restore: either its final
     * result ({@code done}: SKIPPED, CACHED, or FAILED when the key cannot be computed), or a cache miss that
     * must run ({@code done} null, with its probe and the reasons it runs).
     */
    record Prepared(StepResult done, Probe probe, List<String> reasons) {
    }

    /** The chain up to running: skip-if, cache key, restore on a hit. See {@link Prepared}. */
    Prepared prepare(StepSpec spec, Map<String, String> dependencyKeys, long startMillis,
                     java.util.function.LongSupplier clockMillis) {
        Optional<SkipCondition> skip = skipCondition(spec);
        if (skip.isPresent()) {
            long end = clockMillis.getAsLong();
            return new Prepared(new StepResult(spec.name(), StepStatus.SKIPPED, end - startMillis, 0, null,
                    List.of("skipIf: " + skip.get().describe()), null, null, startMillis, end), null, null);
        }
        Probe probe;
        try {
            probe = probe(spec, dependencyKeys);
        } catch (IOException | RuntimeException e) {
            long end = clockMillis.getAsLong();
            return new Prepared(new StepResult(spec.name(), StepStatus.FAILED, end - startMillis, 0, null,
                    List.of("cannot compute the cache key: " + e.getMessage()), null, null, startMillis, end), null, null);
        }
        List<String> reasons = new ArrayList<>(probe.reasons());
        if (probe.hit().isPresent()) {
            CacheEntry entry = probe.hit().get();
            if (options.nullBuild() != null) {
                options.nullBuild().cacheEntry(cache.entryPath(entry.key()));
            }
            try {
                List<String> kept = new ArrayList<>();
                int written = cache.restore(entry, root, null, git::isTracked, kept, hashes);
                if (options.nullBuild() != null) { // as restored
                    entry.outputs().forEach(o -> options.nullBuild().watch(root.resolve(o.path())));
                }
                if (!kept.isEmpty()) {
                    listener.warning("step " + spec.name() + ": did not restore " + kept.size() + " output file"
                            + (kept.size() == 1 ? "" : "s") + " that git tracks (" + kept.get(0)
                            + (kept.size() > 1 ? ", ..." : "") + "); tracked files are yours, Munero never overwrites them");
                }
                Path storedLog = cache.logFile(entry);
                if (options.streamOutput()) {
                    replay(spec.name(), storedLog);
                }
                long end = clockMillis.getAsLong();
                String what = (entry.outputs().isEmpty() ? "no outputs to restore"
                        : written == 0 ? "outputs already up to date (" + entry.outputs().size() + " files)"
                        : "restored " + written + " of " + entry.outputs().size() + " output files")
                        + (kept.isEmpty() ? "" : "; left " + kept.size() + " git-tracked file" + (kept.size() == 1 ? "" : "s")
                        + " as " + (kept.size() == 1 ? "it is" : "they are"));
                String logRef = storedLog.startsWith(root) ? FileSets.relative(root, storedLog) : storedLog.toString();
                RemoteCache.Fetched fetched = probe.remote();
                return new Prepared(new StepResult(spec.name(), StepStatus.CACHED, end - startMillis, 0, probe.key(),
                        List.of((fetched == null ? "cache hit: " : "remote cache hit (" + fetched.downloadedBytes()
                                + " bytes downloaded): ") + what), null, logRef, startMillis, end,
                        fetched == null ? StepResult.LOCAL : StepResult.REMOTE,
                        fetched == null ? 0 : fetched.downloadedBytes()), probe, null);
            } catch (CacheCorruptException e) {
                listener.warning(e.getMessage() + "; step " + spec.name() + " runs instead");
                cache.evict(probe.key());
                reasons.add("cache entry was corrupt (" + e.getMessage() + ")");
            } catch (IOException e) {
                listener.warning("cannot restore " + spec.name() + " from the cache: " + e.getMessage() + "; it runs instead");
                reasons.add("cache restore failed: " + e.getMessage());
            }
        }
        return new Prepared(null, probe, reasons);
    }

    private StepResult run(StepSpec spec, Probe probe, List<String> reasons, Path log, String logRel, long startMillis,
                           java.util.function.LongSupplier clockMillis) {
        Map<String, String> env = new HashMap<>(options.env());
        env.putAll(spec.env());
        Path cwd = root.resolve(spec.cwd()).normalize();
        Optional<Consumer<String>> lines = options.streamOutput()
                ? Optional.of(line -> listener.stepOutput(spec.name(), line)) : Optional.empty();
        PackageScripts.Prepared command;
        try {
            command = packageScripts.prepare(spec.command().toArgv(), cwd, env);
        } catch (IOException e) {
            if (!runner.isCancelled()) {
                listener.warning("cannot prepare " + spec.name() + "'s npm script without npm (" + e.getMessage()
                        + "); it runs through npm");
            }
            command = new PackageScripts.Prepared(spec.command().toArgv(), env, false);
        }
        int attempts = 0;
        ProcessOutcome outcome = null;
        long runMillis = 0;
        while (true) {
            attempts++;
            try {
                outcome = runner.run(command.argv(), cwd, command.env(), log, spec.timeout(), lines);
            } catch (IOException e) {
                outcome = new ProcessOutcome(-1, false, false, "cannot write the log " + log + ": " + e.getMessage(), 0);
            }
            runMillis = outcome.durationMillis();
            if (outcome.succeeded() || outcome.cancelled() || attempts > spec.retry().retries()) {
                break;
            }
            java.time.Duration wait = spec.retry().backoff(attempts);
            long jittered = (long) (wait.toMillis() * (1 + 0.2 * ThreadLocalRandom.current().nextDouble()));
            reasons.add("attempt " + attempts + " failed (" + describe(outcome, spec) + "); retrying in "
                    + Durations.format(java.time.Duration.ofMillis(jittered)));
            try {
                Thread.sleep(jittered);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (runner.isCancelled()) {
                break;
            }
        }
        StepStatus status;
        String key = probe.key();
        if (outcome.succeeded()) {
            status = StepStatus.PASSED;
            key = store(spec, probe.fingerprint(), probe.fingerprint().dependencies(), reasons, log, runMillis);
        } else if (outcome.cancelled()) {
            status = StepStatus.CANCELLED;
            reasons.add("killed: the build was cancelled");
        } else {
            status = StepStatus.FAILED;
            reasons.add(failure(outcome, spec));
        }
        long end = clockMillis.getAsLong();
        Integer exit = outcome.startError() != null || outcome.cancelled() ? null : outcome.exitCode();
        return new StepResult(spec.name(), status, end - startMillis, attempts, key, reasons, exit, logRel,
                startMillis, end);
    }

    /**
     * Stores a successful run's outputs (those git does not track) and {@code log} in the cache, under the key of
     * the files the run left ({@link #afterRun}) with {@code dependencyKeys}; a failure to store is a warning.
     *
     * @return the key stored under, or {@code before}'s key when caching is off or the store failed
     */
    String store(StepSpec spec, Fingerprint before, Map<String, String> dependencyKeys, List<String> reasons, Path log,
                 long runMillis) {
        if (!spec.cache() || !options.useCache()) {
            return before.key();
        }
        try {
            List<String> outs = spec.outputs().isEmpty() ? List.of()
                    : FileSets.expand(root, spec.cwd(), spec.outputs(), List.of()).stream()
                    .filter(o -> !git.isTracked(o)).toList(); // issue 9.2: never stored, so never restored
            Fingerprint stored = afterRun(spec, before, dependencyKeys, reasons);
            CacheEntry entry = cache.store(stored, root, outs, log, runMillis);
            if (options.nullBuild() != null) {
                options.nullBuild().cacheEntry(cache.entryPath(entry.key()));
                outs.forEach(o -> options.nullBuild().watch(root.resolve(o)));
            }
            if (remote != null) {
                remote.upload(entry); // in the background; the build waits for it at its end
            }
            return stored.key();
        } catch (IOException | RuntimeException e) {
            listener.warning("cannot store " + spec.name() + " in the cache: " + e.getMessage());
            return before.key();
        }
    }

    /**
     * The fingerprint to store a successful run under. A step that writes into its own inputs (a makefile's
     * objects next to its sources, a {@code cp} into the package) would otherwise miss the cache on the next
     * build, whose inputs hold what it wrote (issue 9.6: make steps needed two extra builds). So the inputs are
     * hashed again after the run, and when they changed, the result is stored under the key of the tree the
     * step left behind, which is what the next build sees. Like any cache key, this assumes no step running
     * at the same time writes into this step's inputs (that would be an undeclared dependency).
     */
    private Fingerprint afterRun(StepSpec spec, Fingerprint before, Map<String, String> dependencyKeys,
                                 List<String> reasons) throws IOException {
        Fingerprint after = fingerprint(spec, dependencyKeys);
        if (after.inputs().equals(before.inputs()) && after.dependencies().equals(before.dependencies())) {
            return before;
        }
        List<String> changed = after.differencesFrom(before);
        reasons.add((after.inputs().equals(before.inputs()) ? "a dependency built in the same run was stored under a new key ("
                : "the step changed its own inputs (") + changed.size() + ": " + changed.get(0)
                + (changed.size() > 1 ? ", ..." : "") + "); stored under the key of the files it left");
        return after;
    }

    /**
     * How a step's process failed, for its last reason: {@link #describe} and, for a JVM build tool, the JDK its
     * environment picked (issue 9.1).
     */
    String failure(ProcessOutcome outcome, StepSpec spec) {
        Map<String, String> env = new HashMap<>(options.env());
        env.putAll(spec.env());
        return describe(outcome, spec) + JdkInfo.describe(spec.command().toArgv(), env,
                root.resolve(spec.cwd()).normalize()).map(jdk -> "; " + jdk).orElse("");
    }

    static String describe(ProcessOutcome o, StepSpec spec) {
        if (o.startError() != null) {
            return o.startError();
        }
        if (o.timedOut()) {
            return "timed out after " + spec.timeout().map(Durations::format).orElse("?") + "; process tree killed";
        }
        return "exit code " + o.exitCode();
    }

    private void replay(String step, Path log) {
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                listener.stepOutput(step, line);
            }
        } catch (IOException e) {
            listener.warning("cannot replay the log of " + step + ": " + e.getMessage());
        }
    }

    /**
     * A file name for a step name: kept when it is already safe, else {@code @scope/pkg:build} becomes
     * {@code @scope_pkg_build-<6 hex of the name's hash>}, so two names never share a file.
     */
    static String safeName(String step) {
        StringBuilder sb = new StringBuilder();
        for (char c : step.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '@' ? c : '_');
        }
        String safe = sb.toString();
        return safe.equals(step) && !step.startsWith(".") ? safe : safe + "-" + Hashing.sha256(step).substring(0, 6);
    }
}
