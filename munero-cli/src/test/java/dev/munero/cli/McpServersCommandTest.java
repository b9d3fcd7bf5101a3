package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code munero mcp servers list|check|add|remove} (issue 13) as a user types them: against real files in a temp
 * home, and {@code check} against the real {@code @modelcontextprotocol/server-filesystem} (skipped without it).
 */
class McpServersCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path FILESYSTEM_SERVER = Path.of(System.getProperty("user.home"),
            ".cache/munero-test/mcp/node_modules/.bin/mcp-server-filesystem");

    @TempDir
    Path tmp;
    Path repo;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        repo = Files.createDirectories(tmp.resolve("repo"));
        env = new HashMap<>();
        env.put("HOME", tmp.resolve("home").toString());
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("MUNERO_SANDBOX", "off");
    }

    /** {@code munero mcp servers ARGS} with captured streams (the mcp command as Main registers it). */
    private Cli.Result servers(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            Invocation invocation = new Invocation(o, e, Map.copyOf(env), repo, false, onInterrupt -> () -> { }, null);
            CommandLine cl = new CommandLine(new McpCommand(invocation));
            cl.setOut(new java.io.PrintWriter(o, true));
            cl.setErr(new java.io.PrintWriter(e, true));
            String[] full = new String[args.length + 1];
            full[0] = "servers";
            System.arraycopy(args, 0, full, 1, args.length);
            code = cl.execute(full);
        }
        return new Cli.Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void addListAndRemoveAServerInMcpJson() throws IOException {
        Cli.Result empty = servers("list");
        assertThat(empty.exitCode()).isZero();
        assertThat(empty.out()).startsWith("No MCP servers are configured.");

        Cli.Result added = servers("add", "fs", "--env", "TOKEN=${FS_TOKEN}", "--required", "--", "npx", "-y",
                "@modelcontextprotocol/server-filesystem", ".");

        assertThat(added.exitCode()).as(added.all()).isZero();
        assertThat(added.out()).contains("Added MCP server fs to ~/.config/munero/mcp.json: npx -y "
                + "@modelcontextprotocol/server-filesystem .", "Check it with: munero mcp servers check fs");
        JsonNode file = JSON.readTree(tmp.resolve("home/.config/munero/mcp.json").toFile());
        assertThat(file.path("mcpServers").path("fs").path("env").path("TOKEN").asString()).isEqualTo("${FS_TOKEN}");

        Cli.Result http = servers("add", "docs", "--url", "https://docs.example.com/mcp", "--header",
                "Authorization=Bearer ${DOCS_TOKEN}");
        assertThat(http.exitCode()).as(http.all()).isZero();

        Cli.Result list = servers("list");
        assertThat(list.out()).contains("fs  stdio  npx -y @modelcontextprotocol/server-filesystem .  "
                + "(~/.config/munero/mcp.json:3)  [required]", "docs  http  https://docs.example.com/mcp  "
                + "(~/.config/munero/mcp.json:");
        Cli.Result json = servers("list", "--json");
        JsonNode rows = JSON.readTree(json.out());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(1).path("headers").toString()).isEqualTo("[\"Authorization\"]"); // names, not secrets
        assertThat(json.out()).doesNotContain("DOCS_TOKEN");

        Cli.Result removed = servers("remove", "docs");
        assertThat(removed.exitCode()).isZero();
        assertThat(removed.out()).startsWith("Removed MCP server docs from ~/.config/munero/mcp.json:");
        assertThat(servers("list", "--json").out()).doesNotContain("docs");
    }

    @Test
    void usageMistakesAndServersToEditByHandExitWith2() throws IOException {
        Cli.Result neither = servers("add", "fs");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("munero: error: give the server's command after --");

        Cli.Result both = servers("add", "fs", "--url", "https://x.example/mcp", "--", "npx", "x");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("give either --url or a command after --, not both");

        Cli.Result badName = servers("add", "my server", "--", "x");
        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).contains("'my server' is not a server name");

        Files.writeString(repo.resolve("munero.yaml"), "steps:\n  - name: t\n    command: \"true\"\nrun:\n  mcpServers:\n"
                + "    fs:\n      command: mcp-server-filesystem\n", StandardCharsets.UTF_8);
        Cli.Result fromYaml = servers("remove", "fs");
        assertThat(fromYaml.exitCode()).isEqualTo(2);
        assertThat(fromYaml.err()).contains("munero: error: MCP server 'fs' is defined in the repository's "
                + "munero.yaml:5 (run.mcpServers.fs); remove it there");

        Files.writeString(repo.resolve("munero.yaml"), "steps:\n  - name: t\n    command: \"true\"\nrun:\n  mcpServers:\n"
                + "    fs:\n      command: [mcp-server-filesystem]\n", StandardCharsets.UTF_8);
        Cli.Result badYaml = servers("list");
        assertThat(badYaml.exitCode()).isEqualTo(2);
        assertThat(badYaml.err()).contains("munero.yaml:7").doesNotContain("Exception");

        Cli.Result unknown = servers("check", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
    }

    @Test
    void addsHelpShowsVariablesAsWritten() {
        Cli.Result help = servers("add", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("--header 'Authorization=Bearer ${DOCS_TOKEN}'", "${VAR} in the command")
                .doesNotContain("null");
    }

    @Test
    void checkDoesTheHandshakeAndPrintsTheToolsAndTheAllowLine() throws IOException {
        assumeTrue(Files.isExecutable(FILESYSTEM_SERVER), "the npm package @modelcontextprotocol/server-filesystem is "
                + "not installed at " + FILESYSTEM_SERVER + " (.ci/run installs it); skipping munero mcp servers check");
        assertThat(servers("add", "fs", "--", FILESYSTEM_SERVER.toString(), ".").exitCode()).isZero();

        Cli.Result check = servers("check", "fs");

        assertThat(check.exitCode()).as(check.all()).isZero();
        assertThat(check.out()).containsPattern("fs: up \\(secure-filesystem-server [0-9.]+, \\d+ tools, started in "
                + "\\d+ ms\\)").contains("  mcp__fs__read_text_file", "  mcp__fs__list_allowed_directories",
                "--allow 'mcp__fs__*'");
        JsonNode json = JSON.readTree(servers("check", "fs", "--json").out());
        assertThat(json.path("state").asString()).isEqualTo("up");
        assertThat(json.path("tool_count").asInt()).isEqualTo(json.path("tools").size()).isPositive();
        assertThat(json.path("allow").asString()).isEqualTo("mcp__fs__*");
    }

    @Test
    void checkInstallInstallsAnNpxServerThatThenStartsFromTheCacheInsideBubblewrap() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")) || Files.isExecutable(Path.of("/bin/bwrap")),
                "bubblewrap is not installed; skipping the MCP server in the sandbox");
        assumeTrue(Files.isDirectory(Path.of(System.getProperty("user.home"), ".npm")), "no npm cache (~/.npm) to "
                + "install from offline; skipping munero mcp servers check --install");
        env.put("MUNERO_SANDBOX", "on");
        env.put("npm_config_offline", "true"); // from npm's cache: the test does not depend on the registry
        env.put("npm_config_cache", System.getProperty("user.home") + "/.npm");
        assertThat(servers("add", "fs", "--", "npx", "-y", "@modelcontextprotocol/server-filesystem@2026.8.31", ".")
                .exitCode()).isZero();

        Cli.Result check = servers("check", "fs", "--install");

        assumeTrue(!check.all().contains("ENOTCACHED"), "the package is not in npm's cache: " + check.all());
        Path bin = tmp.resolve("home/.cache/munero/mcp/@modelcontextprotocol/server-filesystem@2026.8.31/node_modules"
                + "/.bin/mcp-server-filesystem");
        assertThat(check.exitCode()).as(check.all()).isZero();
        assertThat(check.out()).contains("Installed fs: " + bin, "fs: up (secure-filesystem-server",
                "started as: " + bin + " .  (~/.config/munero/mcp.json:3; bubblewrap");
        assertThat(servers("list").out()).contains("[installed: " + bin + "]");
    }

    @Test
    void checkOfAServerThatCannotStartExitsWith1AndSaysWhy() {
        assertThat(servers("add", "broken", "--timeout", "20s", "--", tmp.resolve("no-such-server").toString())
                .exitCode()).isZero();

        Cli.Result check = servers("check", "broken");

        assertThat(check.exitCode()).as(check.all()).isEqualTo(1);
        assertThat(check.out()).startsWith("broken: down: ").contains("started as: " + tmp.resolve("no-such-server"));
    }
}
