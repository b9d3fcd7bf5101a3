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

    private static BuildReport build(Path repo, BuildListener listener) throws Exception {
        Workspace ws = Workspace.open(repo, "development");
        BuildOptions options = new BuildOptions(List.of(), 2, true, false, true, false, repo.resolve(".munero/cache"),
                repo.resolve(".munero"), ReplayedRun.environment());
        return new BuildEngine(ws.project(), ws.graph(), options, listener).build();
    }
}
