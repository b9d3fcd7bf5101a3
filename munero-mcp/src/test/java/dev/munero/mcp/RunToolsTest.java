package dev.munero.mcp;

import static dev.munero.mcp.McpFixture.call;
import static dev.munero.mcp.McpFixture.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.ReplayedRuns;
import dev.munero.core.app.Runs;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * run_start, run_status, run_events, run_pause, run_resume, run_cost and runs_list over Streamable HTTP with the
 * SDK's client: a run of examples/run-calc replaying its recorded session, held at a model call so the test acts
 * in the middle of it; every answer is checked against the run database.
 */
class RunToolsTest {
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
    void aRunStartedOverMcpIsRecordedCanBeFollowedPausedCostedListedAndResumedToTheEnd() throws Exception {
        Path repo = McpFixture.runCalc(dir, "calc");
        ReplayedRuns.Gate gate = new ReplayedRuns.Gate(3);
        fixture = McpFixture.over(dir, repo, gate);
        McpSyncClient client = fixture.client(McpRole.OPERATOR);

        Map<String, Object> started = ok(client.callTool(call("run_start", Map.of("spec_path", "SPEC.md"))));
        String id = (String) started.get("id");
        assertThat(started.get("spec_path")).isEqualTo("SPEC.md");
        gate.awaitHeld(1);

        try (Runs runs = Runs.open(repo, Clock.systemUTC(), false)) {
            // the run's row and its first events are in the database
            assertThat(runs.summary(id).specPath()).isEqualTo("SPEC.md");
            Map<String, Object> events = ok(client.callTool(call("run_events", Map.of("id", id))));
            List<Map<String, Object>> list = (List<Map<String, Object>>) events.get("events");
            assertThat(list).extracting(e -> e.get("type")).contains("run_created", "run_started");
            assertThat(list).hasSize(runs.events(id, 0, 5000).size());
            long next = ((Number) events.get("next_since")).longValue();
            assertThat(next).isEqualTo(runs.events(id, 0, 5000).getLast().seq());
            assertThat((List<?>) ok(client.callTool(call("run_events", Map.of("id", id, "since", next))))
                    .get("events")).isEmpty();

            Map<String, Object> status = ok(client.callTool(call("run_status", Map.of("id", id))));
            assertThat(((Map<String, Object>) status.get("summary")).get("state")).isEqualTo(runs.summary(id).state());

            Map<String, Object> paused = ok(client.callTool(call("run_pause", Map.of("id", id))));
            assertThat(paused.get("run_id")).isEqualTo(id);
            assertThat(runs.summary(id).pauseRequested()).isTrue();
            assertThat(runs.events(id, 0, 5000)).extracting(Runs.Event::type).contains("pause_requested");
            gate.open(); // the held call returns; the run sees the pause request and pauses
            McpFixture.awaitState(runs, id, "Paused");

            Map<String, Object> cost = ok(client.callTool(call("run_cost", Map.of("id", id))));
            assertThat(cost.get("run_id")).isEqualTo(id);
            // calls 1 and 2 completed before the gate; call 3 completes too unless the pause watcher interrupted it
            // while it was held (then it is an interrupted call, counted at its worst case, not a model call)
            assertThat(((Number) cost.get("model_calls")).intValue()).isEqualTo(runs.cost(id).modelCalls())
                    .isGreaterThanOrEqualTo(2);

            Map<String, Object> listed = ok(client.callTool(call("runs_list", Map.of("state", "Paused"))));
            assertThat(listed.get("total")).isEqualTo(1);
            assertThat((List<Map<String, Object>>) listed.get("items")).extracting(i -> i.get("id"))
                    .containsExactly(id);
            assertThat(ok(client.callTool(call("runs_list", Map.of("state", "Completed")))).get("total"))
                    .isEqualTo(0);

            Map<String, Object> resumed = ok(client.callTool(call("run_resume", Map.of("id", id))));
            assertThat(resumed.get("run_id")).isEqualTo(id);
            McpFixture.awaitState(runs, id, "Completed");
        }

        // the run report a session writes when it ends, as a resource
        McpSchema.TextResourceContents report = (McpSchema.TextResourceContents) client.readResource(
                new McpSchema.ReadResourceRequest("munero://runs/" + id + "/report")).contents().get(0);
        assertThat(report.mimeType()).isEqualTo("application/json");
        JsonNode json = JsonMapper.builder().build().readTree(report.text());
        assertThat(json.path("run").asString()).isEqualTo(id);
        assertThat(json.path("status").asString()).isEqualTo("completed");
    }

    @Test
    void closingTheLocalBackendAsksTheRunsItDrivesToPauseAndWaitsForThem() throws Exception {
        Path repo = McpFixture.runCalc(dir, "calc");
        ReplayedRuns.Gate gate = new ReplayedRuns.Gate(2);
        fixture = McpFixture.over(dir, repo, gate);
        McpSyncClient client = fixture.client(McpRole.OPERATOR);
        // the spec as text (the recording was made with SPEC.md's text)
        String spec = java.nio.file.Files.readString(repo.resolve("SPEC.md"));
        String id = (String) ok(client.callTool(call("run_start", Map.of("spec", spec)))).get("id");
        gate.awaitHeld(1);

        Thread closer = Thread.ofVirtual().start(fixture.backend::close); // what munero mcp does at the end of stdin
        try (Runs runs = Runs.open(repo, Clock.systemUTC(), false)) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
            while (!runs.summary(id).pauseRequested()) {
                assertThat(System.nanoTime()).as("closing asked the run to pause").isLessThan(deadline);
                Thread.sleep(50);
            }
            gate.open();
            closer.join();
            assertThat(runs.summary(id).state()).isEqualTo("Paused");
            assertThat(runs.summary(id).specPath()).isEqualTo("mcp");
        }
    }
}
