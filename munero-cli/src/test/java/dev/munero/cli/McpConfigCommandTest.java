package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code munero mcp config HOST}: the exact line or snippet each host takes (issue 13). */
class McpConfigCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The checkout this test runs in: its launcher is what a host should start. */
    private static final Path CHECKOUT = Path.of("").toAbsolutePath().getParent();
    private static final String LAUNCHER = CHECKOUT.resolve("munero").toString();

    @TempDir
    Path dir;

    private Cli.Result munero(String... args) {
        return Cli.run(dir, Map.of("HOME", dir.toString(), "MUNERO_HOME", CHECKOUT.toString()), args);
    }

    private Path repo() throws Exception {
        return Files.createDirectories(dir.resolve("my repo"));
    }

    @Test
    void claudeCodeGetsAClaudeMcpAddLineStartingThisLauncherOnTheRepository() throws Exception {
        Path repo = repo();
        Cli.Result r = munero("mcp", "config", "claude-code", "-C", "my repo");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).isEqualTo("claude mcp add --transport stdio munero -- " + LAUNCHER + " mcp -C '" + repo
                + "'\n");
        assertThat(r.err()).contains("claude mcp list");
    }

    @Test
    void claudeDesktopAndCursorGetTheMcpServersJsonWithTheLauncherAndRepository() throws Exception {
        Path repo = repo();
        for (String host : new String[] {"claude-desktop", "cursor"}) {
            Cli.Result r = munero("mcp", "config", host, "-C", repo.toString(), "--name", "calc");
            assertThat(r.exitCode()).as(r.all()).isZero();
            JsonNode server = JSON.readTree(r.out()).at("/mcpServers/calc");
            assertThat(server.get("command").asString()).isEqualTo(LAUNCHER);
            assertThat(server.get("args").valueStream().map(JsonNode::asString).toList())
                    .containsExactly("mcp", "-C", repo.toString());
            assertThat(JSON.readTree(r.out()).get("mcpServers").size()).isEqualTo(1);
        }
        assertThat(munero("mcp", "config", "claude-desktop").err()).contains("claude_desktop_config.json");
        assertThat(munero("mcp", "config", "cursor").err()).contains(".cursor/mcp.json");
    }

    @Test
    void httpGivesTheServedEndpointWithABearerHeaderToFillIn() {
        Cli.Result code = munero("mcp", "config", "claude-code", "--http", "http://127.0.0.1:7070/mcp");
        assertThat(code.exitCode()).as(code.all()).isZero();
        assertThat(code.out()).isEqualTo("claude mcp add --transport http munero http://127.0.0.1:7070/mcp "
                + "--header 'Authorization: Bearer <token>'\n");
        assertThat(code.err()).contains("munero token create --role operator");

        Cli.Result cursor = munero("mcp", "config", "cursor", "--http", "http://127.0.0.1:7070");
        assertThat(cursor.exitCode()).as(cursor.all()).isZero();
        JsonNode server = JSON.readTree(cursor.out()).at("/mcpServers/munero");
        assertThat(server.get("url").asString()).isEqualTo("http://127.0.0.1:7070/mcp"); // no path: /mcp added
        assertThat(server.at("/headers/Authorization").asString()).isEqualTo("Bearer <token>");
        assertThat(server.has("command")).isFalse();
    }

    @Test
    void claudeDesktopRefusesHttpBecauseItsConfigFileTakesLocalServersOnly() {
        Cli.Result r = munero("mcp", "config", "claude-desktop", "--http", "http://127.0.0.1:7070/mcp");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("stdio", "Connectors", "without --http");
    }

    @Test
    void badInputIsAUsageErrorThatSaysWhatToGive() {
        Cli.Result host = munero("mcp", "config", "vscode");
        assertThat(host.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(host.err()).contains("unknown MCP host 'vscode'", "claude-code, claude-desktop or cursor");

        Cli.Result url = munero("mcp", "config", "cursor", "--http", "ftp://example.org/mcp");
        assertThat(url.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(url.err()).contains("--http ftp://example.org/mcp", "http://127.0.0.1:7070/mcp");

        Cli.Result name = munero("mcp", "config", "cursor", "--name", "my server");
        assertThat(name.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(name.err()).contains("--name 'my server'");

        Cli.Result missing = munero("mcp", "config", "cursor", "-C", "nowhere");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains(dir.resolve("nowhere") + " is not a directory");
        assertThat(missing.out()).isEmpty();
    }

    @Test
    void aWordWithShellCharactersIsSingleQuoted() {
        assertThat(McpConfigCommand.shellQuote("/opt/munero/munero")).isEqualTo("/opt/munero/munero");
        assertThat(McpConfigCommand.shellQuote("/home/me/it's here")).isEqualTo("'/home/me/it'\\''s here'");
        assertThat(McpConfigCommand.shellQuote("$HOME")).isEqualTo("'$HOME'");
    }
}
