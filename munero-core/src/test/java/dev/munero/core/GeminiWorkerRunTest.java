package dev.munero.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.core.events.EventBus;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.FakeGeminiServer;
import dev.munero.llm.fake.RecordedRequest;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * issue 15: {@code munero run --worker gemini} with the real Gemini CLI 0.61.0 (installed by {@code .ci/run} into
 * {@code ~/.cache/munero-test/workers}; skipped with a message without it). Munero's planner talks to a strict fake
 * Anthropic server, Gemini CLI to a strict {@link FakeGeminiServer}; each fails on any request it does not expect.
 * The run's model is Anthropic's, so Gemini CLI runs its default model {@code auto}: per task a router call
 * ({@code generateContent}) and then the chosen model's stream.
 */
class GeminiWorkerRunTest {
    static final Path GEMINI = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "workers",
            "node_modules", ".bin", "gemini");
    private static final String PLAN = "{\"summary\":\"two files\",\"tasks\":["
            + "{\"id\":\"a\",\"description\":\"Write a.txt saying hello\",\"files\":[\"a.txt\"],\"depends_on\":[]},"
            + "{\"id\":\"b\",\"description\":\"Write b.txt saying world\",\"files\":[\"b.txt\"],\"depends_on\":[\"a\"]}],"
            + "\"checks\":[{\"name\":\"words\",\"run\":\"grep -q hello a.txt && grep -q world b.txt\"}]}";

    @TempDir
    Path dir;

    @Test
    void aRunWithTheGeminiWorkerPlansHandsBothTasksToGeminiCliAndRecordsWhatTheFakeServed() throws Exception {
        assumeThat(Files.isExecutable(GEMINI)).as("Gemini CLI is not installed in " + GEMINI.getParent() + ": npm "
                + "install --prefix ~/.cache/munero-test/workers @google/gemini-cli@0.61.0 (or run .ci/run)").isTrue();
        RunFixture fx = new RunFixture(dir);
        try (FakeAnthropicServer planner = new FakeAnthropicServer(RunWithWorker.KEY).start();
             FakeGeminiServer gemini = new FakeGeminiServer("gemini-key").start();
             Store store = fx.store()) {
            String root = planner.baseUrl().substring(0, planner.baseUrl().length() - "/v1".length());
            Map<String, String> env = RunWithWorker.env(root, dir, GEMINI);
            env.remove("MUNERO_CLAUDE");
            env.put("MUNERO_GEMINI", GEMINI.toString());
            env.put("GEMINI_API_KEY", "gemini-key");
            env.put("GOOGLE_GEMINI_BASE_URL", gemini.rootUrl());
            // no budget: Gemini's default model is unpriced here, and a CLI worker on an unpriced model is refused under
            // a budget (WorkerTasks.run; CliWorkerRunsTest)
            RunLimits limits = new RunLimits(OptionalDouble.empty(), Duration.ofMinutes(30), 3, 1, 20, 4000,
                    PermissionMode.AUTO_EDIT, List.of()).withWorker("gemini");
            BuildManager.Prepared prepared = BuildManager.prepare(store, fx.repo, CliWorkerRunTest.SPEC, "SPEC.md",
                    limits, RunWithWorker.session(env, new EventBus()));
            Path worktree = fx.repo.resolve(".munero").resolve("worktrees").resolve(prepared.runId());
            planner.expect(RequestCheck.any(), Reply.toolCall("toolu_plan", "submit_plan", PLAN).usage(900, 120));
            for (String task : List.of("a", "b")) {
                String file = task + ".txt";
                gemini.expect(RequestCheck.streaming(false).and(RequestCheck.lastUserMessageContains(
                                "Your task (id " + task + ")")),
                        Reply.text("{\"reasoning\":\"one bounded file write\",\"model_choice\":\"flash\"}")
                                .usage(300, 20));
                gemini.expect(RequestCheck.streaming(true).and(RequestCheck.lastUserMessageContains(
                                "Your task (id " + task + ")")).and(RequestCheck.offersTool("write_file")),
                        Reply.toolCall("call_" + task, "write_file", "{\"file_path\":\"" + worktree.resolve(file)
                                + "\",\"content\":\"" + (task.equals("a") ? "hello" : "world") + "\\n\"}")
                                .usage(1200, 40).cacheTokens(0, 200));
                gemini.expect(RequestCheck.hasToolResult("call_" + task, file),
                        Reply.text("Done: wrote " + file).usage(1300, 20));
            }

            BuildManager.Outcome outcome = prepared.run();

            assertThat(planner.failures()).isEmpty();
            assertThat(gemini.failures()).isEmpty();
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(prepared.runId(), 0);
            assertThat(payloads(events, "worker_started")).extracting(p -> p.path("task").asString())
                    .containsExactly("a", "b");
            List<JsonNode> finished = payloads(events, "worker_finished");
            assertThat(finished).hasSize(2).allSatisfy(p -> {
                assertThat(p.path("outcome").asString()).isEqualTo("finished");
                // the router call and the chosen model: two models in the stats, priced as neither
                assertThat(p.path("cost_source").asString()).isEqualTo("unpriced");
                assertThat(p.path("input_tokens").asLong()).isEqualTo(300 + 1200 + 1300);
                assertThat(p.path("cache_read_tokens").asLong()).isEqualTo(200);
                assertThat(p.path("output_tokens").asLong()).isEqualTo(20 + 40 + 20);
                assertThat(p.path("session_id").asString()).isNotBlank();
            });
            assertThat(payloads(events, "tool_call")).extracting(p -> p.path("name").asString())
                    .containsExactly("write_file", "write_file");
            assertThat(payloads(events, "checks_finished").getLast().path("passed").asBoolean()).isTrue();
            assertThat(gemini.requests()).extracting(RecordedRequest::path).hasSize(6);
            assertThat(store.openReservations(prepared.runId())).isEmpty();
        }
    }

    private static List<JsonNode> payloads(List<StoredEvent> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(e -> (JsonNode) e.payload()).toList();
    }
}
