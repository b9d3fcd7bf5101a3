package dev.munero.engine.build;

import java.util.List;

/**
 * A build's JSON run report, written to {@code .munero/reports/<runId>.json} and {@code latest.json}.
 *
 * @param runId              sortable id, e.g. {@code 20261121-153012-4f2a}
 * @param status             outcome
 * @param startedAt          ISO-8601 instant
 * @param durationMillis     wall time of the whole build
 * @param profile            active profile
 * @param jobs               parallelism used
 * @param targets            the steps asked for (the others ran as their dependencies); empty when every step
 *                           was asked for
 * @param cacheHitRate       CACHED / (PASSED + FAILED + CACHED), 0..1; 0 when no step was eligible
 * @param criticalPathMillis the longest chain of dependent steps, by their durations in this build
 * @param criticalPath       the steps of that chain, first to last
 * @param counts             number of steps per status
 * @param verifyMissing      verify artifacts that were missing after the build
 * @param steps              every selected step, in the order they finished
 * @param remoteCache        what the build did with its remote cache (issue 16); null when it had none
 */
public record BuildReport(String runId, BuildStatus status, String startedAt, long durationMillis, String profile,
                          int jobs, List<String> targets, double cacheHitRate, long criticalPathMillis, List<String> criticalPath,
                          Counts counts, List<String> verifyMissing, List<StepResult> steps,
                          dev.munero.engine.cache.remote.RemoteCacheReport remoteCache) {
    public BuildReport {
        targets = List.copyOf(targets);
        criticalPath = List.copyOf(criticalPath);
        verifyMissing = List.copyOf(verifyMissing);
        steps = List.copyOf(steps);
    }

    /** Steps per status; {@code cachedRemote} of the {@code cached} ones came from the remote cache. */
    public record Counts(int total, int passed, int failed, int cached, int skipped, int cancelled, int cachedRemote) {
    }
}
