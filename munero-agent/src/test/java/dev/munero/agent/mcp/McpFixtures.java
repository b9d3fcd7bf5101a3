package dev.munero.agent.mcp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolResult;
import dev.munero.engine.exec.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the MCP client tests share: the fake server, the installed npm servers, a recording listener. */
final class McpFixtures {
    static final JsonMapper JSON = JsonMapper.builder().build();
    /** Where {@code .ci/run} installs the npm MCP servers (see shared/REAL-COMPONENTS.md, section MCP). */
    static final Path NPM_BIN = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "mcp",
            "node_modules", ".bin");
    /** Quick retries, no health pings unless a test asks for them. */
    static final McpServers.Options QUICK = new McpServers.Options(2, Duration.ofMillis(50), Duration.ofSeconds(1),
            Duration.ofHours(1), 5);

    private McpFixtures() {
    }

    static void assumeNode() {
        assumeTrue(onPath("node"), "node is not on the PATH: the fake MCP server is a Node script");
    }

    /** The installed npm server binary {@code name}, or the test is skipped with a message. */
    static Path npmServer(String name) {
        Path bin = NPM_BIN.resolve(name);
        assumeTrue(Files.isExecutable(bin), name + " is not installed at " + bin + "; install it with: npm install "
                + "--prefix ~/.cache/munero-test/mcp @modelcontextprotocol/server-filesystem "
                + "@modelcontextprotocol/server-memory @modelcontextprotocol/server-sequential-thinking");
        assumeNode();
        return bin;
    }

    /** Copies the fake server script into {@code dir} and returns its path. */
    static Path fakeScript(Path dir) throws IOException {
        Path script = dir.resolve("fake-mcp-server.js");
        try (InputStream in = McpFixtures.class.getResourceAsStream("fake-mcp-server.js")) {
            Files.copy(in, script);
        }
        return script;
    }

    /** A stdio spec named {@code fake} running the fake server in {@code mode}. */
    static McpServerSpec fake(Path script, String mode, Duration timeout) {
        return McpServerSpec.stdio("fake", "node", List.of(script.toString(), mode), Map.of()).withTimeout(timeout);
    }

    static boolean onPath(String program) {
        return !ProcessRunner.resolveProgram(program, System.getenv(), Path.of(".")).equals(program);
    }

    static Tool tool(McpServers hub, String name) {
        return hub.tools().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no tool " + name + " in " + hub.tools().stream()
                        .map(Tool::name).toList()));
    }

    static ToolResult call(McpServers hub, String name, String argsJson, ToolContext context)
            throws InterruptedException {
        JsonNode args = JSON.readTree(argsJson);
        return tool(hub, name).execute(args, context);
    }

    /** Records every status; {@link #next} waits for the next one (minutes at most: a loaded machine is slow). */
    static final class Recorder implements McpStatusListener {
        final LinkedBlockingQueue<McpServerStatus> statuses = new LinkedBlockingQueue<>();

        @Override
        public void onStatus(McpServerStatus status) {
            statuses.add(status);
        }

        McpServerStatus next() throws InterruptedException {
            McpServerStatus s = statuses.poll(5, TimeUnit.MINUTES);
            if (s == null) {
                throw new AssertionError("no status change within 5 minutes");
            }
            return s;
        }
    }
}
