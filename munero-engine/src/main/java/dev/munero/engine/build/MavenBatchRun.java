package dev.munero.engine.build;

import dev.munero.engine.cache.FileSets;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.config.StepSpec.MavenBatch;
import dev.munero.engine.exec.ProcessOutcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds the modules of one Maven reactor that miss the cache in ONE Maven process (issue 9: one JVM start and
 * one model build for the reactor instead of one per module), keeping each module's own cache key and result.
 *
 * <p>Steps: each seed (a ready build step of the reactor) goes through {@link StepWorker#prepare}: skipped,
 * restored from the cache, or a miss. Then the other not-yet-started steps of the reactor ({@code candidates},
 * in topological order) whose dependencies are all finished or in this run are prepared too, so a chain of
 * misses joins one run. With one miss, it runs alone through {@link StepWorker#execute}'s usual path (its own
 * {@code -q} command). With more, Maven runs {@code command -fae [-T n] -pl s1,s2,...}: Maven orders them
 * itself; {@code -fae} builds every module that does not depend on a failed one.
 *
 * <p>Results: exit 0 makes every miss PASSED, each stored in the cache under its own key with the run's log.
 * Otherwise each module is attributed from Maven's log: {@code Failed to execute goal ... on project <artifactId>}
 * and a {@code FAILURE} line in the reactor summary make it FAILED; a {@code SUCCESS} line makes it PASSED (and
 * cached); a module Maven {@code SKIPPED} that depends (in the step graph) on a failed one gets no result here,
 * so the engine skips it as the dependent of a failure; any other module is FAILED with a reason saying Maven did
 * not report it as built. The summary names modules by their {@code <name>}, as {@link MavenBatch#displayName()}
 * does; a module whose name Munero cannot match is never reported as built. Every member's log is the one
 * Maven log. Cancelling kills the Maven process group, and every miss is CANCELLED.
 *
 * <p>Used by one worker thread per run; holds no shared state.
 */
final class MavenBatchRun {
    private static final Pattern FAILED_GOAL = Pattern.compile("\\[ERROR] Failed to execute goal .* on project ([^:\\s]+):");
    /** A reactor summary line; a long name leaves no room for the dots (Maven 3.9: {@code name  SUCCESS [ 1.2 s]}). */
    static final Pattern SUMMARY = Pattern.compile(
            "\\[INFO] (.+?)(?: \\.+)? +(SUCCESS|FAILURE|SKIPPED)(?: \\[\\s*([\\d.:]+) (s|min|h)])?\\s*");

    private final StepWorker worker;
    private final BuildListener listener;
    private final boolean streamOutput;
    private final int jobs;
    private final LongSupplier clock;

    MavenBatchRun(StepWorker worker, BuildListener listener, boolean streamOutput, int jobs, LongSupplier clock) {
        this.worker = worker;
        this.listener = listener;
        this.streamOutput = streamOutput;
        this.jobs = jobs;
        this.clock = clock;
    }

    /**
     * Runs the seeds and whichever candidates can join them.
     *
     * @param seeds         ready build steps of one reactor (their stepStarted was already announced)
     * @param candidates    the reactor's other build steps not yet started, in topological order
     * @param finishedKeys  cache keys of every step that finished and satisfies its dependents, by name
     * @param dependencies  a step's dependency names
     * @param startMillis   when the seeds started, relative to the build
     * @return results of the seeds and of the candidates that joined, except members Maven skipped because a
     *         member they depend on failed (the engine skips those as dependents of the failure)
     */
    List<StepResult> run(List<StepSpec> seeds, List<StepSpec> candidates, Map<String, String> finishedKeys,
                         Function<String, List<String>> dependencies, long startMillis) {
        Map<String, String> keys = new HashMap<>(finishedKeys);
        List<StepResult> results = new ArrayList<>();
        Map<String, StepWorker.Prepared> misses = new LinkedHashMap<>();
        Map<String, StepSpec> specs = new HashMap<>();
        for (StepSpec seed : seeds) {
            prepare(seed, dependencies, keys, results, misses, specs, startMillis);
        }
        for (StepSpec c : candidates) {
            List<String> deps = dependencies.apply(c.name());
            // joins when a dependency is in this run and every dependency is finished or in this run (and did not fail)
            if (deps.stream().anyMatch(specs::containsKey) && keys.keySet().containsAll(deps)) {
                listener.stepStarted(c.name());
                prepare(c, dependencies, keys, results, misses, specs, clock.getAsLong());
            }
        }
        if (misses.size() == 1) {
            StepSpec only = specs.get(misses.keySet().iterator().next());
            Map<String, String> depKeys = depKeys(only, dependencies, keys);
            results.add(worker.execute(only, depKeys, startMillis, clock));
            return results;
        }
        if (!misses.isEmpty()) {
            results.addAll(runTogether(misses, specs, dependencies, keys, startMillis));
        }
        return results;
    }

    private void prepare(StepSpec spec, Function<String, List<String>> dependencies, Map<String, String> keys,
                         List<StepResult> results, Map<String, StepWorker.Prepared> misses, Map<String, StepSpec> specs,
                         long start) {
        specs.put(spec.name(), spec);
        StepWorker.Prepared p = worker.prepare(spec, depKeys(spec, dependencies, keys), start, clock);
        if (p.done() != null) {
            results.add(p.done());
            if (p.done().status().satisfiesDependents()) {
                keys.put(spec.name(), p.done().status() == StepStatus.SKIPPED ? "skipped" : p.done().cacheKey());
            }
        } else {
            misses.put(spec.name(), p);
            keys.put(spec.name(), p.probe().key()); // as a dependency's key until the run stores the real one
        }
    }

    private static Map<String, String> depKeys(StepSpec spec, Function<String, List<String>> dependencies,
                                               Map<String, String> keys) {
        Map<String, String> out = new HashMap<>();
        for (String d : dependencies.apply(spec.name())) {
            out.put(d, keys.get(d));
        }
        return out;
    }

    private List<StepResult> runTogether(Map<String, StepWorker.Prepared> misses, Map<String, StepSpec> specs,
                                         Function<String, List<String>> dependencies, Map<String, String> keys,
                                         long startMillis) {
        List<StepSpec> members = misses.keySet().stream().map(specs::get).toList();
        MavenBatch first = members.get(0).batch().orElseThrow();
        List<String> argv = new ArrayList<>(first.command());
        argv.add("-fae");
        int threads = Math.min(jobs, members.size());
        if (threads > 1) {
            argv.addAll(List.of("-T", Integer.toString(threads)));
        }
        argv.add("-pl");
        argv.add(String.join(",", members.stream().map(m -> m.batch().orElseThrow().selector()).toList()));
        String lead = members.get(0).name();
        Path log = worker.logDir().resolve(StepWorker.safeName(lead) + ".maven-" + members.size() + ".log");
        String logRel = FileSets.relative(worker.root(), log);
        Optional<Consumer<String>> lines = streamOutput ? Optional.of(line -> listener.stepOutput(lead, line)) : Optional.empty();
        ProcessOutcome outcome = worker.runProcess(argv, members.get(0).cwd(), log, lines);
        String together = "built in one Maven run with " + (members.size() - 1) + " other module"
                + (members.size() == 2 ? "" : "s") + ": " + String.join(" ", argv);

        Map<String, String> summary = new HashMap<>();
        Map<String, Long> moduleMillis = new HashMap<>();
        Set<String> failedGoals = new HashSet<>();
        Map<String, List<String>> errors = new HashMap<>();
        if (!outcome.cancelled() && outcome.startError() == null) {
            readLog(log, summary, moduleMillis, failedGoals, errors);
        }
        List<StepResult> results = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        for (StepSpec m : members) { // topological order: a member's dependencies come first
            MavenBatch b = m.batch().orElseThrow();
            StepWorker.Prepared p = misses.get(m.name());
            List<String> reasons = new ArrayList<>(p.reasons());
            reasons.add(together);
            long end = clock.getAsLong();
            // the module's own time in Maven's reactor summary, so the critical path does not add up the shared run
            long took = Optional.ofNullable(bySummaryName(moduleMillis, b)).orElse(end - startMillis);
            Integer exit = outcome.startError() != null || outcome.cancelled() ? null : outcome.exitCode();
            String status = outcome.succeeded() ? "SUCCESS"
                    : failedGoals.contains(b.artifactId()) ? "FAILURE" : bySummaryName(summary, b);
            if (outcome.cancelled()) {
                reasons.add("killed: the build was cancelled");
                failed.add(m.name());
                results.add(new StepResult(m.name(), StepStatus.CANCELLED, end - startMillis, 1, p.probe().key(), reasons,
                        null, logRel, startMillis, end));
            } else if ("SUCCESS".equals(status)) {
                Map<String, String> depKeys = depKeys(m, dependencies, keys);
                String key = worker.store(m, p.probe().fingerprint(), depKeys, reasons, log, outcome.durationMillis());
                keys.put(m.name(), key);
                results.add(new StepResult(m.name(), StepStatus.PASSED, took, 1, key, reasons, exit, logRel,
                        startMillis, end));
            } else if ("SKIPPED".equals(status) && dependsOnFailed(m.name(), dependencies, failed)) {
                failed.add(m.name()); // the engine records it as skipped, naming the failed dependency
            } else {
                failed.add(m.name());
                if ("FAILURE".equals(status)) {
                    reasons.addAll(errors.getOrDefault(b.artifactId(), List.of()));
                    reasons.add("Maven reported " + b.displayName() + " FAILURE; " + worker.failure(outcome, m));
                } else if ("SKIPPED".equals(status)) {
                    reasons.add("Maven skipped it after a module it depends on failed (" + StepWorker.describe(outcome, m) + ")");
                } else {
                    reasons.add("Maven did not report this module as built (" + StepWorker.describe(outcome, m)
                            + "; no reactor summary line for '" + b.displayName() + "'); see the log");
                }
                results.add(new StepResult(m.name(), StepStatus.FAILED, took, 1, p.probe().key(), reasons,
                        exit, logRel, startMillis, end));
            }
        }
        return results;
    }

    /**
     * A module's entry in the reactor summary, which names it by its {@code <name>}, or without one by its artifactId
     * (Maven 3.8) or {@code groupId:artifactId} (Maven 3.9), followed by {@code " <version>"} when the reactor's
     * modules have different versions: the entry under its display name, else the one entry whose name ends in
     * {@code :<artifactId>}, else the one entry {@code "<display name> <version>"}; null when none or several match.
     */
    static <V> V bySummaryName(Map<String, V> summary, MavenBatch module) {
        String name = module.displayName();
        V exact = summary.get(name);
        if (exact != null) {
            return exact;
        }
        for (java.util.function.Predicate<String> form : List.<java.util.function.Predicate<String>>of(
                k -> k.endsWith(":" + module.artifactId()) || k.matches(".*:" + Pattern.quote(module.artifactId()) + " \\S+"),
                k -> k.startsWith(name + " ") && !k.substring(name.length() + 1).contains(" "))) {
            List<V> matches = summary.entrySet().stream().filter(e -> form.test(e.getKey())).map(Map.Entry::getValue).toList();
            if (matches.size() == 1) {
                return matches.get(0);
            }
        }
        return null;
    }

    /**
     * A reactor summary time in milliseconds: Maven writes {@code 2.658 s}, {@code 01:02 min} (minutes:seconds) or
     * {@code 1:02:03 h}.
     */
    static long millis(String value, String unit) {
        String[] parts = value.split(":");
        double seconds = 0;
        for (String part : parts) {
            seconds = seconds * 60 + Double.parseDouble(part);
        }
        if ("h".equals(unit) && parts.length == 2) {
            seconds *= 60; // hours:minutes
        }
        return Math.round(seconds * 1000);
    }

    private static boolean dependsOnFailed(String step, Function<String, List<String>> dependencies, Set<String> failed) {
        return dependencies.apply(step).stream().anyMatch(failed::contains);
    }

    /**
     * Reads from Maven's log the reactor summary (status and time per module name), the failed goals' projects and
     * their error lines.
     */
    private void readLog(Path log, Map<String, String> summary, Map<String, Long> moduleMillis, Set<String> failedGoals,
                         Map<String, List<String>> errors) {
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                Matcher s = SUMMARY.matcher(line);
                if (s.matches()) {
                    summary.put(s.group(1).trim(), s.group(2));
                    if (s.group(3) != null) {
                        moduleMillis.put(s.group(1).trim(), millis(s.group(3), s.group(4)));
                    }
                }
                Matcher f = FAILED_GOAL.matcher(line);
                if (f.find()) {
                    failedGoals.add(f.group(1));
                    List<String> e = errors.computeIfAbsent(f.group(1), k -> new ArrayList<>());
                    if (e.size() < 3) {
                        e.add(line.substring(f.start()).replaceFirst("^\\[ERROR] ", ""));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            listener.warning("cannot read the Maven log " + log + ": " + e.getMessage());
        }
    }
}
