package dev.munero.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.munero.agent.mcp.McpServerSpec;
import dev.munero.agent.mcp.McpSpecException;
import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.FakeOpenAiResponsesServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.llm.pricing.ModelTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** issue 15: Munero's MCP servers handed to CLI workers (Claude Code's --mcp-config file, Codex's config.toml). */
class WorkerMcpTest {
    private static final Path MEMORY_SERVER = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "mcp",
            "node_modules", ".bin", "mcp-server-memory");

    private static final WorkerLimits LIMITS = new WorkerLimits(OptionalDouble.empty(), Duration.ofMinutes(5),
            Duration.ofSeconds(30), Duration.ofMinutes(10));

    @TempDir
    Path dir;

    private static List<McpServerSpec> servers() {
        return List.of(McpServerSpec.stdio("memory", "${BIN}/mcp-server-memory", List.of("--flag", "${X:-dflt}"),
                        Map.of("MEMORY_FILE_PATH", "${HOME}/m.jsonl")).withRequired(true)
                        .withTimeout(Duration.ofSeconds(5)),
                McpServerSpec.http("docs.site", "https://example.test/mcp", Map.of("Authorization",
                        "Bearer ${TOKEN}")));
    }

    @Test
    void theFileHasClaudeCodesShapeWithVariablesExpandedAndWithoutMunerosOwnKeys() throws Exception {
        Path file = WorkerMcp.write(dir.resolve("home"), servers(), Map.of("BIN", "/opt/bin", "HOME", "/h",
                "TOKEN", "t0k"));

        assertThat(file).isEqualTo(dir.resolve("home").resolve("munero-mcp.json"));
        JsonNode root = JsonMapper.builder().build().readTree(Files.readString(file));
        assertThat(root.propertyNames()).containsExactly("mcpServers");
        JsonNode memory = root.path("mcpServers").path("memory");
        assertThat(memory.path("command").asString()).isEqualTo("/opt/bin/mcp-server-memory");
        assertThat(memory.path("args").toString()).isEqualTo("[\"--flag\",\"dflt\"]");
        assertThat(memory.path("env").path("MEMORY_FILE_PATH").asString()).isEqualTo("/h/m.jsonl");
        assertThat(memory.path("required").asBoolean()).isTrue();
        assertThat(memory.has("timeout")).isFalse();
        JsonNode docs = root.path("mcpServers").path("docs.site");
        assertThat(docs.path("type").asString()).isEqualTo("http");
        assertThat(docs.path("headers").path("Authorization").asString()).isEqualTo("Bearer t0k");
        assertThat(WorkerMcp.read(file)).extracting(McpServerSpec::name).containsExactly("memory", "docs.site");
        assertThat(dir.resolve("home")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aVariableThatIsNotSetIsRefusedNamingTheServerAndKey() {
        assertThatThrownBy(() -> WorkerMcp.write(dir.resolve("home"), servers(), Map.of("BIN", "/opt/bin")))
                .isInstanceOf(McpSpecException.class).hasMessageContaining("MCP server 'memory'")
                .hasMessageContaining("env.MEMORY_FILE_PATH").hasMessageContaining("${HOME}");
    }

    @Test
    void codexGetsTheServersAsMcpServersTablesOfItsConfig() throws Exception {
        List<McpServerSpec> expanded = servers().stream().map(s -> s.expanded(Map.of("BIN", "/opt/bin", "HOME", "/h",
                "TOKEN", "t0k"))).toList();

        String tables = WorkerMcp.codexTables(expanded);

        assertThat(tables).isEqualTo("""

                [mcp_servers.memory]
                startup_timeout_sec = 60
                required = true
                command = "/opt/bin/mcp-server-memory"
                args = ["--flag", "dflt"]
                env = { "MEMORY_FILE_PATH" = "/h/m.jsonl" }

                [mcp_servers."docs.site"]
                startup_timeout_sec = 60
                url = "https://example.test/mcp"
                http_headers = { "Authorization" = "Bearer t0k" }
                """);
    }

    @Test
    void claudeCodeInMunerosSandboxStartsTheMemoryServerInstalledUnderTheHiddenUserHome() throws Exception {
        Path claude = RealCliWorkersTest.BIN.resolve("claude");
        assumeThat(Files.isExecutable(claude)).as("claude is not installed in " + RealCliWorkersTest.BIN + ": "
                + RealCliWorkersTest.INSTALL).isTrue();
        assumeMemoryServer();
        assumeThat(Sandbox.bubblewrapAvailable()).as("bubblewrap cannot start here (apt-get install bubblewrap)")
                .isTrue();
        Path ws = Files.createDirectories(dir.resolve("ws"));
        new ProcessBuilder("git", "init", "-q", ws.toString()).inheritIO().start().waitFor();
        Path home = dir.resolve("home");
        Path config = WorkerMcp.write(home, List.of(McpServerSpec.stdio("memory", MEMORY_SERVER.toString(),
                List.of(), Map.of("MEMORY_FILE_PATH", home.resolve("memory.jsonl").toString())).withRequired(true)),
                Map.of());
        try (var server = FakeAnthropicServer.forClaudeCode("test-key").start()) {
            // Claude Code names an MCP server's tools mcp__<server>__<tool>
            server.expect(RequestCheck.lastUserMessageContains("say hi")
                    .and(RequestCheck.offersTool("mcp__memory__create_entities"))
                    .and(RequestCheck.offersTool("mcp__memory__read_graph")), Reply.text("hi").usage(500, 5));
            Map<String, String> env = new HashMap<>(Map.of("ANTHROPIC_API_KEY", "test-key", "ANTHROPIC_BASE_URL",
                    server.baseUrl(), "PATH", System.getenv("PATH")));
            WorkerTask task = new WorkerTask("say hi", ws, home, dir.resolve("logs"), Optional.of(
                    "anthropic:claude-sonnet-4-6"), PermissionMode.AUTO_EDIT, Sandbox.bubblewrap(), env,
                    Optional.of(config), Optional.empty(), false, LIMITS);

            WorkerResult r = Workers.cli("claude-code", Map.of("MUNERO_CLAUDE", claude.toString()),
                    ModelTable.builtIn()).orElseThrow().run(task, WorkerListener.NONE);

            assertThat(server.failures()).as(mcpLogs(home)).isEmpty();
            assertThat(r.outcome()).as(r.detail()).isEqualTo(WorkerOutcome.FINISHED);
            assertThat(mcpLogs(home)).as("Claude Code's MCP log").contains("timeout of 60000ms");
            assertThat(new CliWorker(new ClaudeCode(), claude, ModelTable.builtIn()).command(task))
                    .containsSequence("--mcp-config", config.toString(), "--strict-mcp-config");
        }
    }

    /** Claude Code's MCP logs in its home, for a failed assertion's message. */
    private static String mcpLogs(Path home) throws java.io.IOException {
        try (var files = Files.walk(home)) {
            StringBuilder out = new StringBuilder();
            for (Path f : files.filter(f -> f.toString().contains("mcp-logs") && Files.isRegularFile(f)).toList()) {
                out.append(f).append(":\n").append(Files.readString(f)).append('\n');
            }
            return out.toString();
        }
    }

    private static void assumeMemoryServer() {
        assumeThat(Files.isExecutable(MEMORY_SERVER)).as("@modelcontextprotocol/server-memory is not installed at "
                + MEMORY_SERVER + ": npm install --prefix ~/.cache/munero-test/mcp "
                + "@modelcontextprotocol/server-memory@2026.8.31 (or run .ci/run)").isTrue();
    }

    @Test
    void theRealCodexOffersTheMemoryServersToolsToTheModel() throws Exception {
        Path codex = RealCliWorkersTest.BIN.resolve("codex");
        assumeThat(Files.isExecutable(codex)).as("codex is not installed in " + RealCliWorkersTest.BIN + ": "
                + RealCliWorkersTest.INSTALL).isTrue();
        assumeMemoryServer();
        Path ws = Files.createDirectories(dir.resolve("ws"));
        Path home = dir.resolve("home");
        Path config = WorkerMcp.write(home, List.of(McpServerSpec.stdio("memory", MEMORY_SERVER.toString(),
                List.of(), Map.of("MEMORY_FILE_PATH", dir.resolve("memory.jsonl").toString())).withRequired(true)),
                Map.of());
        List<String> offered = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        try (var server = new FakeOpenAiResponsesServer("test-key").start()) {
            server.expect(RequestCheck.lastUserMessageContains("say hi").and(r -> {
                offered.addAll(r.summary().toolNames());
                bodies.add(r.body());
            }), Reply.text("hi").usage(500, 5));
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "test-key", "OPENAI_BASE_URL",
                    server.baseUrl(), "PATH", System.getenv("PATH")));
            WorkerTask task = new WorkerTask("say hi", ws, home, dir.resolve("logs"), Optional.of(
                    "openai:munero-fake-1"), PermissionMode.AUTO_EDIT, Sandbox.none(), env, Optional.of(config),
                    Optional.empty(), false, LIMITS);

            WorkerResult r = Workers.cli("codex", Map.of("MUNERO_CODEX", codex.toString()), ModelTable.builtIn())
                    .orElseThrow().run(task, WorkerListener.NONE);

            System.out.println("issue 15: Codex offered " + offered);
            assertThat(r.outcome()).as(r.detail()).isEqualTo(WorkerOutcome.FINISHED);
            assertThat(server.failures()).isEmpty();
            assertThat(Files.readString(home.resolve(".codex").resolve("config.toml")))
                    .contains("[mcp_servers.memory]", "command = \"" + MEMORY_SERVER + "\"");
            // Codex 0.171 offers an MCP server's tools as one namespace tool, mcp__<server>, holding its functions
            assertThat(offered).contains("mcp__memory");
            assertThat(bodies).anySatisfy(b -> assertThat(b).contains("\"name\":\"create_entities\""));
        }
    }
}
