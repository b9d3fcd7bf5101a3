package dev.munero.mcp;

import static dev.munero.mcp.McpFixture.call;
import static dev.munero.mcp.McpFixture.names;
import static dev.munero.mcp.McpFixture.ok;
import static dev.munero.mcp.McpFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.core.ReplayedRuns;
import dev.munero.core.app.Runs;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a caller gets wrong, and what its role allows, over Streamable HTTP with the SDK's client. */
class ErrorsAndRolesTest {
    private static final List<String> VIEWER_TOOLS = List.of("graph", "explain", "run_status", "run_events",
            "run_cost", "runs_list", "memory_search");

    @TempDir
    Path dir;
    private Path repo;
    private McpFixture fixture;

    @BeforeEach
    void start() throws Exception {
        repo = McpFixture.runCalc(dir, "calc");
        fixture = McpFixture.over(dir, repo, ReplayedRuns.Gate.none());
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void everyToolHasAShortDescriptionAnInputSchemaAndAnOutputSchema() {
        List<McpSchema.Tool> tools = fixture.client(McpRole.OPERATOR).listTools().tools();

        assertThat(names(tools)).containsExactly("build", "graph", "explain", "run_start", "run_status",
                "run_events", "run_pause", "run_resume", "run_cost", "runs_list", "memory_search");
        for (McpSchema.Tool t : tools) {
            assertThat(t.description()).as(t.name()).isNotBlank().hasSizeLessThan(120);
            assertThat(t.inputSchema()).as(t.name()).containsEntry("type", "object");
            assertThat(t.outputSchema()).as(t.name()).containsEntry("type", "object");
        }
    }

    @Test
    void anUnknownToolIsTheProtocolErrorTheSpecPrescribesNamingTheTool() {
        McpSyncClient client = fixture.client(McpRole.OPERATOR);

        // spec 2025-11-25 (Tools, Error Handling): unknown tools are a protocol error, -32602
        assertThatThrownBy(() -> client.callTool(call("deploy", Map.of())))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS);
                    assertThat(e.getMessage() + " " + e.getJsonRpcError().data()).contains("deploy");
                });
    }

    @Test
    void missingOrWrongArgumentsAreToolErrorsThatSayWhichArgument() {
        McpSyncClient client = fixture.client(McpRole.OPERATOR);

        McpSchema.CallToolResult missing = client.callTool(call("explain", Map.of()));
        assertThat(missing.isError()).isTrue();
        // the SDK checks the input schema: its message names the tool and the argument
        assertThat(text(missing)).contains("explain").contains("required property 'step' not found");

        McpSchema.CallToolResult wrongType = client.callTool(call("graph", Map.of("targets", "compile")));
        assertThat(wrongType.isError()).isTrue();
        assertThat(text(wrongType)).contains("/targets: string found, array expected");

        McpSchema.CallToolResult both = client.callTool(call("run_start", Map.of("spec", "x", "spec_path",
                "SPEC.md")));
        assertThat(both.isError()).isTrue();
        assertThat(text(both)).isEqualTo("run_start takes spec (the text) or spec_path (a file in the repository), "
                + "not both");

        McpSchema.CallToolResult outside = client.callTool(call("run_start", Map.of("spec_path", "../x.md")));
        assertThat(outside.isError()).isTrue();
        assertThat(text(outside)).startsWith("spec_path must be a file inside the repository");
    }

    @Test
    void failuresOfTheApplicationApiAreToolErrorsWithTheClisMessage() throws Exception {
        McpSyncClient client = fixture.client(McpRole.OPERATOR);
        Path real = repo.toAbsolutePath().normalize();

        // no run database yet: the message of munero sessions
        McpSchema.CallToolResult noDatabase = client.callTool(call("run_status", Map.of("id", "nope")));
        assertThat(noDatabase.isError()).isTrue();
        assertThat(text(noDatabase)).startsWith("no runs in " + real).contains("munero run --spec SPEC.md");
        // listing is not an error: there are none
        assertThat(ok(client.callTool(call("runs_list", Map.of()))).get("total")).isEqualTo(0);

        Runs.open(repo, Clock.systemUTC(), true).close();
        for (String tool : List.of("run_status", "run_events", "run_cost", "run_pause", "run_resume")) {
            McpSchema.CallToolResult unknown = client.callTool(call(tool, Map.of("id", "20990101-000000")));
            assertThat(unknown.isError()).as(tool).isTrue();
            assertThat(text(unknown)).as(tool).isEqualTo("there is no run 20990101-000000 in " + real
                    + "; see munero sessions list -C " + real);
        }

        McpSchema.CallToolResult badState = client.callTool(call("runs_list", Map.of("state", "Sleeping")));
        assertThat(badState.isError()).isTrue();
        assertThat(text(badState)).contains("Sleeping").contains("Paused");

        McpSchema.CallToolResult unknownTarget = client.callTool(call("build", Map.of("targets", List.of("deploy"))));
        assertThat(unknownTarget.isError()).isTrue();
        assertThat(text(unknownTarget)).contains("deploy");
        assertThat(Files.exists(repo.resolve(".munero/reports/latest.json"))).isFalse(); // nothing was built

        McpSchema.CallToolResult unknownStep = client.callTool(call("explain", Map.of("step", "compil")));
        assertThat(unknownStep.isError()).isTrue();
        assertThat(text(unknownStep)).contains("compil").contains("compile");

        assertThatThrownBy(() -> client.readResource(new McpSchema.ReadResourceRequest(
                "munero://builds/20990101-000000-00000/steps/compile/log")))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(McpResources.RESOURCE_NOT_FOUND);
                    assertThat(e.getMessage()).contains("no build 20990101-000000-00000");
                });
    }

    @Test
    void aViewerSeesAndCallsOnlyTheReadingToolsAndACallerWithoutARoleNothing() throws Exception {
        McpSyncClient viewer = fixture.client(McpRole.VIEWER);
        assertThat(names(viewer.listTools().tools())).containsExactlyElementsOf(VIEWER_TOOLS);

        McpSchema.CallToolResult build = viewer.callTool(call("build", Map.of()));
        assertThat(build.isError()).isTrue();
        assertThat(text(build)).isEqualTo("build needs the operator role; this token is viewer");
        assertThat(Files.exists(repo.resolve(".munero/reports"))).isFalse(); // nothing was built
        assertThat(ok(viewer.callTool(call("graph", Map.of()))).get("nodes")).isNotNull();

        McpSyncClient nobody = fixture.client(null);
        assertThat(nobody.listTools().tools()).isEmpty();
        McpSchema.CallToolResult graph = nobody.callTool(call("graph", Map.of()));
        assertThat(graph.isError()).isTrue();
        assertThat(text(graph)).isEqualTo("graph needs the viewer role; this token is without a role");
        assertThatThrownBy(() -> nobody.readResource(new McpSchema.ReadResourceRequest("munero://runs/x/report")))
                .isInstanceOf(McpError.class).hasMessageContaining("needs the viewer role");
    }
}
