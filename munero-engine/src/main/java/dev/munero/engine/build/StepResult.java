package dev.munero.engine.build;

import java.util.List;

/**
 * One step's result in a build, as written to the JSON run report.
 *
 * @param name           step name
 * @param status         outcome
 * @param durationMillis wall time spent on the step in this build (hashing, restoring, running, storing)
 * @param attempts       process starts (1 + retries used); 0 when not run
 * @param cacheKey       SHA-256 cache key, null when not computed (skipped before hashing)
 * @param reasons        why it ran, was restored or was skipped, most important first
 * @param exitCode       last exit code, null when not run
 * @param logFile        the step's output: this build's log file when it ran, the stored log in the cache
 *                       when it was CACHED; repository-relative when inside the repository, null when none
 * @param startMillis    start, in milliseconds since the build started
 * @param endMillis      end, in milliseconds since the build started
 * @param cachedFrom     for a CACHED step: {@code local} (the local cache had it) or {@code remote} (downloaded from
 *                       the remote cache in this build, issue 16); null otherwise
 * @param downloadedBytes bytes downloaded from the remote cache for this step (0 unless {@code cachedFrom} is remote)
 */
public record StepResult(String name, StepStatus status, long durationMillis, int attempts, String cacheKey,
                         List<String> reasons, Integer exitCode, String logFile, long startMillis, long endMillis,
                         String cachedFrom, long downloadedBytes) {
    /** {@link #cachedFrom} of a step restored from the local cache. */
    public static final String LOCAL = "local";
    /** {@link #cachedFrom} of a step restored from an entry downloaded from the remote cache. */
    public static final String REMOTE = "remote";

    public StepResult {
        reasons = List.copyOf(reasons);
    }

    /** A result not restored from the remote cache ({@code cachedFrom} {@code local} when CACHED, else null). */
    public StepResult(String name, StepStatus status, long durationMillis, int attempts, String cacheKey,
                      List<String> reasons, Integer exitCode, String logFile, long startMillis, long endMillis) {
        this(name, status, durationMillis, attempts, cacheKey, reasons, exitCode, logFile, startMillis, endMillis,
                status == StepStatus.CACHED ? LOCAL : null, 0);
    }

    /** Whether this step was restored from the remote cache. */
    public boolean remoteHit() {
        return REMOTE.equals(cachedFrom);
    }
}
