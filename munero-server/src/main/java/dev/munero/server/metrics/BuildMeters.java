package dev.munero.server.metrics;

import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The meters of builds the server runs: steps by status, step durations by status, builds by status, and (through
 * {@link RunEventMeters#buildStep}) cache hits and misses. A cache hit is a {@link StepStatus#CACHED} step, a miss a
 * {@link StepStatus#PASSED} or {@link StepStatus#FAILED} one, as {@link BuildReport#cacheHitRate()} counts them;
 * skipped and cancelled steps are neither.
 *
 * <p>Thread-safe: a build's steps finish on several threads at once.
 */
final class BuildMeters {
    private final LabelValues repos;
    private final RunEventMeters cache;
    private final Meter.MeterProvider<Counter> steps;
    private final Meter.MeterProvider<Timer> stepDuration;
    private final Meter.MeterProvider<Counter> builds;
    private final Meter.MeterProvider<Counter> undecodable;
    private final Meter.MeterProvider<Counter> remoteHits;
    private final Meter.MeterProvider<Counter> remoteBytes;
    private final Set<String> seen = new HashSet<>();

    BuildMeters(MeterRegistry registry, LabelValues repos, RunEventMeters cache) {
        this.repos = repos;
        this.cache = cache;
        steps = Counter.builder("munero.build.steps")
                .description("Steps of builds the server ran, by status: passed, failed, cached, skipped, cancelled")
                .withRegistry(registry);
        stepDuration = Timer.builder("munero.build.step.duration")
                .description("Wall time of steps of builds the server ran (hashing, restoring, running, storing), by "
                        + "status")
                .serviceLevelObjectives(Buckets.STEP)
                .withRegistry(registry);
        builds = Counter.builder("munero.builds")
                .description("Builds the server ran, by status")
                .withRegistry(registry);
        remoteHits = Counter.builder("munero.build.remote.cache.hits")
                .description("Steps of builds the server ran that were restored from the remote cache (issue 16); "
                        + "they count in munero_cache_hits_total too")
                .withRegistry(registry);
        remoteBytes = Counter.builder("munero.build.remote.cache.bytes")
                .description("Bytes moved between builds the server ran and their remote cache, by direction: "
                        + "downloaded, uploaded")
                .withRegistry(registry);
        undecodable = Counter.builder("munero.build.events.undecodable")
                .description("Events of builds the server ran whose payload could not be read; they count in no "
                        + "other metric")
                .withRegistry(registry);
    }

    /** Counts a build event of {@code repo} that could not be read. */
    void undecodable(String repo) {
        undecodable.withTags("repo", repos.of(repo)).increment();
    }

    /**
     * A listener that counts one build of {@code repo}. The first one for a repository registers its step, build
     * and cache counters at 0, so that they are there (and {@code rate()} works) before its first build ends.
     */
    BuildListener listener(String repo) {
        String repoLabel = repos.of(repo);
        synchronized (this) {
            if (seen.add(repoLabel)) {
                for (StepStatus status : StepStatus.values()) {
                    steps.withTags("repo", repoLabel, "status", label(status));
                }
                for (BuildStatus status : BuildStatus.values()) {
                    builds.withTags("repo", repoLabel, "status", label(status));
                }
                cache.buildStep(repoLabel, true, 0);
                cache.buildStep(repoLabel, false, 0);
                remoteHits.withTags("repo", repoLabel);
                remoteBytes.withTags("repo", repoLabel, "direction", "downloaded");
                remoteBytes.withTags("repo", repoLabel, "direction", "uploaded");
            }
        }
        return new BuildListener() {
            @Override
            public void stepFinished(StepResult result) {
                String status = label(result.status());
                steps.withTags("repo", repoLabel, "status", status).increment();
                stepDuration.withTags("repo", repoLabel, "status", status)
                        .record(Duration.ofMillis(Math.max(0, result.durationMillis())));
                switch (result.status()) {
                    case CACHED -> {
                        cache.buildStep(repoLabel, true, 1);
                        if (result.remoteHit()) {
                            remoteHits.withTags("repo", repoLabel).increment();
                        }
                    }
                    case PASSED, FAILED -> cache.buildStep(repoLabel, false, 1);
                    case SKIPPED, CANCELLED -> {
                    }
                }
            }

            @Override
            public void buildFinished(BuildReport report) {
                builds.withTags("repo", repoLabel, "status", label(report.status())).increment();
                if (report.remoteCache() != null) { // the build's totals: its uploads finish after its last step
                    remoteBytes.withTags("repo", repoLabel, "direction", "downloaded")
                            .increment(report.remoteCache().downloadedBytes());
                    remoteBytes.withTags("repo", repoLabel, "direction", "uploaded")
                            .increment(report.remoteCache().uploadedBytes());
                }
            }
        };
    }

    private static String label(Enum<?> status) {
        return status.name().toLowerCase(Locale.ROOT);
    }
}
