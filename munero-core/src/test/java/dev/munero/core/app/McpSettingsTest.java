package dev.munero.core.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.mcp.McpServerSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where MCP servers are configured (issue 13): munero.yaml's {@code run.mcpServers}, the user config's
 * {@code [mcpServers.NAME]} tables and {@code mcp.json} beside it; which wins; errors that say file, line, server and
 * key; the edits {@code munero mcp servers add|remove} make to {@code mcp.json} only; npm installs.
 */
class McpSettingsTest {
    @TempDir
    Path tmp;
    Path repo;
    Path configDir;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        repo = Files.createDirectories(tmp.resolve("repo"));
        configDir = Files.createDirectories(tmp.resolve("home/.config/munero"));
        env = new HashMap<>();
        env.put("HOME", tmp.resolve("home").toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    }

    private McpSettings settings() {
        return new McpSettings(repo, env, RunSessions.userConfig(env));
    }

    private void yaml(String runSection) throws IOException {
        Files.writeString(repo.resolve("munero.yaml"), "steps:\n  - name: test\n    command: \"true\"\nrun:\n"
                + runSection, StandardCharsets.UTF_8);
    }

    private void toml(String text) throws IOException {
        Files.writeString(configDir.resolve("config.toml"), text, StandardCharsets.UTF_8);
    }

    private void mcpJson(String text) throws IOException {
        Files.writeString(configDir.resolve("mcp.json"), text, StandardCharsets.UTF_8);
    }

    @Test
    void serversComeFromTheThreePlacesAndTheRepositorysWinsOverTheUsersOfTheSameName() throws IOException {
        yaml("""
                  model: anthropic:claude-sonnet-4-6
                  mcpServers:
                    fs:
                      command: npx
                      args: ["-y", "@modelcontextprotocol/server-filesystem", "."]
                      required: true
                """);
        toml("""
                model = "anthropic:claude-sonnet-4-6"

                [mcpServers.memory]
                command = "npx"
                args = ["-y", "@modelcontextprotocol/server-memory"]
                env = { MEMORY_FILE_PATH = "/tmp/memory.json" }
                """);
        mcpJson("""
                {
                  "mcpServers": {
                    "fs": {"command": "mcp-server-filesystem", "args": ["/home"]},
                    "docs": {"type": "http", "url": "https://docs.example.com/mcp",
                             "headers": {"Authorization": "Bearer ${DOCS_TOKEN}"}, "timeout": "30s"}
                  }
                }
                """);

        List<McpSettings.Server> servers = settings().list();

        assertThat(servers).extracting(McpSettings.Server::name).containsExactly("fs", "memory", "docs");
        McpSettings.Server fs = servers.getFirst();
        assertThat(fs.origin()).isEqualTo(McpSettings.Origin.REPOSITORY);
        assertThat(fs.source()).isEqualTo("munero.yaml:6");
        assertThat(fs.overrides()).isEqualTo("~/.config/munero/mcp.json:3");
        assertThat(fs.spec().args()).containsExactly("-y", "@modelcontextprotocol/server-filesystem", ".");
        assertThat(fs.spec().required()).isTrue();
        assertThat(servers.get(1).source()).isEqualTo("~/.config/munero/config.toml [mcpServers.memory]");
        assertThat(servers.get(1).spec().env()).containsEntry("MEMORY_FILE_PATH", "/tmp/memory.json");
        McpSettings.Server docs = servers.get(2);
        assertThat(docs.source()).isEqualTo("~/.config/munero/mcp.json:4");
        assertThat(docs.spec().transport()).isEqualTo(McpServerSpec.Transport.HTTP);
        assertThat(docs.spec().headers()).containsEntry("Authorization", "Bearer ${DOCS_TOKEN}"); // expanded at start
        assertThat(docs.spec().timeout()).hasSeconds(30);
        assertThat(settings().forRun()).extracting(McpServerSpec::name).containsExactly("fs", "memory", "docs");
    }

    @Test
    void aWrongTypeInMuneroYamlIsAnErrorAtItsLine() throws IOException {
        yaml("""
                  mcpServers:
                    fs:
                      command: npx
                      args: 3
                """);

        assertInvalid(() -> settings().list(), "munero.yaml:8", "args");
    }

    @Test
    void anEntryMuneroYamlAdmitsButThatCannotBeUsedNamesTheFileLineServerAndKey() throws IOException {
        yaml("""
                  mcpServers:
                    both:
                      command: npx
                      url: https://example.com/mcp
                """);
        assertInvalid(() -> settings().list(), "munero.yaml:5: run.mcpServers: MCP server 'both': has both 'command' "
                + "and 'url'");

        yaml("""
                  mcpServers:
                    neither:
                      required: true
                """);
        assertInvalid(() -> settings().forRun(), "munero.yaml:5: run.mcpServers: MCP server 'neither': needs "
                + "'command'");

        yaml("""
                  mcpServers:
                    old:
                      type: sse
                      url: https://example.com/sse
                """);
        assertInvalid(() -> settings().list(), "MCP server 'old': 'type' 'sse'", "Streamable HTTP");
    }

    @Test
    void mistakesInTheUserFilesNameTheFileAndWhere() throws IOException {
        mcpJson("{\n  \"mcpServers\": {\n    \"fs\": {\"command\": \"x\",}\n  }\n}\n");
        assertInvalid(() -> settings().list(), "~/.config/munero/mcp.json:3:", "not valid JSON");

        mcpJson("{\n  \"mcpServers\": {\n    \"ok\": {\"command\": \"x\"},\n    \"fs\": {\"command\": \"x\", "
                + "\"headers\": {\"A\": \"b\"}}\n  }\n}\n");
        assertInvalid(() -> settings().list(), "~/.config/munero/mcp.json:4: MCP server 'fs': 'headers' applies to "
                + "HTTP servers");

        mcpJson("{\"mcpServers\": [\"fs\"]}");
        assertInvalid(() -> settings().list(), "mcp.json: \"mcpServers\" must be an object");

        Files.delete(configDir.resolve("mcp.json"));
        toml("[mcpServers.fs]\ncommand = \"x\"\nargs = \"-y\"\n");
        assertInvalid(() -> settings().list(), "~/.config/munero/config.toml [mcpServers.fs]: MCP server 'fs': "
                + "'args' must be an array of strings");
    }

    @Test
    void oneNameInBothUserFilesIsAnError() throws IOException {
        toml("[mcpServers.fs]\ncommand = \"a\"\n");
        mcpJson("{\"mcpServers\": {\"fs\": {\"command\": \"b\"}}}");

        assertInvalid(() -> settings().list(), "MCP server 'fs' is defined twice in the user config: in "
                + "~/.config/munero/config.toml [mcpServers.fs] and in ~/.config/munero/mcp.json:1; keep one");
    }

    @Test
    void addWritesMcpJsonKeepingWhatElseItHoldsAndRemoveTakesItOut() throws IOException {
        mcpJson("{\"globalShortcut\": \"Ctrl+Space\", \"mcpServers\": {\"memory\": {\"command\": \"mcp-server-memory\"}}}");
        McpSettings settings = settings();

        McpSettings.Server added = settings.add(new McpServerSpec("fs", "npx",
                List.of("-y", "@modelcontextprotocol/server-filesystem", "."), Map.of("K", "v"), null, Map.of(), true,
                McpServerSpec.DEFAULT_TIMEOUT));

        assertThat(added.source()).isEqualTo("~/.config/munero/mcp.json:7"); // written indented
        JsonNode written = JsonMapper.builder().build().readTree(configDir.resolve("mcp.json").toFile());
        assertThat(written.path("globalShortcut").asString()).isEqualTo("Ctrl+Space");
        assertThat(written.path("mcpServers").propertyNames()).containsExactly("memory", "fs");
        assertThat(written.path("mcpServers").path("fs").toString()).isEqualTo("{\"command\":\"npx\",\"args\":[\"-y\","
                + "\"@modelcontextprotocol/server-filesystem\",\".\"],\"env\":{\"K\":\"v\"},\"required\":true}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(configDir.resolve("mcp.json"))))
                .isEqualTo("rw-------"); // it may hold tokens
        assertThat(settings.list()).extracting(McpSettings.Server::name).containsExactly("memory", "fs");
        assertThatThrownBy(() -> settings.add(McpServerSpec.stdio("fs", "x", List.of(), Map.of())))
                .isInstanceOfSatisfying(AppException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AppException.Kind.CONFLICT);
                    assertThat(e.getMessage()).contains("already defined in ~/.config/munero/mcp.json",
                            "munero mcp servers remove fs");
                });

        McpSettings.Server removed = settings.remove("fs");

        assertThat(removed.spec().command()).isEqualTo("npx");
        assertThat(settings.list()).extracting(McpSettings.Server::name).containsExactly("memory");
        assertThat(Files.readString(configDir.resolve("mcp.json"))).contains("globalShortcut");
        try (var leftovers = Files.list(configDir)) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("mcp.json"); // no temp files
        }
    }

    @Test
    void addCreatesMcpJsonAndItsDirectoryWhenMissing() throws IOException {
        Files.delete(configDir);
        McpSettings settings = settings();

        settings.add(McpServerSpec.http("docs", "https://docs.example.com/mcp", Map.of("X-Key", "${KEY}")));

        assertThat(Files.readString(configDir.resolve("mcp.json"))).contains("\"mcpServers\"", "\"docs\"",
                "\"type\" : \"http\"", "${KEY}");
        assertThat(settings.server("docs").origin()).isEqualTo(McpSettings.Origin.USER_MCP_JSON);
    }

    @Test
    void removingAServerConfigTomlOrMuneroYamlDefinesSaysWhereToEditIt() throws IOException {
        String tomlText = "# my settings\n[mcpServers.memory]\ncommand = \"mcp-server-memory\"\n";
        toml(tomlText);
        yaml("  mcpServers:\n    fs:\n      command: mcp-server-filesystem\n");
        String yamlText = Files.readString(repo.resolve("munero.yaml"));

        assertThatThrownBy(() -> settings().remove("memory")).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.CONFLICT);
            assertThat(e.getMessage()).isEqualTo("MCP server 'memory' is defined in ~/.config/munero/config.toml "
                    + "[mcpServers.memory]; remove that table from the file yourself (Munero does not rewrite "
                    + "config.toml)");
        });
        assertThatThrownBy(() -> settings().remove("fs")).isInstanceOfSatisfying(AppException.class, e ->
                assertThat(e.getMessage()).startsWith("MCP server 'fs' is defined in the repository's munero.yaml:5 "
                        + "(run.mcpServers.fs); remove it there"));
        assertThatThrownBy(() -> settings().remove("nope")).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("no MCP server 'nope' is configured; configured: fs, memory");
        });
        assertThat(Files.readString(configDir.resolve("config.toml"))).isEqualTo(tomlText);
        assertThat(Files.readString(repo.resolve("munero.yaml"))).isEqualTo(yamlText);
        assertThat(configDir.resolve("mcp.json")).doesNotExist();
    }

    @Test
    void anInstalledNpmServerStartsFromItsBinaryInsteadOfNpx() throws IOException {
        assumeTrue(commandExists("npm"), "npm is not installed; skipping the npm install of an MCP server");
        mcpJson("{\"mcpServers\": {\"memory\": {\"command\": \"npx\", \"args\": [\"-y\", "
                + "\"@modelcontextprotocol/server-memory@2026.8.31\"], \"env\": {\"MEMORY_FILE_PATH\": \"/tmp/m.json\"}}}}");
        env.put("npm_config_offline", "true"); // from npm's cache: the test does not depend on the registry
        env.put("npm_config_cache", System.getProperty("user.home") + "/.npm");
        McpSettings settings = settings();
        assertThat(settings.server("memory").installed()).isNull();

        McpSettings.Server installed;
        try {
            installed = settings.install("memory");
        } catch (AppException e) {
            assumeTrue(!e.getMessage().contains("ENOTCACHED"), "the package is not in npm's cache (~/.npm) and the "
                    + "test runs offline: " + e.getMessage());
            throw e;
        }

        Path dir = tmp.resolve("cache/munero/mcp/@modelcontextprotocol/server-memory@2026.8.31");
        assertThat(installed.installed()).isEqualTo(dir.resolve("node_modules/.bin/mcp-server-memory")).isExecutable();
        McpServerSpec run = settings().forRun().getFirst();
        assertThat(run.command()).isEqualTo(installed.installed().toString());
        assertThat(run.args()).isEmpty();
        assertThat(run.env()).containsEntry("MEMORY_FILE_PATH", "/tmp/m.json");
        assertThat(settings().server("memory").installed()).isEqualTo(installed.installed());
        try (var entries = Files.list(dir.getParent())) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("server-memory@2026.8.31");
        }
    }

    @Test
    void installRefusesAServerNotStartedThroughNpx() throws IOException {
        mcpJson("{\"mcpServers\": {\"local\": {\"command\": \"python3\", \"args\": [\"server.py\"]}}}");

        assertInvalid(() -> settings().install("local"), "MCP server 'local' is not started with npx PACKAGE (its "
                + "command is python3 server.py)");
    }

    private static boolean commandExists(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    private static void assertInvalid(ThrowableAssert.ThrowingCallable call, String... message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
