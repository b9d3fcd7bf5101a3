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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
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
            // the call after the write is held until Munero is dead: it never reaches Claude Code's stream
            Reply.Message held = Reply.text("never delivered").usage(1300, 20);
            server.expect(RequestCheck.hasToolResult("toolu_a", "a.txt").and(r -> {
                arrived.countDown();
                release.await();
            }), held);
            try (OutputStream in = child.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            while (!arrived.await(1, TimeUnit.SECONDS)) {
                assertThat(child.isAlive()).as("the child ended before Claude Code's call was held:%n%s", rest)
                        .isTrue();
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
                release.countDown();
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
                release.countDown();
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
                // the killed part: the write call, as Claude Code's stream showed it before the kill: input and cache
                // tokens exact; output tokens as of the message's start (Claude Code's assistant events carry the
                // usage of message_start; the final count comes only in its result, which a killed run never sees)
                assertThat(killed.path("input_tokens").asLong()).isEqualTo(1200);
                assertThat(killed.path("cache_write_tokens").asLong()).isEqualTo(300);
                long streamedOutput = killed.path("output_tokens").asLong();
                assertThat(streamedOutput).isBetween(1L, 40L);
                double writeCall = price(Reply.toolCall("x", "Write", "{}").usage(1200, 40).cacheTokens(300, 0));
                double killedPart = price(Reply.toolCall("x", "Write", "{}").usage(1200, streamedOutput)
                        .cacheTokens(300, 0));
                assertThat(killed.path("cost_usd").asDouble()).isCloseTo(killedPart, Offset.offset(1e-9));
                // everything the fake served, but for the output tokens the stream had not shown yet; the held call
                // never reached the CLI's stream
                double served = this.served.stream().mapToDouble(CliWorkerRunTest::price).sum();
                double expected = served - (writeCall - killedPart);
                RunMetrics m = RunMetrics.of(events);
                System.out.printf("issue 15: after kill -9 and resume the run counts $%.6f; the fake served $%.6f "
                        + "and billed $%.6f more for the call held at the kill%n", m.costUsd(), served, price(held));
                assertThat(m.costUsd()).isCloseTo(expected, Offset.offset(1e-9));
                assertThat(done.costUsd()).isCloseTo(expected, Offset.offset(1e-9));
                assertThat(store.openReservations(runId)).isEmpty();
                assertThat(killed.path("detail").asString()).contains("outlived Munero and was killed");
            } finally {
                releaser.interrupt();
                running(session).forEach(ProcessHandle::destroyForcibly);
                release.countDown();
            }
        }
    }

    private void expect(FakeAnthropicServer server, RequestCheck check, Reply.Message reply) {
        served.add(reply);
        server.expect(check, reply);
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
