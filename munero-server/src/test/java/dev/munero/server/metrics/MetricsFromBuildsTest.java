package dev.munero.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.Workspace;
import dev.munero.engine.build.BuildEngine;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildOptions;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build metrics of real engine builds (real processes, a real cache) seen through the listener adapter. */
class MetricsFromBuildsTest {
    @TempDir
    Path dir;

    @Test
    void aBuildsStepsAreCountedByStatusWithDurationsAndTheSecondBuildIsAllCacheHits() throws Exception {
        Path repo = ReplayedRun.buildRepo(dir.resolve("app"), """
                steps:
                  - name: generate
                    command: [sh, -c, "cp input.txt out.txt"]
                    inputs: [input.txt]
                    outputs: [out.txt]
                  - name: check
                    command: [grep, -q, hello, out.txt]
                    dependsOn: [generate]
                    inputs: [out.txt]
                  - name: broken
                    command: [sh, -c, "exit 3"]
                  - name: after-broken
                    command: ["true"]
                    dependsOn: [broken]
                """);
        MuneroMetrics metrics = MuneroMetrics.builder().jvmMetrics(false).failOnBadRegistration(true).build();

        BuildReport first = build(repo, metrics.buildListener("app"));
        BuildReport second = build(repo, metrics.buildListener("app"));

        assertThat(first.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(first.counts().passed()).isEqualTo(2);
        assertThat(second.counts().cached()).isEqualTo(2);
        Exposition scraped = new Exposition(metrics.scrape());
        // first: generate and check pass, broken fails, after-broken is skipped; second: two hits, the same failure
        assertThat(scraped.value("munero_build_steps_total", "repo", "app", "status", "passed")).isEqualTo(2);
        assertThat(scraped.value("munero_build_steps_total", "status", "cached")).isEqualTo(2);
        assertThat(scraped.value("munero_build_steps_total", "status", "failed")).isEqualTo(2);
        assertThat(scraped.value("munero_build_steps_total", "status", "skipped")).isEqualTo(2);
        assertThat(scraped.value("munero_cache_hits_total", "repo", "app", "origin", "build")).isEqualTo(2);
        assertThat(scraped.value("munero_cache_misses_total", "origin", "build")).isEqualTo(4);
        assertThat(scraped.value("munero_builds_total", "status", "failed")).isEqualTo(2);
        assertThat(scraped.value("munero_build_step_duration_seconds_count", "status", "passed")).isEqualTo(2);
        assertThat(scraped.value("munero_build_step_duration_seconds_bucket", "status", "passed", "le", "+Inf"))
                .isEqualTo(2);
        double passedSeconds = first.steps().stream().filter(s -> s.status().name().equals("PASSED"))
                .mapToLong(s -> s.durationMillis()).sum() / 1000.0;
        assertThat(scraped.value("munero_build_step_duration_seconds_sum", "status", "passed"))
                .isCloseTo(passedSeconds, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(scraped.type).containsEntry("munero_build_step_duration_seconds", "histogram");
        assertThat(scraped.samples).allSatisfy(s -> assertThat(s.labels().values())
                .doesNotContain("generate", "check", "broken", "after-broken", first.runId()));
    }

    @Test
    void remoteCacheHitsAndBytesAreCountedFromTheStepsAndTheReport() { // issue 16
        MuneroMetrics metrics = MuneroMetrics.builder().jvmMetrics(false).failOnBadRegistration(true).build();
        BuildListener listener = metrics.buildListener("app");
        dev.munero.engine.build.StepResult remote = new dev.munero.engine.build.StepResult("a",
                dev.munero.engine.build.StepStatus.CACHED, 5, 0, "k", List.of("remote cache hit"), null, null, 0, 5,
                dev.munero.engine.build.StepResult.REMOTE, 1200);
        dev.munero.engine.build.StepResult local = new dev.munero.engine.build.StepResult("b",
                dev.munero.engine.build.StepStatus.CACHED, 5, 0, "k2", List.of("cache hit"), null, null, 0, 5);

        listener.stepFinished(remote);
        listener.stepFinished(local);
        listener.buildFinished(new BuildReport("20261126-000000-00001", BuildStatus.PASSED, "2026-11-26T00:00:00Z", 10,
                "development", 2, List.of(), 1, 5, List.of("a"), new BuildReport.Counts(2, 0, 0, 2, 0, 0, 1), List.of(),
                List.of(remote, local), new dev.munero.engine.cache.remote.RemoteCacheReport("http://127.0.0.1:1",
                "bazel", "readwrite", 1, 1200, 3, 4500, 0, null)));

        Exposition scraped = new Exposition(metrics.scrape());
        assertThat(scraped.value("munero_cache_hits_total", "repo", "app", "origin", "build")).isEqualTo(2);
        assertThat(scraped.value("munero_build_remote_cache_hits_total", "repo", "app")).isEqualTo(1);
        assertThat(scraped.value("munero_build_remote_cache_bytes_total", "direction", "downloaded")).isEqualTo(1200);
        assertThat(scraped.value("munero_build_remote_cache_bytes_total", "direction", "uploaded")).isEqualTo(4500);
    }

    private static BuildReport build(Path repo, BuildListener listener) throws Exception {
        Workspace ws = Workspace.open(repo, "development");
        BuildOptions options = new BuildOptions(List.of(), 2, true, false, true, false, repo.resolve(".munero/cache"),
                repo.resolve(".munero"), ReplayedRun.environment());
        return new BuildEngine(ws.project(), ws.graph(), options, listener).build();
    }
}
