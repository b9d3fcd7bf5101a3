package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code munero agent --worker NAME} (issue 15). */
class AgentWorkerCommandTest {
    static final Path CLAUDE = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "workers",
            "node_modules", ".bin", "claude");

    @TempDir
    Path tmp;

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("HOME", tmp.resolve("user-home").toString());
        env.put("XDG_STATE_HOME", tmp.resolve("state").toString());
        return env;
    }

    @Test
    void aCliWorkerThatIsNotInstalledIsAUsageErrorSayingHowToInstallIt() {
        Map<String, String> env = env();
        env.put("MUNERO_CODEX", tmp.resolve("no-such-codex").toString());

        AgentRun run = AgentRun.of(tmp, env, "--worker", "codex", "-t", "say hi");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("the codex worker needs its CLI").contains("MUNERO_CODEX")
                .contains("npm install -g @openai/codex");
    }

    @Test
    void optionsOfTheBuiltInAgentAndUnknownWorkersAreRefusedByName() {
        AgentRun agentOnly = AgentRun.of(tmp, env(), "--worker", "claude-code", "--max-turns", "3", "-t", "x");
        AgentRun unknown = AgentRun.of(tmp, env(), "--worker", "aider", "-t", "x");
        AgentRun resume = AgentRun.of(tmp, env(), "--resume", "abc", "-t", "x");

        assertThat(agentOnly.err()).contains("--max-turns applies to the built-in agent only");
        assertThat(agentOnly.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unknown.err()).contains("unknown worker 'aider'").contains("claude-code, codex, gemini");
        assertThat(resume.err()).contains("--resume continues a CLI worker's session");
    }

    @Test
    void claudeCodeDoesTheTaskThroughTheStrictFakeAndTheJsonResultCarriesItsCost() throws Exception {
        assumeThat(Files.isExecutable(CLAUDE)).as("Claude Code is not installed in " + CLAUDE.getParent()
                + ": npm install --prefix ~/.cache/munero-test/workers @anthropic-ai/claude-code@2.1.197").isTrue();
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        try (var server = FakeAnthropicServer.forClaudeCode("test-key").start()) {
            server.expect(RequestCheck.lastUserMessageContains("create notes.md"),
                            Reply.toolCall("toolu_1", "Write", "{\"file_path\":\"" + ws.resolve("notes.md")
                                    + "\",\"content\":\"# Notes\\n\"}").usage(500, 30))
                    .expect(RequestCheck.hasToolResult("toolu_1", "notes.md"), Reply.text("Created notes.md")
                            .usage(600, 10));
            Map<String, String> env = env();
            env.put("MUNERO_CLAUDE", CLAUDE.toString());
            env.put("ANTHROPIC_API_KEY", "test-key");
            env.put("ANTHROPIC_BASE_URL", server.baseUrl());

            AgentRun run = AgentRun.of(tmp, env, "--worker", "claude-code", "-C", ws, "-m",
                    "anthropic:claude-sonnet-4-6", "--max-cost", "2", "--json", "-t", "create notes.md");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(Files.readString(ws.resolve("notes.md"))).isEqualTo("# Notes\n");
            JsonNode result = run.result();
            assertThat(result.path("outcome").asString()).isEqualTo("finished");
            assertThat(result.path("cost_source").asString()).isEqualTo("reported");
            assertThat(result.path("cost_usd").asDouble()).isCloseTo((1100 * 3.0 + 40 * 15.0) / 1_000_000,
                    org.assertj.core.data.Offset.offset(1e-9));
            assertThat(run.events("tool_call_started")).singleElement()
                    .satisfies(e -> assertThat(e.path("name").asString()).isEqualTo("Write"));
            assertThat(Path.of(result.path("stdout").asString())).startsWith(tmp.resolve("state"));
        }
    }
}
