package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's {@code munero agent} demo: {@code examples/agent-calc} and its recorded session
 * {@code session.jsonl}. The recording is of a scripted model (the turns below), served over the real Anthropic
 * protocol by the strict fake; it is not a real model's work, and the README says so.
 *
 * <p>{@link #theBundledSessionReplaysToAPassingCheck} guards the recording: a change to the system prompt, the
 * tools or their output makes it fail with the message that differs. Then re-record it with
 * {@code ./mvnw -q -B -o -pl munero-cli test -Dtest=AgentDemoTest -Dmunero.recordDemo=true}.
 */
class AgentDemoTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path EXAMPLE = Path.of("..", "examples", "agent-calc").toAbsolutePath().normalize();
    private static final Path SESSION = EXAMPLE.resolve("session.jsonl");
    private static final String KEY = "sk-ant-demo-recording";

    @TempDir
    Path tmp;

    @Test
    void theBundledSessionReplaysToAPassingCheck() throws Exception {
        Path copy = copyExample();

        AgentRun run = agent(environment(Map.of()), "-C", copy.toString(), "--task-file", copy.resolve("TASK.md").toString(),
                "--replay", SESSION.toString(), "--json");

        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(Files.readString(copy.resolve("src/calc/Calc.java"))).contains("return a + b;");
        JsonNode report = JSON.readTree(copy.resolve(".munero/reports/latest.json").toFile());
        assertThat(report.path("status").asString()).isEqualTo("PASSED");
        JsonNode result = run.result();
        assertThat(result.path("condition").asString()).isEqualTo("finished");
        assertThat(result.path("turns").asInt()).isEqualTo(5);
        assertThat(result.path("cost_usd").asDouble()).isPositive();
    }

    /** Re-records {@code examples/agent-calc/session.jsonl}; runs only with {@code -Dmunero.recordDemo=true}. */
    @Test
    @EnabledIfSystemProperty(named = "munero.recordDemo", matches = "true")
    void recordTheDemoSession() throws Exception {
        Path copy = copyExample();
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.lastUserMessageContains("CalcCheck"), Reply.message(
                            new Reply.Text("I'll run the acceptance check first to see what fails."),
                            new Reply.ToolCall("toolu_01", "build", "{\"targets\":[\"test\"]}"))
                            .usage(2210, 64).cacheTokens(2150, 0))
                    .expect(RequestCheck.hasToolResult("toolu_01", "should be 5 but was -1"), Reply.message(
                            new Reply.Text("add(2, 3) returns -1 instead of 5. Let me read Calc.add."),
                            new Reply.ToolCall("toolu_02", "read_file", "{\"path\":\"src/calc/Calc.java\"}"))
                            .usage(12, 58).cacheTokens(420, 2150))
                    .expect(RequestCheck.hasToolResult("toolu_02", "return a - b;"), Reply.message(
                            new Reply.Text("add subtracts. Fixing it to add."),
                            new Reply.ToolCall("toolu_03", "edit_file", "{\"path\":\"src/calc/Calc.java\","
                                    + "\"old_string\":\"return a - b;\",\"new_string\":\"return a + b;\"}"))
                            .usage(10, 90).cacheTokens(180, 2570))
                    .expect(RequestCheck.hasToolResult("toolu_03", "replaced 1"), Reply.message(
                            new Reply.Text("Now the check again."),
                            new Reply.ToolCall("toolu_04", "build", "{\"targets\":[\"test\"]}"))
                            .usage(10, 40).cacheTokens(130, 2750))
                    .expect(RequestCheck.hasToolResult("toolu_04", "PASSED"), Reply.toolCall("toolu_05", "finish",
                            "{\"summary\":\"Calc.add subtracted its arguments; it now returns a + b. The test step "
                                    + "(CalcCheck) passes.\"}").usage(10, 70).cacheTokens(120, 2880));

            Map<String, String> env = environment(Map.of("ANTHROPIC_API_KEY", KEY,
                    "ANTHROPIC_BASE_URL", server.baseUrl()));
            AgentRun run = agent(env, "-C", copy.toString(), "--task-file", copy.resolve("TASK.md").toString(),
                    "--model", "anthropic:claude-sonnet-4-6", "--record", SESSION.toString());

            assertThat(run.exitCode()).as("%s", run).isZero();
            assertThat(server.failures()).isEmpty();
        }
    }

    private Path copyExample() throws IOException {
        Path copy = tmp.resolve("agent-calc");
        try (Stream<Path> files = Files.walk(EXAMPLE)) {
            for (Path file : files.toList()) {
                Path rel = EXAMPLE.relativize(file);
                if (rel.startsWith("out") || rel.startsWith(".munero") || rel.toString().equals("session.jsonl")) {
                    continue;
                }
                Path target = copy.resolve(rel.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return copy;
    }

    private static Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(extra);
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", System.getProperty("user.home"));
        env.put("MUNERO_CONFIG", "/nonexistent/munero/config.toml");
        env.put("CI", "true");
        return env;
    }

    private AgentRun agent(Map<String, String> env, String... args) {
        return AgentRun.of(tmp, env, (Object[]) args);
    }
}
