package dev.munero.mcp;

import static dev.munero.mcp.McpFixture.call;
import static dev.munero.mcp.McpFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.ReplayedRuns;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build, graph and explain over Streamable HTTP with the SDK's client, on a copy of examples/run-calc. */
class BuildToolsTest {
    @TempDir
    Path dir;
    private McpFixture fixture;

    @AfterEach
    void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void buildRunsTheStepsReportsProgressAndASecondBuildHitsTheCache() throws Exception {
        Path repo = McpFixture.polyglot(dir, "polyglot");
        fixture = McpFixture.over(dir, repo, ReplayedRuns.Gate.none());
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        McpSyncClient client = fixture.client(McpRole.OPERATOR, progress::add);

        Map<String, Object> report = ok(client.callTool(McpSchema.CallToolRequest.builder("build")
                .arguments(Map.of("targets", List.of("lib:greeting"))).progressToken("p1").build()));

        assertThat(report.get("status")).isEqualTo("passed");
        assertThat(Files.readString(repo.resolve("build/greeting.txt"))).contains("Munero");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) report.get("steps");
        assertThat(steps).extracting(s -> s.get("name") + " " + s.get("status") + " " + s.get("cache_hit"))
                .containsExactly("lib:compile passed false", "lib:greeting passed false");
        for (Map<String, Object> step : steps) {
            String key = (String) step.get("cache_key");
            assertThat(repo.resolve(".munero/cache/ac").resolve(key.substring(0, 2)).resolve(key + ".json"))
                    .isRegularFile();
        }
        assertThat(repo.resolve(".munero/reports/" + report.get("build_id") + ".json")).isRegularFile();
        // one progress notification per finished step, with the steps selected as the total
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
        while (progress.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20); // they may still be on their way to the consumer
        }
        assertThat(progress).extracting(p -> p.progressToken() + " " + p.progress() + "/" + p.total())
                .containsExactly("p1 1.0/2.0", "p1 2.0/2.0");

        Files.delete(repo.resolve("build/greeting.txt"));
        Map<String, Object> second = ok(client.callTool(call("build", Map.of("targets", List.of("lib:greeting")))));
        assertThat((List<Map<String, Object>>) second.get("steps"))
                .extracting(s -> s.get("name") + " " + s.get("status") + " " + s.get("cache_hit"))
                .containsExactly("lib:compile cached true", "lib:greeting cached true");
        assertThat(Files.readString(repo.resolve("build/greeting.txt"))).contains("Munero"); // restored
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFailedBuildIsAResultWithTheFailedStepAndTheTailOfItsLog() throws Exception {
        // run-calc's CalcCheck calls Calc.multiply, which does not exist yet: compile fails
        Path repo = McpFixture.runCalc(dir, "calc");
        fixture = McpFixture.over(dir, repo, ReplayedRuns.Gate.none());
        McpSyncClient client = fixture.client(McpRole.OPERATOR);

        McpSchema.CallToolResult result = client.callTool(call("build", Map.of()));

        assertThat(result.isError()).isFalse();
        Map<String, Object> report = ok(result);
        assertThat(report.get("status")).isEqualTo("failed");
        assertThat((List<Map<String, Object>>) report.get("steps"))
                .extracting(s -> s.get("name") + " " + s.get("status"))
                .containsExactly("compile failed", "test skipped");
        List<Map<String, Object>> failures = (List<Map<String, Object>>) report.get("failures");
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).get("step")).isEqualTo("compile");
        assertThat(failures.get(0).get("exit_code")).isEqualTo(1);
        assertThat((String) failures.get(0).get("log_tail")).contains("cannot find symbol").contains("multiply");
    }

    @Test
    @SuppressWarnings("unchecked")
    void graphGivesTheStepsAndEdgesAndExplainGivesTheCacheKeyAndItsInputs() throws Exception {
        Path repo = McpFixture.runCalc(dir, "calc");
        fixture = McpFixture.over(dir, repo, ReplayedRuns.Gate.none());
        McpSyncClient client = fixture.client(McpRole.VIEWER);

        Map<String, Object> graph = ok(client.callTool(call("graph", Map.of())));
        assertThat((List<Map<String, Object>>) graph.get("nodes")).extracting(n -> n.get("name"))
                .containsExactly("compile", "test");
        assertThat((List<Map<String, Object>>) graph.get("edges"))
                .containsExactly(Map.of("from", "test", "to", "compile"));
        assertThat(graph.get("origin")).isEqualTo("munero.yaml");

        Map<String, Object> explained = ok(client.callTool(call("explain", Map.of("step", "compile"))));
        assertThat(explained.get("action")).isEqualTo("RUN");
        assertThat((String) explained.get("cache_key")).matches("[0-9a-f]{64}");
        assertThat((List<Map<String, Object>>) explained.get("inputs")).extracting(i -> i.get("name"))
                .contains("command", "file:src/calc/Calc.java");
        // the same answer as text, for hosts that read only text
        assertThat(McpFixture.text(client.callTool(call("explain", Map.of("step", "compile")))))
                .contains("\"cache_key\"");
    }

    @Test
    void theStepLogOfABuildIsAResource() throws Exception {
        Path repo = McpFixture.runCalc(dir, "calc");
        fixture = McpFixture.over(dir, repo, ReplayedRuns.Gate.none());
        McpSyncClient client = fixture.client(McpRole.OPERATOR);
        String build = (String) ok(client.callTool(call("build", Map.of()))).get("build_id");

        McpSchema.ReadResourceResult log = client.readResource(new McpSchema.ReadResourceRequest(
                "munero://builds/" + build + "/steps/compile/log"));

        McpSchema.TextResourceContents text = (McpSchema.TextResourceContents) log.contents().get(0);
        assertThat(text.mimeType()).isEqualTo("text/plain");
        assertThat(text.text()).contains("cannot find symbol")
                .isEqualTo(fixture.backend.builds().stepLog(build, "compile", 0));
        assertThat(client.listResourceTemplates().resourceTemplates()).extracting(McpSchema.ResourceTemplate::uriTemplate)
                .containsExactly("munero://runs/{id}/report", "munero://builds/{build}/steps/{step}/log");
    }
}
