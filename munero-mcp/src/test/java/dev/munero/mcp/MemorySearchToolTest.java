package dev.munero.mcp;

import static dev.munero.mcp.McpFixture.call;
import static dev.munero.mcp.McpFixture.ok;
import static dev.munero.mcp.McpFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.BuildManager;
import dev.munero.core.ReplayedRuns;
import dev.munero.memory.Author;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.ValueType;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP tool {@code memory_search} (issue 14): a viewer searches the repository's memory bank. */
class MemorySearchToolTest {
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
    void aViewerFindsWhatAnAgentStoredBestFirstAndWithoutADatabaseGetsTheClisMessage() throws Exception {
        McpSyncClient viewer = fixture.client(McpRole.VIEWER);
        McpSchema.CallToolResult none = viewer.callTool(call("memory_search", Map.of("query", "multiply")));
        assertThat(none.isError()).isTrue();
        assertThat(text(none)).startsWith("no memory in " + repo.toAbsolutePath().normalize());

        try (MemoryBank bank = MemoryBank.open(BuildManager.databaseOf(repo), Clock.systemUTC())) {
            bank.put(new PutRequest("project", "calc/multiply", "note", "Calc.multiply must return int: CalcCheck "
                    + "assigns it to an int", ValueType.TEXT, List.of("calc"), new Author("agent-1", "add-multiply",
                    "r1"), PutRequest.ABSENT));
            bank.put(PutRequest.note("project", "calc/add", "Calc.add returned a - b"));
        }

        Map<String, Object> found = ok(viewer.callTool(call("memory_search", Map.of("query",
                "what must multiply return", "limit", 5))));

        assertThat(found.get("mode")).isEqualTo("full-text");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> hits = (List<Map<String, Object>>) found.get("hits");
        @SuppressWarnings("unchecked")
        Map<String, Object> best = (Map<String, Object>) hits.getFirst().get("entry");
        assertThat(best.get("key")).isEqualTo("calc/multiply");
        assertThat(best.get("author")).isEqualTo(Map.of("agent", "agent-1", "task", "add-multiply", "run", "r1"));

        McpSchema.CallToolResult badNamespace = viewer.callTool(call("memory_search", Map.of("query", "x",
                "namespace", "team")));
        assertThat(badNamespace.isError()).isTrue();
        assertThat(text(badNamespace)).contains("namespace 'team' is not project");
    }
}
