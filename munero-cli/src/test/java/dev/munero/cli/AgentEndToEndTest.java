package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.cli.agent.CalcProject;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.RecordedRequest;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.llm.fake.RequestSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Issue 3, end to end: the real {@code munero agent} command line ({@link Main#run(Invocation, String...)}) against
 * the strict fake Anthropic server (the real Messages protocol over HTTP, every request validated and checked
 * against a script), on a real Maven project generated in a temp dir ({@link CalcProject}), with real builds. The
 * assertions are on files, build results, exit codes and the structured {@code --json} events, not on log text.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class AgentEndToEndTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String KEY = "sk-ant-e2e-fake-key";
    private static final String MODEL = "anthropic:claude-sonnet-4-6";
    private static final String TASK = "Make the tests pass";

    /** The model first runs the tests with the {@code build} tool: the failed step's log tail names the assertion. */
    private static final Reply.ToolCall BUILD = new Reply.ToolCall("toolu_build_1", "build",
            "{\"targets\":[\"test\"]}");
    private static final String[] BUILD_FAILURE = {"FAILED test", "CalcTest", "expected: <5> but was: <-1>"};
    /** ... or with {@code run_command} ({@code mvn} is on auto-edit's default allow list). */
    private static final Reply.ToolCall MVN_TEST = new Reply.ToolCall("toolu_mvn_1", "run_command",
            "{\"command\":\"mvn -q -B -o test\"}");
    private static final String[] MVN_FAILURE = {"CalcTest", "expected: <5> but was: <-1>", "exit code 1"};

    @TempDir
    Path tmp;

    @Test
    void fixesAFailingTestOverTheRealProtocol() throws Exception {
        assumeTrue(CalcProject.mavenOnPath(), "mvn is not on the PATH");
        // given: a Maven project whose only test fails, and a model that will fix it
        Path project = CalcProject.generate(tmp.resolve("calc"));
        AgentRun run;
        JsonNode scriptedUsage;
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            scriptedUsage = scriptTheFix(server, BUILD, BUILD_FAILURE);

            // when
            run = agent(environment(server), "-C", project, "--task", TASK, "--model", MODEL, "--json");

            // then: the script was followed request by request (close() also fails on an unused expectation)
            assertThat(server.failures()).as("%s", run).isEmpty();
            assertThat(server.requests()).hasSize(5);
        }
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(Files.readString(project.resolve(CalcProject.CALC))).contains(CalcProject.FIX)
                .doesNotContain(CalcProject.BUG);
        assertThat(status(project)).as("the agent's last build").isEqualTo("PASSED");
        CalcProject.Result maven = CalcProject.runMavenTest(project, environment());
        assertThat(maven.exitCode()).as("an independent mvn test:%n%s", maven.output()).isZero();
        JsonNode result = run.result();
        assertThat(result.path("event").asString()).isEqualTo("result");
        assertThat(result.path("condition").asString()).isEqualTo("finished");
        assertThat(result.path("completed").asBoolean()).isTrue();
        assertThat(result.path("turns").asInt()).isEqualTo(5);
        assertThat(result.path("tool_calls").asInt()).isEqualTo(5);
        assertThat(result.path("usage").toString()).isEqualTo(scriptedUsage.toString());
        assertThat(run.events("tool_call_finished")).extracting(e -> e.path("name").asString() + ":"
                + e.path("error").asBoolean()).containsExactly("build:true", "read_file:false", "edit_file:false",
                "build:false", "finish:false");
    }

    @Test
    void replaysARecordedFixWithoutNetworkOnAFreshCopyInAnotherDirectory() throws Exception {
        assumeTrue(CalcProject.mavenOnPath(), "mvn is not on the PATH");
        recordsAFixThenReplaysItOnAFreshCopy(MVN_TEST, MVN_FAILURE);
    }

    @Test // regression: run ids were hex, and replay masks only digits, so a failed build's log path broke it
    void replaysARecordedFixWhoseFirstBuildFailed() throws Exception {
        assumeTrue(CalcProject.mavenOnPath(), "mvn is not on the PATH");
        recordsAFixThenReplaysItOnAFreshCopy(BUILD, BUILD_FAILURE);
    }

    @Test
    void tenTurnSessionOnlyAppendsSoEachRequestReusesMostOfThePreviousOne() throws Exception {
        // given: nine read-only calls on a small project, then finish; each row is a call and a text its result
        // must contain for the next request to be accepted
        Path project = CalcProject.generate(tmp.resolve("calc"));
        List<String[]> calls = List.of(
                new String[] {"list_files", "{}", "pom.xml"},
                new String[] {"read_file", "{\"path\":\"pom.xml\"}", "junit-bom"},
                new String[] {"read_file", "{\"path\":\"" + CalcProject.CALC + "\"}", CalcProject.BUG},
                new String[] {"read_file", "{\"path\":\"" + CalcProject.CALC_TEST + "\"}", "assertEquals(5"},
                new String[] {"grep", "{\"pattern\":\"add\\\\(\",\"path\":\"src\"}", "Calc.add(2, 3)"},
                new String[] {"glob", "{\"pattern\":\"**/*.java\"}", "CalcTest.java"},
                new String[] {"list_files", "{\"path\":\"src\",\"depth\":4}", "calc"},
                new String[] {"read_file", "{\"path\":\"munero.yaml\"}", "mvn"},
                new String[] {"grep", "{\"pattern\":\"class\\\\s+\\\\w+\"}", "CalcTest"},
                new String[] {"finish", "{\"summary\":\"CalcTest checks Calc.add(2, 3) == 5 with JUnit.\"}", null});
        AgentRun run;
        List<RecordedRequest> requests;
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            for (int i = 0; i < calls.size(); i++) {
                String[] call = calls.get(i);
                RequestCheck check = i == 0 ? RequestCheck.lastUserMessageContains("how the calculator is tested")
                        : toolResult("toolu_" + i, false, calls.get(i - 1)[2]);
                server.expect(check, Reply.toolCall("toolu_" + (i + 1), call[0], call[1])
                        .usage(40 + i, 30).cacheTokens(i == 0 ? 2_000 : 150, i == 0 ? 0 : 2_000 + 150L * i));
            }

            // when
            run = agent(environment(server), "-C", project, "--task",
                    "Explain how the calculator is tested; change nothing.", "--model", MODEL, "--json");

            // then
            assertThat(server.failures()).as("%s", run).isEmpty();
            requests = server.requests();
        }
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.result().path("condition").asString()).isEqualTo("finished");
        assertThat(run.result().path("turns").asInt()).isEqualTo(10);
        assertThat(Files.readString(project.resolve(CalcProject.CALC))).contains(CalcProject.BUG);

        // each request is the previous one plus the assistant turn and its tool results, once the rolling
        // cache_control breakpoint (which moves to the newest message) is set aside
        assertThat(requests).hasSize(10);
        for (int i = 1; i < requests.size(); i++) {
            JsonNode before = withoutCacheControl(requests.get(i - 1).json());
            JsonNode after = withoutCacheControl(requests.get(i).json());
            assertThat(after.path("tools")).as("tools of request %d", i + 1).isEqualTo(before.path("tools"));
            assertThat(after.path("system")).as("system of request %d", i + 1).isEqualTo(before.path("system"));
            JsonNode previousMessages = before.path("messages");
            JsonNode messages = after.path("messages");
            assertThat(messages.size()).as("messages in request %d", i + 1).isEqualTo(previousMessages.size() + 2);
            for (int m = 0; m < previousMessages.size(); m++) {
                assertThat(messages.get(m)).as("message %d of request %d", m + 1, i + 1)
                        .isEqualTo(previousMessages.get(m));
            }
        }

        List<Double> shares = run.events("model_responded").stream().skip(1)
                .map(e -> e.path("prefix_reuse").asDouble()).toList();
        double mean = run.result().path("mean_prefix_reuse").asDouble();
        StringBuilder report = new StringBuilder("prefix reuse over a 10-turn scripted session:");
        for (int i = 0; i < shares.size(); i++) {
            report.append(String.format(Locale.ROOT, "%n  turn %2d: %.4f", i + 2, shares.get(i)));
        }
        System.out.println(report.append(String.format(Locale.ROOT, "%n  mean   : %.4f", mean)));
        assertThat(shares).hasSize(9).allSatisfy(share -> assertThat(share).isGreaterThan(0.5).isLessThanOrEqualTo(1));
        assertThat(mean).isGreaterThan(0.5);
    }

    @Test
    void withoutAnApiKeyExitsTwoNamingTheVariableBeforeAnyRequest() throws Exception {
        Path project = CalcProject.generate(tmp.resolve("calc"));
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            Map<String, String> env = environment();
            env.put("ANTHROPIC_BASE_URL", server.baseUrl());

            AgentRun run = agent(env, "-C", project, "--task", TASK, "--model", MODEL);

            assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
            assertThat(run.err()).contains("ANTHROPIC_API_KEY");
            assertThat(server.requests()).isEmpty();
        }
    }

    @Test
    void askModeWithoutATerminalStopsWithExitTwoBeforeWriting() throws Exception {
        Path project = CalcProject.generate(tmp.resolve("calc"));
        AgentRun run;
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.lastUserMessageContains("notes"),
                    Reply.toolCall("toolu_write", "write_file", "{\"path\":\"NOTES.md\",\"content\":\"notes\\n\"}"));

            run = agent(environment(server), "-C", project, "--task", "Write notes to NOTES.md", "--model", MODEL,
                    "--permission-mode", "ask", "--json");

            assertThat(server.failures()).as("%s", run).isEmpty();
            assertThat(server.requests()).hasSize(1);
        }
        assertThat(run.exitCode()).as("%s", run).isEqualTo(2);
        assertThat(run.result().path("condition").asString()).isEqualTo("permission-required");
        assertThat(run.result().path("detail").asString()).contains("auto-edit");
        assertThat(project.resolve("NOTES.md")).doesNotExist();
    }

    @Test // issue 11.10
    void anUnpricedModelIsWarnedAboutAtTheStart() throws Exception {
        Path project = CalcProject.generate(tmp.resolve("calc"));
        AgentRun run;
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.lastUserMessageContains("notes"),
                    Reply.toolCall("toolu_finish", "finish", "{\"summary\":\"nothing to do\"}"));

            run = agent(environment(server), "-C", project, "--task", "Read the notes", "--model",
                    "anthropic:claude-unpriced-9");

            assertThat(server.failures()).as("%s", run).isEmpty();
        }
        assertThat(run.exitCode()).as("%s", run).isZero();
        assertThat(run.err()).contains("munero: warning: anthropic:claude-unpriced-9 has no known price",
                "its cost is shown as unknown");
    }

    /**
     * Records the fix against the fake server, then replays the recording on a freshly generated copy in another
     * directory with no server and no key: the replay must drive the whole run (real tools, real builds) to the same
     * fixed file, although the tool results hold other timings and another workspace path (replay masks both).
     */
    private void recordsAFixThenReplaysItOnAFreshCopy(Reply.ToolCall firstLook, String... failureTexts)
            throws Exception {
        // given: a recording of a run that fixed the project
        Path recording = tmp.resolve("calc-fix.jsonl");
        Path first = CalcProject.generate(tmp.resolve("recorded"));
        JsonNode scriptedUsage;
        try (FakeAnthropicServer server = new FakeAnthropicServer(KEY).start()) {
            scriptedUsage = scriptTheFix(server, firstLook, failureTexts);
            AgentRun recorded = agent(environment(server), "-C", first, "--task", TASK, "--model", MODEL, "--json",
                    "--record", recording);
            assertThat(server.failures()).as("%s", recorded).isEmpty();
            assertThat(recorded.exitCode()).as("%s", recorded).isZero();
            // the key never leaves the request headers: not in events, messages or the recording
            assertThat(recorded.out() + recorded.err()).doesNotContain(KEY);
        }
        assertThat(Files.readAllLines(recording)).hasSize(5);
        assertThat(Files.readString(recording)).doesNotContain(KEY);

        // when: the same task on a fresh copy elsewhere, without network or key
        Path again = CalcProject.generate(tmp.resolve("replayed-elsewhere"));
        AgentRun replayed = agent(environment(), "-C", again, "--task", TASK, "--json", "--replay", recording);

        // then
        assertThat(replayed.exitCode()).as("%s", replayed).isZero();
        assertThat(Files.readString(again.resolve(CalcProject.CALC))).contains(CalcProject.FIX)
                .doesNotContain(CalcProject.BUG);
        assertThat(status(again)).as("the replayed run's last build").isEqualTo("PASSED");
        assertThat(replayed.result().path("condition").asString()).isEqualTo("finished");
        assertThat(replayed.result().path("turns").asInt()).isEqualTo(5);
        assertThat(replayed.result().path("usage").toString()).isEqualTo(scriptedUsage.toString());
    }

    /**
     * Scripts the five requests of a run that fixes {@link CalcProject}: run the tests ({@code firstLook}), read
     * {@code Calc.java}, edit it, build, finish. Each request must carry the previous call's result.
     *
     * @param failureTexts what the (error) result of {@code firstLook} must contain
     * @return the total usage the replies report, as the {@code --json} result prints it
     */
    private static JsonNode scriptTheFix(FakeAnthropicServer server, Reply.ToolCall firstLook,
            String... failureTexts) {
        server.expect(RequestCheck.model("claude-sonnet-4-6").and(RequestCheck.lastUserMessageContains(TASK))
                                .and(RequestCheck.offersTool("build")).and(RequestCheck.offersTool("edit_file")),
                        Reply.message(new Reply.Text("Let me run the tests first."), firstLook)
                                .usage(12, 40).cacheTokens(2_100, 0))
                .expect(toolResult(firstLook.id(), true, failureTexts),
                        Reply.toolCall("toolu_read_1", "read_file", "{\"path\":\"" + CalcProject.CALC + "\"}")
                                .usage(700, 30).cacheTokens(0, 2_100))
                .expect(toolResult("toolu_read_1", false, CalcProject.BUG),
                        Reply.message(new Reply.Text("add subtracts; fixing it."), new Reply.ToolCall("toolu_edit_1",
                                "edit_file", "{\"path\":\"" + CalcProject.CALC + "\",\"old_string\":\""
                                        + CalcProject.BUG + "\",\"new_string\":\"" + CalcProject.FIX + "\"}"))
                                .usage(150, 60).cacheTokens(700, 2_100))
                .expect(toolResult("toolu_edit_1", false, "replaced 1 occurrence"),
                        Reply.toolCall("toolu_build_2", "build", "{\"targets\":[\"test\"]}")
                                .usage(80, 25).cacheTokens(150, 2_800))
                .expect(toolResult("toolu_build_2", false, "build PASSED"),
                        Reply.toolCall("toolu_finish", "finish", "{\"summary\":\"Calc.add subtracted; it adds now "
                                + "and the test passes.\"}").usage(60, 35).cacheTokens(80, 2_950));
        return JSON.createObjectNode().put("input_tokens", 12 + 700 + 150 + 80 + 60)
                .put("output_tokens", 40 + 30 + 60 + 25 + 35)
                .put("cache_write_tokens", 2_100 + 0 + 700 + 150 + 80)
                .put("cache_read_tokens", 0 + 2_100 + 2_100 + 2_800 + 2_950);
    }

    /** The history carries a result for {@code id} that is (or is not) an error and contains each of {@code texts}. */
    private static RequestCheck toolResult(String id, boolean error, String... texts) {
        return request -> {
            RequestSummary.ToolResult result = request.summary().toolResult(id).orElseThrow(() -> new AssertionError(
                    "no tool result for " + id + " in " + request + "; results: " + request.summary().toolResults()));
            assertThat(result.isError()).as("is_error of the result for %s: %s", id, result.text()).isEqualTo(error);
            assertThat(result.text()).as("the result for %s", id).contains(texts);
        };
    }

    /** Runs {@code munero agent args...} in this JVM with captured streams and exactly {@code env}. */
    private AgentRun agent(Map<String, String> env, Object... args) {
        return AgentRun.of(tmp, env, args);
    }

    /**
     * What a user's shell would hand the command: the real PATH, HOME and JAVA_HOME (Maven needs them), no user
     * config file, and CI set, so that nothing waits for an answer on a terminal.
     */
    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", System.getenv().getOrDefault("HOME", System.getProperty("user.home")));
        env.put("JAVA_HOME", System.getenv().getOrDefault("JAVA_HOME", System.getProperty("java.home")));
        env.put("MUNERO_CONFIG", tmp.resolve("no-such-dir/config.toml").toString());
        env.put("CI", "true");
        return env;
    }

    private Map<String, String> environment(FakeAnthropicServer server) {
        Map<String, String> env = environment();
        env.put("ANTHROPIC_API_KEY", KEY);
        env.put("ANTHROPIC_BASE_URL", server.baseUrl());
        return env;
    }

    /** The status of the workspace's last build, from its run report. */
    private static String status(Path project) {
        return JSON.readTree(project.resolve(".munero/reports/latest.json").toFile()).path("status").asString("");
    }

    /** A deep copy of {@code node} without any {@code cache_control} field. */
    private static JsonNode withoutCacheControl(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("cache_control");
            object.values().forEach(AgentEndToEndTest::strip);
        } else if (node instanceof ArrayNode array) {
            array.values().forEach(AgentEndToEndTest::strip);
        }
    }
}
