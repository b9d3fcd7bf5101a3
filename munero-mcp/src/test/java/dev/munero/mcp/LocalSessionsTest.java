package dev.munero.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.mcp.McpServerSpec;
import dev.munero.core.BuildManager;
import dev.munero.core.app.RunSessions;
import dev.munero.core.config.RunSettings;
import dev.munero.core.events.EventBus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs started through {@code munero mcp} get the same session as {@code munero run}, MCP servers included. */
class LocalSessionsTest {

    @Test
    void aRunStartedOverMcpGetsTheRepositorysMcpServers(@TempDir Path repo, @TempDir Path home) throws Exception {
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: check
                    command: ["true"]
                run:
                  mcpServers:
                    fs:
                      command: mcp-server-filesystem
                      args: ["."]
                """);
        Map<String, String> env = Map.of("HOME", home.toString(), "ANTHROPIC_API_KEY", "sk-ant-test",
                "PATH", System.getenv().getOrDefault("PATH", "/usr/bin"));
        RunSettings settings = RunSessions.settings(repo, Map.of("sandbox", "off"), env,
                RunSessions.userConfig(env));
        ByteArrayOutputStream notices = new ByteArrayOutputStream();
        BuildManager.Session session = McpBackend.standardSessions(env, new PrintStream(notices, true,
                StandardCharsets.UTF_8)).open(repo, settings, new EventBus());

        assertThat(session.mcpServers()).extracting(McpServerSpec::name).containsExactly("fs");
        assertThat(session.mcpServers().getFirst().describe()).contains("mcp-server-filesystem");
    }
}
