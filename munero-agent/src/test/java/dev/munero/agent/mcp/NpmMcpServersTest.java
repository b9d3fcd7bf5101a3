package dev.munero.agent.mcp;

import static dev.munero.agent.mcp.McpFixtures.QUICK;
import static dev.munero.agent.mcp.McpFixtures.call;
import static dev.munero.agent.mcp.McpFixtures.npmServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.mcp.McpServerStatus.State;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolResult;
import dev.munero.llm.ToolDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The MCP client against servers no one here wrote: the reference servers from npm
 * ({@code @modelcontextprotocol/server-filesystem}, {@code server-memory}, {@code server-sequential-thinking}),
 * installed where {@code .ci/run} puts them; skipped with a message when they are not (issue 13).
 */
class NpmMcpServersTest {
    @TempDir
    Path workspace;

    private final McpFixtures.Recorder recorder = new McpFixtures.Recorder();

    private McpServers start(McpServerSpec spec) throws InterruptedException {
        return McpServers.start(List.of(spec), McpServers.Launch.unsandboxed(workspace), recorder, QUICK);
    }

    @Test
    void theFilesystemServerListsADirectoryAndReadsAFile() throws Exception {
        Path bin = npmServer("mcp-server-filesystem");
        Files.writeString(workspace.resolve("notes.txt"), "the answer is 42\n");
        Files.createDirectory(workspace.resolve("src"));
        McpServerSpec spec = McpServerSpec.stdio("fs", bin.toString(), List.of(workspace.toString()), Map.of());
        ToolContext context = ToolContext.builder(workspace).build();
        try (McpServers hub = start(spec)) {
            McpServerStatus status = recorder.next();
            assertThat(status.state()).isEqualTo(State.UP);
            assertThat(status.serverName()).isEqualTo("secure-filesystem-server");
            assertThat(status.tools()).isGreaterThanOrEqualTo(10);
            assertThat(hub.tools()).extracting(Tool::name).contains("mcp__fs__list_directory", "mcp__fs__read_text_file");
            for (Tool t : hub.tools()) { // every schema is one the providers take
                new ToolDefinition(t.name(), t.description(), t.inputSchema());
            }

            ToolResult listing = call(hub, "mcp__fs__list_directory", json(Map.of("path", workspace.toString())),
                    context);
            ToolResult file = call(hub, "mcp__fs__read_text_file",
                    json(Map.of("path", workspace.resolve("notes.txt").toString())), context);
            ToolResult outside = call(hub, "mcp__fs__read_text_file", json(Map.of("path", "/etc/hostname")), context);

            assertThat(listing.error()).isFalse();
            assertThat(listing.content()).contains("[FILE] notes.txt").contains("[DIR] src");
            assertThat(file.error()).isFalse();
            assertThat(file.content()).isEqualTo("the answer is 42\n");
            assertThat(outside.error()).isTrue();
            assertThat(outside.content()).contains("Access denied");
        }
    }

    @Test
    void theFilesystemServerInstalledInTheHiddenHomeRunsInsideBubblewrap() throws Exception {
        Path bin = npmServer("mcp-server-filesystem");
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.munero.agent.safety.Sandbox.bubblewrapAvailable(),
                "bwrap is not installed or cannot start a sandbox here");
        Files.writeString(workspace.resolve("inside.txt"), "seen from the sandbox\n");
        McpServerSpec spec = McpServerSpec.stdio("fs", bin.toString(), List.of(workspace.toString()), Map.of());
        ToolContext context = ToolContext.builder(workspace).build();
        McpServers.Launch sandboxed = new McpServers.Launch(dev.munero.agent.safety.Sandbox.bubblewrap(), workspace,
                System.getenv());
        try (McpServers hub = McpServers.start(List.of(spec), sandboxed, recorder, QUICK)) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);
            assertThat(hub.process("fs").orElseThrow().info().command().orElse("")).endsWith("bwrap");

            ToolResult file = call(hub, "mcp__fs__read_text_file",
                    json(Map.of("path", workspace.resolve("inside.txt").toString())), context);

            assertThat(file.content()).isEqualTo("seen from the sandbox\n");
        }
    }

    @Test
    void theMemoryServerCreatesAnEntityAndReadsItBack() throws Exception {
        Path bin = npmServer("mcp-server-memory");
        Path memory = workspace.resolve("memory.jsonl");
        McpServerSpec spec = McpServerSpec.stdio("memory", bin.toString(), List.of(),
                Map.of("MEMORY_FILE_PATH", memory.toString()));
        ToolContext context = ToolContext.builder(workspace).build();
        try (McpServers hub = start(spec)) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);

            ToolResult created = call(hub, "mcp__memory__create_entities", json(Map.of("entities", List.of(Map.of(
                    "name", "munero", "entityType", "project",
                    "observations", List.of("an AI build manager written in Java 21"))))), context);
            ToolResult read = call(hub, "mcp__memory__open_nodes", json(Map.of("names", List.of("munero"))), context);

            assertThat(created.error()).isFalse();
            assertThat(read.error()).isFalse();
            JsonNode graph = McpFixtures.JSON.readTree(read.content());
            assertThat(graph.path("entities").get(0).path("name").asString()).isEqualTo("munero");
            assertThat(graph.path("entities").get(0).path("observations").get(0).asString())
                    .isEqualTo("an AI build manager written in Java 21");
            assertThat(Files.readString(memory)).contains("an AI build manager written in Java 21");
        }
    }

    @Test
    void theSequentialThinkingServerAnswersOneCall() throws Exception {
        Path bin = npmServer("mcp-server-sequential-thinking");
        McpServerSpec spec = McpServerSpec.stdio("thinking", bin.toString(), List.of(), Map.of());
        ToolContext context = ToolContext.builder(workspace).build();
        try (McpServers hub = start(spec)) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);

            ToolResult result = call(hub, "mcp__thinking__sequentialthinking", json(Map.of(
                    "thought", "First, list the modules.", "nextThoughtNeeded", true, "thoughtNumber", 1,
                    "totalThoughts", 3)), context);

            assertThat(result.error()).isFalse();
            JsonNode answer = McpFixtures.JSON.readTree(result.content());
            assertThat(answer.path("thoughtNumber").asInt()).isEqualTo(1);
            assertThat(answer.path("totalThoughts").asInt()).isEqualTo(3);
            assertThat(answer.path("nextThoughtNeeded").asBoolean()).isTrue();
        }
    }

    @Test
    void aStreamableHttpServerBuiltOnTheTypeScriptSdkIsCalledWithItsHeaders() throws Exception {
        Path sdk = McpFixtures.NPM_BIN.getParent().resolve("@modelcontextprotocol").resolve("sdk");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(sdk), "the TypeScript MCP SDK is not installed at "
                + sdk + "; install it with: npm install --prefix ~/.cache/munero-test/mcp @modelcontextprotocol/sdk");
        McpFixtures.assumeNode();
        Path script = workspace.resolve("http-mcp-server.js");
        try (var in = getClass().getResourceAsStream("http-mcp-server.js")) {
            Files.copy(in, script);
        }
        Process server = new ProcessBuilder("node", script.toString(), sdk.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream())).readLine();
            assertThat(first).startsWith("listening ");
            String url = "http://127.0.0.1:" + first.substring("listening ".length()) + "/mcp";
            java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
            env.put("MUNERO_TEST_HEADER", "yes");
            ToolContext context = ToolContext.builder(workspace).build();
            List<McpServerSpec> specs = List.of(McpServerSpec.http("web", url, Map.of("x-munero-test",
                    "${MUNERO_TEST_HEADER}")), McpServerSpec.http("refused", url, Map.of()));
            try (McpServers hub = McpServers.start(specs, new McpServers.Launch(dev.munero.agent.safety.Sandbox.none(),
                    workspace, env), recorder, QUICK)) {
                McpServerStatus web = hub.status("web").orElseThrow();
                McpServerStatus refused = hub.status("refused").orElseThrow();
                assertThat(web.state()).isEqualTo(State.UP);
                assertThat(web.serverName()).isEqualTo("http-fake");
                assertThat(web.serverVersion()).isEqualTo("0.9.0");
                assertThat(refused.state()).isEqualTo(State.DOWN);
                assertThat(refused.error()).startsWith("refused initialize with HTTP 401 (not authorized): check the "
                        + "server's 'headers'").doesNotContain("attempts");

                ToolResult sum = call(hub, "mcp__web__add", "{\"a\": 2, \"b\": 3}", context);

                assertThat(sum.error()).isFalse();
                assertThat(sum.content()).isEqualTo("5");
            }
        } finally {
            server.destroyForcibly().waitFor();
        }
    }

    private static String json(Object value) {
        return McpFixtures.JSON.writeValueAsString(value);
    }
}
