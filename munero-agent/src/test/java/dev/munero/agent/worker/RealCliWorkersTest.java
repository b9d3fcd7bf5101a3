package dev.munero.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.llm.ModelRef;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.FakeGeminiServer;
import dev.munero.llm.fake.FakeOpenAiResponsesServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.llm.pricing.ModelTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLIs (installed by {@code .ci/run} into {@code ~/.cache/munero-test/workers}: Claude Code 2.1.197, Codex
 * 0.171.0, Gemini CLI 0.61.0) as Munero's workers, in Munero's bubblewrap sandbox where it starts, against Munero's strict local fakes
 * (issue 15). Skipped with a message when a CLI is not installed.
 */
class RealCliWorkersTest {
    static final Path BIN = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "workers",
            "node_modules", ".bin");
    static final String INSTALL = "npm install --prefix ~/.cache/munero-test/workers @anthropic-ai/claude-code@2.1.197 "
            + "@openai/codex@0.171.0 @google/gemini-cli@0.61.0 (or run .ci/run)";
    private static final WorkerLimits LIMITS = new WorkerLimits(OptionalDouble.of(1.0), Duration.ofMinutes(5),
            Duration.ofSeconds(30), Duration.ofMinutes(10));

    @TempDir
    Path dir;

    /** The installed CLI {@code name}; the test is skipped, saying how to install it, when it is not there. */
    static Path cli(String name) {
        Path exe = BIN.resolve(name);
        assumeThat(Files.isExecutable(exe)).as(name + " is not installed in " + BIN + ": " + INSTALL).isTrue();
        return exe;
    }

    /**
     * Munero's prices for {@code openai:munero-fake-1}, a model Codex has no metadata for: with metadata of a known
     * model (e.g. gpt-5.6-luna) Codex 0.171 adds undocumented request parts (an "additional_tools" input item,
     * reasoning.context) that the strict fake refuses. The table is written as {@code dir/models.toml}.
     */
    static ModelTable codexFakePrices(Path dir) throws IOException {
        Path table = dir.resolve("models.toml");
        Files.writeString(table, """
                [models."openai:munero-fake-1"]
                input = 1.25
                output = 10.0
                cache_write = 1.25
                cache_read = 0.125
                context_window = 400000
                max_output = 128000
                """);
        return ModelTable.withUserFile(table);
    }

    private static Sandbox sandbox() throws Exception {
        return Sandbox.bubblewrapAvailable() ? Sandbox.bubblewrap() : Sandbox.none();
    }

    private WorkerTask task(String prompt, String model, Map<String, String> env, Optional<String> session,
                            boolean resume, String logs) throws Exception {
        Path ws = dir.resolve("ws");
        if (!Files.isDirectory(ws)) {
            Files.createDirectories(ws);
            new ProcessBuilder("git", "init", "-q", ws.toString()).inheritIO().start().waitFor();
        }
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("PATH", System.getenv("PATH"));
        return new WorkerTask(prompt, ws, dir.resolve("home"), dir.resolve(logs), Optional.of(model),
                PermissionMode.AUTO_EDIT, sandbox(), all, Optional.empty(), session, resume, LIMITS);
    }

    @Test
    void claudeCodeWritesAFileThroughTheStrictFakeAndItsReportedCostMatchesMuneroPrices() throws Exception {
        Path claude = cli("claude");
        String session = UUID.randomUUID().toString();
        try (var server = FakeAnthropicServer.forClaudeCode("test-key").start()) {
            Path ws = dir.resolve("ws");
            server.expect(RequestCheck.lastUserMessageContains("write hello.txt"),
                            Reply.toolCall("toolu_1", "Write", "{\"file_path\":\"" + ws.resolve("hello.txt")
                                    + "\",\"content\":\"hi\\n\"}").usage(1200, 40).cacheTokens(300, 0))
                    .expect(RequestCheck.hasToolResult("toolu_1", "hello.txt"),
                            Reply.text("Done: wrote hello.txt").usage(1300, 20).cacheTokens(0, 300));
            List<WorkerEvent> events = new CopyOnWriteArrayList<>();
            WorkerTask task = task("write hello.txt", "anthropic:claude-sonnet-4-6", Map.of("ANTHROPIC_API_KEY",
                    "test-key", "ANTHROPIC_BASE_URL", server.baseUrl()), Optional.of(session), false, "logs1");

            WorkerResult r = Workers.cli("claude-code", Map.of("MUNERO_CLAUDE", claude.toString()),
                    ModelTable.builtIn()).orElseThrow().run(task, events::add);

            assertThat(r.outcome()).as(r.detail()).isEqualTo(WorkerOutcome.FINISHED);
            assertThat(Files.readString(ws.resolve("hello.txt"))).isEqualTo("hi\n");
            assertThat(r.sessionId()).contains(session);
            assertThat(r.summary()).isEqualTo("Done: wrote hello.txt");
            assertThat(r.usage()).isEqualTo(new dev.munero.llm.Usage(2500, 60, 300, 300));
            assertThat(r.costSource()).isEqualTo(CostSource.REPORTED);
            double munero = ModelTable.builtIn().lookup(ModelRef.parse("anthropic:claude-sonnet-4-6")).cost(r.usage())
                    .getAsDouble();
            assertThat(r.costUsd().getAsDouble()).isCloseTo(munero, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(WorkerEvent.ToolResult.class,
                    t -> assertThat(t.name()).isEqualTo("Write")));
            assertThat(server.warmUps()).allMatch(w -> w.equals("HEAD /"));
            assertThat(Files.readString(r.stdout().orElseThrow())).contains("\"type\":\"result\"");

            // a killed task is resumed, not restarted: the next request carries the first conversation
            server.expect(RequestCheck.hasToolResult("toolu_1", "hello.txt")
                            .and(RequestCheck.lastUserMessageContains("now say bye")),
                    Reply.text("bye").usage(1400, 5));
            WorkerResult resumed = Workers.cli("claude-code", Map.of("MUNERO_CLAUDE", claude.toString()),
                    ModelTable.builtIn()).orElseThrow().run(task("now say bye", "anthropic:claude-sonnet-4-6",
                    task.env(), Optional.of(session), true, "logs2"), WorkerListener.NONE);

            assertThat(resumed.outcome()).as(resumed.detail()).isEqualTo(WorkerOutcome.FINISHED);
            assertThat(resumed.summary()).isEqualTo("bye");
            assertThat(resumed.sessionId()).contains(session);
        }
    }

    @Test
    void codexRunsACommandThroughTheStrictResponsesFakeAndItsUsageIsPricedByMunero() throws Exception {
        Path codex = cli("codex");
        ModelTable prices = codexFakePrices(dir);
        try (var server = new FakeOpenAiResponsesServer("test-key").start()) {
            Path ws = dir.resolve("ws");
            server.expect(RequestCheck.lastUserMessageContains("write hello.txt").and(RequestCheck.offersTool(
                            "exec_command")),
                            Reply.toolCall("call_1", "exec_command", "{\"cmd\":\"echo hi > hello.txt\"}")
                                    .usage(900, 30).cacheTokens(0, 100))
                    .expect(RequestCheck.hasToolResult("call_1", ""),
                            Reply.text("Done: wrote hello.txt").usage(1000, 10).cacheTokens(0, 200));
            List<WorkerEvent> events = new CopyOnWriteArrayList<>();
            WorkerTask task = task("write hello.txt", "openai:munero-fake-1", Map.of("OPENAI_API_KEY", "test-key",
                    "OPENAI_BASE_URL", server.baseUrl()), Optional.empty(), false, "logs1");

            WorkerResult r = Workers.cli("codex", Map.of("MUNERO_CODEX", codex.toString()), prices)
                    .orElseThrow().run(task, events::add);

            assertThat(r.outcome()).as(r.detail()).isEqualTo(WorkerOutcome.FINISHED);
            assertThat(Files.readString(ws.resolve("hello.txt")).strip()).isEqualTo("hi");
            assertThat(r.usage()).isEqualTo(new dev.munero.llm.Usage(1900, 40, 0, 300));
            assertThat(r.costSource()).isEqualTo(CostSource.PRICED);
            assertThat(r.costUsd().getAsDouble()).isCloseTo(prices.lookup(ModelRef.parse("openai:munero-fake-1")).cost(r.usage()).getAsDouble(),
                    org.assertj.core.data.Offset.offset(1e-12));
            assertThat(r.sessionId()).isPresent();
            assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(WorkerEvent.ToolResult.class,
                    t -> assertThat(t.error()).isFalse()));

            server.expect(RequestCheck.hasToolCall("call_1", "exec_command", "{\"cmd\":\"echo hi > hello.txt\"}")
                            .and(RequestCheck.lastUserMessageContains("now say bye")),
                    Reply.text("bye").usage(1100, 5));
            WorkerResult resumed = Workers.cli("codex", Map.of("MUNERO_CODEX", codex.toString()), prices).orElseThrow().run(task("now say bye", "openai:munero-fake-1", task.env(),
                    r.sessionId(), true, "logs2"), WorkerListener.NONE);

            assertThat(resumed.outcome()).as(resumed.detail()).isEqualTo(WorkerOutcome.FINISHED);
            assertThat(resumed.summary()).isEqualTo("bye");
            assertThat(resumed.sessionId()).isEqualTo(r.sessionId());
        }
    }

    @Test
    void geminiWritesAFileThroughTheStrictGeminiFakeAndItsUsageIsPricedByMunero() throws Exception { // issue 15
        Path gemini = cli("gemini");
        Path table = dir.resolve("models.toml");
        Files.writeString(table, """
                [models."google:gemini-2.5-pro"]
                input = 1.25
                output = 10.0
                cache_write = 1.25
                cache_read = 0.125
                context_window = 1048576
                max_output = 65536
                """);
        ModelTable prices = ModelTable.withUserFile(table);
        String session = UUID.randomUUID().toString();
        try (var server = new FakeGeminiServer("test-key").start()) {
            Path ws = dir.resolve("ws");
            server.expect(RequestCheck.lastUserMessageContains("write hello.txt")
                                    .and(RequestCheck.offersTool("write_file")).and(RequestCheck.streaming(true))
                                    .and(RequestCheck.model("gemini-2.5-pro")),
                            Reply.toolCall("call_1", "write_file", "{\"file_path\":\"" + ws.resolve("hello.txt")
                                    + "\",\"content\":\"hi\\n\"}").usage(1200, 40).cacheTokens(0, 200))
                    .expect(RequestCheck.hasToolResult("call_1", "hello.txt"),
                            Reply.text("Done: wrote hello.txt").usage(1300, 20).reasoningTokens(8));
            List<WorkerEvent> events = new CopyOnWriteArrayList<>();
            WorkerTask task = task("write hello.txt", "google:gemini-2.5-pro", Map.of("GEMINI_API_KEY", "test-key",
                    "GOOGLE_GEMINI_BASE_URL", server.rootUrl()), Optional.of(session), false, "logs1");

            WorkerResult r = Workers.cli("gemini", Map.of("MUNERO_GEMINI", gemini.toString()), prices).orElseThrow()
                    .run(task, events::add);

            assertThat(r.outcome()).as(r.detail()).isEqualTo(WorkerOutcome.FINISHED);
            assertThat(Files.readString(ws.resolve("hello.txt"))).isEqualTo("hi\n");
            assertThat(r.sessionId()).contains(session);
            assertThat(r.summary()).isEqualTo("Done: wrote hello.txt");
            assertThat(r.usage()).isEqualTo(new dev.munero.llm.Usage(2500, 60, 0, 200));
            assertThat(r.costSource()).isEqualTo(CostSource.PRICED);
            assertThat(r.costUsd().getAsDouble()).isCloseTo(prices.find("google", "gemini-2.5-pro").orElseThrow()
                    .cost(r.usage()).getAsDouble(), org.assertj.core.data.Offset.offset(1e-12));
            assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(WorkerEvent.ToolUse.class,
                    t -> assertThat(t.name()).isEqualTo("write_file")));
            assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(WorkerEvent.ToolResult.class,
                    t -> assertThat(t.error()).isFalse()));
            assertThat(Files.readString(r.stdout().orElseThrow())).contains("\"type\":\"result\"");
            server.assertNoFailures();

            server.expect(RequestCheck.hasToolCall("call_1", "write_file", "{\"file_path\":\"" + ws.resolve("hello.txt")
                                    + "\",\"content\":\"hi\\n\"}").and(RequestCheck.lastUserMessageContains("now say bye")),
                    Reply.text("bye").usage(1400, 5));
            WorkerResult resumed = Workers.cli("gemini", Map.of("MUNERO_GEMINI", gemini.toString()), prices)
                    .orElseThrow().run(task("now say bye", "google:gemini-2.5-pro", task.env(), Optional.of(session),
                            true, "logs2"), WorkerListener.NONE);

            assertThat(resumed.outcome()).as(resumed.detail()).isEqualTo(WorkerOutcome.FINISHED);
            assertThat(resumed.summary()).isEqualTo("bye");
            assertThat(resumed.sessionId()).contains(session);
        }
    }
}
