package dev.munero.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.munero.core.events.EventBus;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Usage;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * issue 15: {@code munero run --worker claude-code} with the real Claude Code CLI (installed by {@code .ci/run} into
 * {@code ~/.cache/munero-test/workers}; skipped with a message without it). Munero's planner (the real provider) and
 * Claude Code talk to one strict fake Anthropic server ({@link FakeAnthropicServer#forClaudeCode}), which fails on any
 * request it does not expect.
 */
class CliWorkerRunTest {
    static final String SPEC = "Write a.txt saying hello and b.txt saying world.\n\nAcceptance: both files hold their word.";
    static final Path CLAUDE = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "workers",
            "node_modules", ".bin", "claude");
    private static final String PLAN = "{\"summary\":\"two files\",\"tasks\":["
            + "{\"id\":\"a\",\"description\":\"Write a.txt saying hello\",\"files\":[\"a.txt\"],\"depends_on\":[]},"
            + "{\"id\":\"b\",\"description\":\"Write b.txt saying world\",\"files\":[\"b.txt\"],\"depends_on\":[\"a\"]}],"
            + "\"checks\":[{\"name\":\"words\",\"run\":\"grep -q hello a.txt && grep -q world b.txt\"}]}";
    private static final ModelTable PRICES = ModelTable.builtIn();
    /**
     * The inactivity limit of the hang tests: short, since the fake decides when to stall; long enough that Claude
     * Code's start on a loaded machine is not taken for a hang. No test asserts how soon a hang is seen.
     */
    private static final Duration INACTIVITY = Duration.ofSeconds(5);
    /**
     * What a {@code Reply.stall(2, ...usage(1300, 20))} sends of its usage: the Anthropic fake's {@code message_start}
     * carries the input tokens and {@code min(1, output)} output tokens; the rest never comes.
     */
    private static final Reply.Message STALL_STREAMED = Reply.text("x").usage(1300, 1);

    @TempDir
    Path dir;

    /** Every usage the fake served, to price with Munero's table. */
    private final List<Reply.Message> served = new CopyOnWriteArrayList<>();

    private static void assumeClaude() {
        assumeThat(Files.isExecutable(CLAUDE)).as("Claude Code is not installed in " + CLAUDE.getParent() + ": npm "
                + "install --prefix ~/.cache/munero-test/workers @anthropic-ai/claude-code@2.1.197 (or run .ci/run)")
                .isTrue();
    }

    @Test
    void aRunWithTheClaudeCodeWorkerPlansHandsBothTasksToClaudeCodeAndCountsWhatTheFakeServed() throws Exception {
        assumeClaude();
        RunFixture fx = new RunFixture(dir);
        try (FakeAnthropicServer server = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start();
             Store store = fx.store()) {
            String root = server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
            EventBus bus = new EventBus();
            BuildManager.Prepared prepared = BuildManager.prepare(store, fx.repo, SPEC, "SPEC.md",
                    RunWithWorker.limits(), RunWithWorker.session(RunWithWorker.env(root, dir, CLAUDE), bus));
            Path worktree = fx.repo.resolve(".munero").resolve("worktrees").resolve(prepared.runId());
            expect(server, RequestCheck.any(), Reply.toolCall("toolu_plan", "submit_plan", PLAN).usage(900, 120));
            for (String task : List.of("a", "b")) {
                String file = task + ".txt";
                expect(server, RequestCheck.lastUserMessageContains("Your task (id " + task + ")"),
                        Reply.toolCall("toolu_" + task, "Write", "{\"file_path\":\"" + worktree.resolve(file)
                                + "\",\"content\":\"" + (task.equals("a") ? "hello" : "world") + "\\n\"}")
                                .usage(1200, 40).cacheTokens(300, 0));
                expect(server, RequestCheck.hasToolResult("toolu_" + task, file),
                        Reply.text("Done: wrote " + file).usage(1300, 20).cacheTokens(0, 300));
            }

            BuildManager.Outcome outcome = prepared.run();

            assertThat(server.failures()).isEmpty();
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(prepared.runId(), 0);
            List<JsonNode> finished = payloads(events, "worker_finished");
            assertThat(finished).hasSize(2).allSatisfy(p -> {
                assertThat(p.path("outcome").asString()).isEqualTo("finished");
                assertThat(p.path("cost_source").asString()).isEqualTo("reported");
                assertThat(Files.exists(Path.of(p.path("stdout").asString()))).isTrue();
                assertThat(Files.exists(Path.of(p.path("stderr").asString()))).isTrue();
            });
            List<JsonNode> started = payloads(events, "worker_started");
            assertThat(started).extracting(p -> p.path("task").asString()).containsExactly("a", "b");
            assertThat(started).allSatisfy(p -> assertThat(p.path("session_id").asString()).isNotBlank());
            assertThat(payloads(events, "tool_call")).extracting(p -> p.path("name").asString())
                    .containsExactly("Write", "Write");
            assertThat(payloads(events, "task_finished")).allSatisfy(p -> {
                assertThat(p.path("condition").asString()).isEqualTo("finished");
                assertThat(p.path("tool_calls").asInt()).isEqualTo(1);
            });
            assertThat(payloads(events, "checks_finished").getLast().path("passed").asBoolean()).isTrue();
            double expected = served.stream().mapToDouble(CliWorkerRunTest::price).sum();
            RunMetrics m = RunMetrics.of(events);
            System.out.printf("issue 15: the fake served $%.6f; munero cost shows $%.6f, the run's total $%.6f%n",
                    expected, m.costUsd(), outcome.costUsd());
            assertThat(m.costUsd()).as("munero cost").isCloseTo(expected, Offset.offset(1e-9));
            assertThat(outcome.costUsd()).as("what the budget counted").isCloseTo(expected, Offset.offset(1e-9));
            assertThat(m.costByTask()).containsOnlyKeys("a", "b");
            assertThat(store.openReservations(prepared.runId())).isEmpty();
        }
    }

    @Test
    void aRunKilledWhileClaudeCodeWorksResumesTheCliSessionAndCountsTheKilledPart() throws Exception {
        assumeClaude();
        RunFixture fx = new RunFixture(dir);
        try (FakeAnthropicServer server = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start()) {
            String root = server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
            String java = ProcessHandle.current().info().command().orElse("java");
            Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), RunWithWorker.class.getName(), fx.repo.toString(), root,
                    CLAUDE.toString()).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).as("the child's first line").startsWith("worktree ");
            Path worktree = Path.of(first.substring("worktree ".length()));
            StringBuilder rest = new StringBuilder();
            Thread drain = Thread.ofVirtual().start(() -> out.lines().forEach(l -> rest.append(l).append('\n')));
            expect(server, RequestCheck.any(), Reply.toolCall("toolu_plan", "submit_plan", PLAN).usage(900, 120));
            expect(server, RequestCheck.lastUserMessageContains("Your task (id a)"),
                    Reply.toolCall("toolu_a", "Write", "{\"file_path\":\"" + worktree.resolve("a.txt")
                            + "\",\"content\":\"hello\\n\"}").usage(1200, 40).cacheTokens(300, 0));
            // the call after the write stalls mid-response (message_start sent, then nothing) until Munero is dead
            Reply.Stall held = Reply.stall(2, Reply.text("never delivered").usage(1300, 20));
            server.expect(RequestCheck.hasToolResult("toolu_a", "a.txt"), held);
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            while (!held.awaitStarted(1, TimeUnit.SECONDS)) {
                assertThat(child.isAlive()).as("the child ended before Claude Code's call stalled:%n%s", rest)
                        .isTrue();
            }
            // kill only once the kept stream shows the stalled call's start (the CLI's lines after Munero's death
            // have no reader)
            Path kept = fx.repo.resolve(".munero").resolve("workers");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (count(keptStream(kept), "\"type\":\"message_start\"") < 2) {
                assertThat(child.isAlive()).as("the child ended before the stalled call was streamed:%n%s", rest)
                        .isTrue();
                assertThat(System.nanoTime()).as("Claude Code never printed the stalled call's message_start")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
            String runId;
            String session;
            try {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally; Claude Code is left orphaned
                assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
                try (Store store = fx.store()) {
                    runId = store.runs().getFirst().id();
                    session = payloads(store.events(runId, 0), "worker_started").getFirst().path("session_id")
                            .asString();
                }
            } catch (Throwable t) {
                held.release();
                throw t;
            }
            drain.join();
            assertThat(running(session)).as("Claude Code outlived the killed Munero").isNotEmpty();
            // the held answer is released only once the resumed Munero has killed the orphaned CLI
            Thread releaser = Thread.ofVirtual().start(() -> {
                while (!running(session).isEmpty()) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                held.release();
            });

            // the resumed session: the plan from the store, task a's CLI session resumed with its history, then b
            // (the worktree went back to the last checkpoint, so the resumed session is told to redo what is missing)
            expect(server, RequestCheck.hasToolResult("toolu_a", "a.txt")
                    .and(RequestCheck.lastUserMessageContains("reset the working tree to its last checkpoint")),
                    Reply.toolCall("toolu_a2", "Write", "{\"file_path\":\"" + worktree.resolve("a.txt")
                            + "\",\"content\":\"hello\\n\"}").usage(1500, 40).cacheTokens(0, 300));
            expect(server, RequestCheck.hasToolResult("toolu_a2", "a.txt"), Reply.text("Done: wrote a.txt again")
                    .usage(1600, 15).cacheTokens(0, 300));
            expect(server, RequestCheck.lastUserMessageContains("Your task (id b)"),
                    Reply.toolCall("toolu_b", "Write", "{\"file_path\":\"" + worktree.resolve("b.txt")
                            + "\",\"content\":\"world\\n\"}").usage(1200, 40));
            expect(server, RequestCheck.hasToolResult("toolu_b", "b.txt"), Reply.text("Done: wrote b.txt")
                    .usage(1300, 20));
            try (Store store = fx.store()) {
                BuildManager.Outcome done = BuildManager.resume(store, runId, l -> l,
                        RunWithWorker.session(RunWithWorker.env(root, dir, CLAUDE), new EventBus()));

                assertThat(done.status()).as(done.message() + "\n" + rest).isEqualTo(BuildManager.Status.COMPLETED);
                assertThat(server.failures()).isEmpty();
                List<StoredEvent> events = store.events(runId, 0);
                List<JsonNode> started = payloads(events, "worker_started");
                assertThat(started).hasSize(3);
                assertThat(started.get(1).path("resume").asBoolean()).as("task a's second attempt resumes").isTrue();
                assertThat(started.get(1).path("session_id").asString()).isEqualTo(session);
                assertThat(started.get(1).path("home").asString()).isEqualTo(started.get(0).path("home").asString());
                JsonNode killed = payloads(events, "worker_finished").getFirst();
                assertThat(killed.path("outcome").asString()).isEqualTo("interrupted");
                // the killed part, read back from the kept stream: the write call whole (its message_delta's 40
                // output tokens), and the stalled call as far as it streamed (its message_start: 1300 input tokens
                // and 1 output token)
                assertThat(killed.path("input_tokens").asLong()).isEqualTo(1200 + 1300);
                assertThat(killed.path("output_tokens").asLong()).isEqualTo(40 + 1);
                assertThat(killed.path("cache_write_tokens").asLong()).isEqualTo(300);
                double killedPart = price(Reply.text("x").usage(1200, 40).cacheTokens(300, 0)) + price(STALL_STREAMED);
                assertThat(killed.path("cost_usd").asDouble()).isCloseTo(killedPart, Offset.offset(1e-9));
                // everything the fake served across both parts, the stalled call at what it sent
                double expected = this.served.stream().mapToDouble(CliWorkerRunTest::price).sum()
                        + price(STALL_STREAMED);
                RunMetrics m = RunMetrics.of(events);
                System.out.printf("issue 15: after kill -9 and resume the run counts $%.6f (the killed worker part "
                        + "$%.6f); the fake served $%.6f%n", m.costUsd(), killed.path("cost_usd").asDouble(), expected);
                assertThat(m.costUsd()).as("munero cost").isCloseTo(expected, Offset.offset(1e-9));
                assertThat(done.costUsd()).isCloseTo(expected, Offset.offset(1e-9));
                assertThat(store.openReservations(runId)).isEmpty();
                assertThat(killed.path("detail").asString()).contains("outlived Munero and was killed");
            } finally {
                releaser.interrupt();
                running(session).forEach(ProcessHandle::destroyForcibly);
                held.release();
            }
        }
    }

    @Test
    void aClaudeCodeWorkerWhoseStreamStallsIsRecordedAsHungAndTriedOnceMoreResumingItsSession() throws Exception {
        // issue 15: the fake holds Claude Code's second call open after message_start; the inactivity watchdog
        // (run: workers: inactivity, short here because the fake decides when to stall) kills it
        assumeClaude();
        RunFixture fx = new RunFixture(dir);
        try (FakeAnthropicServer server = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start();
             Store store = fx.store()) {
            String root = server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
            BuildManager.Prepared prepared = BuildManager.prepare(store, fx.repo, SPEC, "SPEC.md",
                    RunWithWorker.limits().withWorkerTimes(INACTIVITY, Duration.ofSeconds(10)),
                    RunWithWorker.session(RunWithWorker.env(root, dir, CLAUDE), new EventBus()));
            Path worktree = fx.repo.resolve(".munero").resolve("worktrees").resolve(prepared.runId());
            expect(server, RequestCheck.any(), Reply.toolCall("toolu_plan", "submit_plan", PLAN).usage(900, 120));
            expect(server, RequestCheck.lastUserMessageContains("Your task (id a)"), write(worktree, "a", "hello")
                    .usage(1200, 40).cacheTokens(300, 0));
            Reply.Stall stall = Reply.stall(2, Reply.text("never delivered").usage(1300, 20));
            server.expect(RequestCheck.hasToolResult("toolu_a", "a.txt"), stall);
            expect(server, RequestCheck.hasToolResult("toolu_a", "a.txt")
                    .and(RequestCheck.lastUserMessageContains("stopped responding")),
                    Reply.text("Done: a.txt holds hello").usage(1400, 10).cacheTokens(0, 300));
            expect(server, RequestCheck.lastUserMessageContains("Your task (id b)"), write(worktree, "b", "world")
                    .usage(1200, 40));
            expect(server, RequestCheck.hasToolResult("toolu_b", "b.txt"), Reply.text("Done: wrote b.txt")
                    .usage(1300, 20));

            BuildManager.Outcome outcome = prepared.run();

            assertThat(server.failures()).isEmpty();
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(prepared.runId(), 0);
            List<JsonNode> started = payloads(events, "worker_started");
            assertThat(started).extracting(p -> p.path("task").asString()).containsExactly("a", "a", "b");
            assertThat(started.get(1).path("resume").asBoolean()).as("the retry resumes the session").isTrue();
            assertThat(started.get(1).path("session_id").asString()).isEqualTo(started.get(0).path("session_id")
                    .asString());
            List<JsonNode> finished = payloads(events, "worker_finished");
            assertThat(finished).extracting(p -> p.path("outcome").asString())
                    .containsExactly("hung", "finished", "finished");
            assertThat(finished.getFirst().path("detail").asString()).startsWith("no event for 5 s");
            assertThat(finished.getFirst().path("input_tokens").asLong()).as("the hung attempt's calls, the stalled "
                    + "one as far as it streamed").isEqualTo(1200 + 1300);
            assertThat(payloads(events, "task_finished")).extracting(p -> p.path("condition").asString())
                    .containsExactly("finished", "finished");
            double expected = served.stream().mapToDouble(CliWorkerRunTest::price).sum() + price(STALL_STREAMED);
            assertThat(RunMetrics.of(events).costUsd()).as("munero cost").isCloseTo(expected, Offset.offset(1e-9));
            assertThat(store.openReservations(prepared.runId())).isEmpty();
        }
    }

    @Test
    void aClaudeCodeWorkerThatHangsTwiceEndsItsTaskWithTheHangAndTheChecksDecide() throws Exception { // issue 15
        assumeClaude();
        RunFixture fx = new RunFixture(dir);
        String plan = "{\"summary\":\"one file\",\"tasks\":[{\"id\":\"a\",\"description\":\"Write a.txt saying "
                + "hello and bye\",\"files\":[\"a.txt\"],\"depends_on\":[]}],\"checks\":[{\"name\":\"words\","
                + "\"run\":\"grep -q hello a.txt && grep -q bye a.txt\"}]}";
        try (FakeAnthropicServer server = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start();
             Store store = fx.store()) {
            String root = server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
            RunLimits limits = new RunLimits(java.util.OptionalDouble.of(5.0), Duration.ofMinutes(30), 1, 1, 20, 4000,
                    dev.munero.agent.safety.PermissionMode.AUTO_EDIT, List.of()).withWorker("claude-code")
                    .withWorkerTimes(INACTIVITY, Duration.ofSeconds(10));
            BuildManager.Prepared prepared = BuildManager.prepare(store, fx.repo, SPEC, "SPEC.md", limits,
                    RunWithWorker.session(RunWithWorker.env(root, dir, CLAUDE), new EventBus()));
            Path worktree = fx.repo.resolve(".munero").resolve("worktrees").resolve(prepared.runId());
            expect(server, RequestCheck.any(), Reply.toolCall("toolu_plan", "submit_plan", plan).usage(900, 120));
            expect(server, RequestCheck.lastUserMessageContains("Your task (id a)"), write(worktree, "a", "hello")
                    .usage(1200, 40));
            Reply.Stall first = Reply.stall(2, Reply.text("never delivered").usage(1300, 20));
            Reply.Stall second = Reply.stall(2, Reply.text("never delivered either").usage(1300, 20));
            server.expect(RequestCheck.hasToolResult("toolu_a", "a.txt"), first);
            server.expect(RequestCheck.hasToolResult("toolu_a", "a.txt")
                    .and(RequestCheck.lastUserMessageContains("stopped responding")), second);

            BuildManager.Outcome outcome = prepared.run();

            assertThat(server.failures()).isEmpty();
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.FAILED);
            assertThat(outcome.message()).contains("the checks still fail after 1 iteration");
            List<StoredEvent> events = store.events(prepared.runId(), 0);
            assertThat(payloads(events, "worker_finished")).extracting(p -> p.path("outcome").asString())
                    .containsExactly("hung", "hung");
            JsonNode task = payloads(events, "task_finished").getFirst();
            assertThat(task.path("condition").asString()).isEqualTo("timeout");
            assertThat(task.path("summary").asString()).startsWith("hung again after a retry: no event for 5 s");
            double expected = served.stream().mapToDouble(CliWorkerRunTest::price).sum() + 2 * price(STALL_STREAMED);
            assertThat(RunMetrics.of(events).costUsd()).as("munero cost").isCloseTo(expected, Offset.offset(1e-9));
            assertThat(store.openReservations(prepared.runId())).isEmpty();
        }
    }

    private static Reply.Message write(Path worktree, String task, String word) {
        return Reply.toolCall("toolu_" + task, "Write", "{\"file_path\":\"" + worktree.resolve(task + ".txt")
                + "\",\"content\":\"" + word + "\\n\"}");
    }

    private void expect(FakeAnthropicServer server, RequestCheck check, Reply.Message reply) {
        served.add(reply);
        server.expect(check, reply);
    }

    /** The kept {@code stdout.jsonl} of the first worker attempt under {@code workers}, "" until it exists. */
    private static String keptStream(Path workers) throws java.io.IOException {
        if (!Files.isDirectory(workers)) {
            return "";
        }
        try (var files = Files.walk(workers)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().equals("stdout.jsonl")).toList();
            return found.isEmpty() ? "" : Files.readString(found.getFirst());
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** The processes whose command line names {@code session} (the Claude Code this test's child started). */
    private static List<ProcessHandle> running(String session) {
        return ProcessHandle.allProcesses().filter(p -> p.isAlive() && p.info().arguments()
                .map(a -> List.of(a).contains(session)).orElse(false)).toList();
    }

    private static double price(Reply.Message reply) {
        var u = reply.usage();
        return PRICES.lookup(ModelRef.parse("anthropic:claude-sonnet-4-6")).cost(new Usage(u.inputTokens(),
                u.outputTokens(), u.cacheWriteTokens(), u.cacheReadTokens())).getAsDouble();
    }

    private static List<JsonNode> payloads(List<StoredEvent> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(e -> (JsonNode) e.payload()).toList();
    }
}
