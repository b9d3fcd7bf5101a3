package dev.munero.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.munero.agent.mcp.McpServerSpec;
import dev.munero.core.events.EventBus;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Usage;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.FakeOpenAiResponsesServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * issue 15, the parts {@link CliWorkerRunTest} leaves out: {@code munero run --worker codex} (the real Codex CLI
 * against the strict Responses fake, its usage priced with Munero's table, and an unpriced model said clearly), two
 * Claude Code workers at once ({@code --agents 2}), and the run's MCP servers handed to Claude Code. The planner and
 * reflection go through Munero's real Anthropic provider to a strict fake Anthropic server, as in
 * {@link CliWorkerRunTest}. Skipped with a message when a CLI (or the npm MCP server) is not installed.
 */
class CliWorkerRunsTest {
    private static final Path BIN = CliWorkerRunTest.CLAUDE.getParent();
    private static final Path CODEX = BIN.resolve("codex");
    private static final Path MEMORY_SERVER = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "mcp",
            "node_modules", ".bin", "mcp-server-memory");
    /** Two independent tasks: with two agents both start at once. */
    private static final String PARALLEL_PLAN = "{\"summary\":\"two files\",\"tasks\":["
            + "{\"id\":\"a\",\"description\":\"Write a.txt saying hello\",\"files\":[\"a.txt\"],\"depends_on\":[]},"
            + "{\"id\":\"b\",\"description\":\"Write b.txt saying world\",\"files\":[\"b.txt\"],\"depends_on\":[]}],"
            + "\"checks\":[{\"name\":\"words\",\"run\":\"grep -q hello a.txt && grep -q world b.txt\"}]}";
    private static final String SERIAL_PLAN = PARALLEL_PLAN.replace("\"depends_on\":[]}],", "\"depends_on\":[\"a\"]}],");
    /** The serial plan for a repository with agent profiles, which asks each task's role and skills. */
    private static final String PROFILED_PLAN = SERIAL_PLAN.replace("\"description\"", "\"role\":\"coder\",\"skills\":[],"
            + "\"description\"");
    private static final String FAKE_CODEX_MODEL = "openai:munero-fake-1";

    @TempDir
    Path dir;

    private static void assumeInstalled(Path exe) {
        assumeThat(Files.isExecutable(exe)).as(exe.getFileName() + " is not installed in " + exe.getParent()
                + ": npm install --prefix ~/.cache/munero-test/workers @anthropic-ai/claude-code@2.1.197 "
                + "@openai/codex@0.171.0 (or run .ci/run)").isTrue();
    }

    private static String root(FakeAnthropicServer server) {
        return server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
    }

    /** The repository with {@code munero.yaml} naming the coder profile's model (committed, as a user's would be). */
    private static void profileModel(RunFixture fx, String model) throws Exception {
        Files.writeString(fx.repo.resolve("munero.yaml"), "steps:\n  - name: test\n    command: [\"true\"]\nagents:\n  - name: coder\n    role: coder\n    model: "
                + model + "\n", StandardCharsets.UTF_8);
        RunFixture.git(fx.repo, "add", "munero.yaml");
        RunFixture.git(fx.repo, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "-m",
                "munero.yaml");
    }

    /** The user's model table ({@code ~/.config/munero/models.toml} of the run's environment) with the fake model. */
    private void userPrice(String model) throws Exception {
        Path file = dir.resolve(".config").resolve("munero").resolve("models.toml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "[models.\"" + model + "\"]\ninput = 1.25\noutput = 10.0\ncache_write = 1.25\n"
                + "cache_read = 0.125\ncontext_window = 400000\nmax_output = 128000\n", StandardCharsets.UTF_8);
    }

    private BuildManager.Prepared prepare(Store store, RunFixture fx, Map<String, String> env, RunLimits limits,
                                          List<McpServerSpec> mcp) throws Exception {
        return BuildManager.prepare(store, fx.repo, CliWorkerRunTest.SPEC, "SPEC.md", limits,
                RunWithWorker.session(env, new EventBus()).withMcpServers(mcp));
    }

    private static RunLimits limits(String worker, int agents, OptionalDouble budget) {
        return new RunLimits(budget, Duration.ofMinutes(30), 3, agents, 20, 4000,
                dev.munero.agent.safety.PermissionMode.AUTO_EDIT, List.of()).withWorker(worker);
    }

    /** The exec_command call that writes {@code file}, then Codex's closing message, for task {@code id}. */
    private static void codexWrites(FakeOpenAiResponsesServer codex, String id, String file, String word) {
        codex.expect(RequestCheck.lastUserMessageContains("Your task (id " + id + ")")
                        .and(RequestCheck.offersTool("exec_command")),
                Reply.toolCall("call_" + id, "exec_command", "{\"cmd\":\"printf '" + word + "\\\\n' > " + file + "\"}")
                        .usage(900, 30).cacheTokens(0, 100));
        codex.expect(RequestCheck.hasToolResult("call_" + id, ""),
                Reply.text("Done: wrote " + file).usage(1000, 10).cacheTokens(0, 200));
    }

    @Test
    void aRunWithTheCodexWorkerHandsBothTasksToCodexAndPricesItsUsageWithMunerosTable() throws Exception {
        assumeInstalled(CODEX);
        RunFixture fx = new RunFixture(dir);
        profileModel(fx, FAKE_CODEX_MODEL);
        userPrice(FAKE_CODEX_MODEL);
        try (FakeAnthropicServer planner = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start();
             FakeOpenAiResponsesServer codex = new FakeOpenAiResponsesServer(RunWithWorker.KEY).start();
             Store store = fx.store()) {
            Map<String, String> env = new java.util.HashMap<>(RunWithWorker.env(root(planner), dir,
                    CliWorkerRunTest.CLAUDE));
            env.put("OPENAI_API_KEY", RunWithWorker.KEY);
            env.put("OPENAI_BASE_URL", codex.baseUrl());
            env.put("MUNERO_CODEX", CODEX.toString());
            Reply.Message plan = Reply.toolCall("toolu_plan", "submit_plan", PROFILED_PLAN).usage(900, 120);
            planner.expect(RequestCheck.any(), plan);
            codexWrites(codex, "a", "a.txt", "hello");
            codexWrites(codex, "b", "b.txt", "world");

            BuildManager.Prepared prepared = prepare(store, fx, env, limits("codex", 1, OptionalDouble.of(5.0)),
                    List.of());
            BuildManager.Outcome outcome = prepared.run();

            List<StoredEvent> events = store.events(prepared.runId(), 0);
            assertThat(outcome.status()).as("%s%n%s", outcome.message(), dump(events))
                    .isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(planner.failures()).isEmpty();
            assertThat(codex.failures()).isEmpty();
            List<JsonNode> started = payloads(events, "worker_started");
            assertThat(started).extracting(p -> p.path("worker").asString()).containsExactly("codex", "codex");
            assertThat(started).allSatisfy(p -> assertThat(p.path("model").asString()).isEqualTo(FAKE_CODEX_MODEL));
            // Codex chooses its session id; Munero records it from the stream and could resume it
            assertThat(payloads(events, "worker_session")).hasSize(2)
                    .allSatisfy(p -> assertThat(p.path("session_id").asString()).isNotBlank());
            List<JsonNode> finished = payloads(events, "worker_finished");
            ModelTable prices = ModelTable.withUserFile(dir.resolve(".config/munero/models.toml"));
            double codexExpected = prices.lookup(ModelRef.parse(FAKE_CODEX_MODEL)).cost(new Usage(1900, 40, 0,
                    300)).getAsDouble();
            assertThat(finished).hasSize(2).allSatisfy(p -> {
                assertThat(p.path("outcome").asString()).isEqualTo("finished");
                assertThat(p.path("cost_source").asString()).isEqualTo("priced");
                assertThat(p.path("cost_usd").asDouble()).isCloseTo(codexExpected, Offset.offset(1e-12));
            });
            assertThat(payloads(events, "tool_call")).extracting(p -> p.path("name").asString())
                    .containsExactly("command_execution", "command_execution");
            assertThat(payloads(events, "checks_finished").getLast().path("passed").asBoolean()).isTrue();
            double plannerCost = ModelTable.builtIn().lookup(RunWithProvider.MODEL).cost(new Usage(900, 120, 0, 0))
                    .getAsDouble();
            RunMetrics m = RunMetrics.of(events);
            System.out.printf("issue 15: munero run --worker codex: Codex's usage priced $%.6f per task; munero cost "
                    + "shows $%.6f%n", codexExpected, m.costUsd());
            assertThat(m.costUsd()).as("munero cost").isCloseTo(plannerCost + 2 * codexExpected, Offset.offset(1e-9));
            assertThat(outcome.costUsd()).isCloseTo(plannerCost + 2 * codexExpected, Offset.offset(1e-9));
            assertThat(m.costByTask()).containsOnlyKeys("a", "b");
            assertThat(m.unpricedCalls()).isZero();
            assertThat(store.openReservations(prepared.runId())).isEmpty();
        }
    }

    @Test
    void aCodexModelMuneroCannotPriceIsSaidAndWithABudgetTheTaskDoesNotStart() throws Exception {
        assumeInstalled(CODEX);
        RunFixture fx = new RunFixture(dir);
        profileModel(fx, "openai:munero-unpriced-1");
        try (FakeAnthropicServer planner = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start();
             FakeOpenAiResponsesServer codex = new FakeOpenAiResponsesServer(RunWithWorker.KEY).start();
             Store store = fx.store()) {
            Map<String, String> env = new java.util.HashMap<>(RunWithWorker.env(root(planner), dir,
                    CliWorkerRunTest.CLAUDE));
            env.put("OPENAI_API_KEY", RunWithWorker.KEY);
            env.put("OPENAI_BASE_URL", codex.baseUrl());
            env.put("MUNERO_CODEX", CODEX.toString());
            planner.expect(RequestCheck.any(), Reply.toolCall("toolu_plan", "submit_plan", PROFILED_PLAN)
                    .usage(900, 120));

            // with a budget: refused before Codex starts, since nothing could stop it at the budget
            BuildManager.Prepared budgeted = prepare(store, fx, env, limits("codex", 1, OptionalDouble.of(5.0)),
                    List.of());
            BuildManager.Outcome refused = budgeted.run();

            assertThat(refused.status()).isNotEqualTo(BuildManager.Status.COMPLETED);
            assertThat(refused.message()).contains("openai:munero-unpriced-1", "no price", "models.toml",
                    "without a budget");
            assertThat(codex.requests()).isEmpty();
            assertThat(payloads(store.events(budgeted.runId(), 0), "worker_started")).isEmpty();

            // without a budget: Codex works, and its attempts say the cost is unknown and why
            planner.expect(RequestCheck.any(), Reply.toolCall("toolu_plan", "submit_plan", PROFILED_PLAN)
                    .usage(900, 120));
            codexWrites(codex, "a", "a.txt", "hello");
            codexWrites(codex, "b", "b.txt", "world");
            RunFixture other = new RunFixture(dir.resolve("other"));
            profileModel(other, "openai:munero-unpriced-1");
            BuildManager.Prepared open;
            BuildManager.Outcome outcome;
            List<StoredEvent> events;
            try (Store second = other.store()) {
                open = prepare(second, other, env, limits("codex", 1, OptionalDouble.empty()), List.of());
                outcome = open.run();
                events = second.events(open.runId(), 0);
            }

            assertThat(planner.failures()).isEmpty();
            assertThat(codex.failures()).isEmpty();
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(payloads(events, "worker_finished")).hasSize(2).allSatisfy(p -> {
                assertThat(p.path("cost_source").asString()).isEqualTo("unpriced");
                assertThat(p.path("cost_usd").isNull() || p.path("cost_usd").isMissingNode()).isTrue();
                assertThat(p.path("input_tokens").asLong()).isEqualTo(1900);
                assertThat(p.path("detail").asString()).contains("cost unknown", "openai:munero-unpriced-1",
                        "models.toml");
            });
            RunMetrics m = RunMetrics.of(events);
            assertThat(m.unpricedCalls()).isEqualTo(2);
        }
    }

    @Test
    void withTwoAgentsTwoClaudeCodeWorkersRunAtOnceEachInItsOwnWorktreeHomeAndSession() throws Exception {
        assumeInstalled(CliWorkerRunTest.CLAUDE);
        RunFixture fx = new RunFixture(dir);
        CountDownLatch both = new CountDownLatch(2);
        // each task's Claude Code talks to a fake of its own (a wrapper picks it by the task's worktree), so each
        // fake's script stays in order while both run; the first request of each waits until the other's came
        try (FakeAnthropicServer main = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start();
             FakeAnthropicServer second = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start();
             Store store = fx.store()) {
            Path wrapper = dir.resolve("bin").resolve("claude");
            Files.createDirectories(wrapper.getParent());
            Files.writeString(wrapper, "#!/bin/sh\ncase \"$(pwd)\" in\n  *-b-1) ANTHROPIC_BASE_URL='" + root(second)
                    + "'; export ANTHROPIC_BASE_URL;;\nesac\nexec '" + CliWorkerRunTest.CLAUDE + "' \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, String> env = RunWithWorker.env(root(main), dir, wrapper);
            BuildManager.Prepared prepared = prepare(store, fx, env, limits("claude-code", 2, OptionalDouble.of(5.0)),
                    List.of());
            Path worktrees = fx.repo.resolve(".munero").resolve("worktrees");
            Reply.Message plan = Reply.toolCall("toolu_plan", "submit_plan", PARALLEL_PLAN).usage(900, 120);
            main.expect(RequestCheck.any(), plan);
            List<Reply.Message> served = new java.util.ArrayList<>(List.of(plan));
            for (String task : List.of("a", "b")) {
                FakeAnthropicServer server = task.equals("a") ? main : second;
                String file = task + ".txt";
                Path path = worktrees.resolve(prepared.runId() + "-" + task + "-1").resolve(file);
                Reply.Message write = Reply.toolCall("toolu_" + task, "Write", "{\"file_path\":\"" + path
                        + "\",\"content\":\"" + (task.equals("a") ? "hello" : "world") + "\\n\"}").usage(1200, 40);
                Reply.Message done = Reply.text("Done: wrote " + file).usage(1300, 20);
                server.expect(RequestCheck.lastUserMessageContains("Your task (id " + task + ")").and(r -> {
                    both.countDown();
                    assertThat(both.await(5, TimeUnit.MINUTES)).as("the other task's Claude Code asked too").isTrue();
                }), write);
                server.expect(RequestCheck.hasToolResult("toolu_" + task, file), done);
                served.addAll(List.of(write, done));
            }

            BuildManager.Outcome outcome = prepared.run();

            assertThat(main.failures()).isEmpty();
            assertThat(second.failures()).isEmpty();
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(prepared.runId(), 0);
            List<JsonNode> started = payloads(events, "worker_started");
            assertThat(started).extracting(p -> p.path("task").asString()).containsExactlyInAnyOrder("a", "b");
            assertThat(started).extracting(p -> p.path("session_id").asString()).doesNotHaveDuplicates();
            assertThat(started).extracting(p -> p.path("home").asString()).doesNotHaveDuplicates();
            // each its own share of what was left after the plan: half for the first, half of the rest for the second
            double left = 5.0 - cost(plan);
            assertThat(started).extracting(p -> p.path("reserved_usd").asDouble()).usingComparatorForType(
                    (x, y) -> Math.abs(x - y) < 1e-9 ? 0 : Double.compare(x, y), Double.class)
                    .containsExactlyInAnyOrder(left / 2, left / 4);
            // both started before either finished
            int lastStart = Math.max(index(events, "worker_started", 0), index(events, "worker_started", 1));
            assertThat(lastStart).isLessThan(index(events, "worker_finished", 0));
            assertThat(payloads(events, "task_started")).extracting(p -> p.path("workspace").asString())
                    .allSatisfy(d -> assertThat(d).contains(prepared.runId() + "-"))
                    .doesNotHaveDuplicates();
            assertThat(payloads(events, "task_finished")).hasSize(2)
                    .allSatisfy(p -> assertThat(p.path("commit").asString()).isNotBlank());
            String branch = outcome.branch();
            assertThat(RunFixture.gitOutput(fx.repo, "show", branch + ":a.txt")).isEqualTo("hello");
            assertThat(RunFixture.gitOutput(fx.repo, "show", branch + ":b.txt")).isEqualTo("world");
            assertThat(payloads(events, "checks_finished").getLast().path("passed").asBoolean()).isTrue();
            double expected = served.stream().mapToDouble(CliWorkerRunsTest::cost).sum();
            RunMetrics m = RunMetrics.of(events);
            assertThat(m.costUsd()).as("munero cost").isCloseTo(expected, Offset.offset(1e-9));
            assertThat(outcome.costUsd()).isCloseTo(expected, Offset.offset(1e-9));
            assertThat(m.costByTask().keySet()).containsExactlyInAnyOrder("a", "b");
            assertThat(store.openReservations(prepared.runId())).isEmpty();
        }
    }

    @Test
    void theRunsMcpServersAreHandedToClaudeCodeWhichOffersTheirToolsToTheModel() throws Exception {
        assumeInstalled(CliWorkerRunTest.CLAUDE);
        assumeThat(Files.isExecutable(MEMORY_SERVER)).as("@modelcontextprotocol/server-memory is not installed at "
                + MEMORY_SERVER + ": npm install --prefix ~/.cache/munero-test/mcp "
                + "@modelcontextprotocol/server-memory@2026.8.31 (or run .ci/run)").isTrue();
        RunFixture fx = new RunFixture(dir);
        Path memoryFile = dir.resolve("memory.jsonl");
        McpServerSpec memory = McpServerSpec.stdio("memory", MEMORY_SERVER.toString(), List.of(),
                Map.of("MEMORY_FILE_PATH", "${MEMORY_DIR}/memory.jsonl"));
        try (FakeAnthropicServer server = FakeAnthropicServer.forClaudeCode(RunWithWorker.KEY).start();
             Store store = fx.store()) {
            Map<String, String> env = new java.util.HashMap<>(RunWithWorker.env(root(server), dir,
                    CliWorkerRunTest.CLAUDE));
            env.put("MEMORY_DIR", dir.toString());
            BuildManager.Prepared prepared = prepare(store, fx, env, limits("claude-code", 1, OptionalDouble.of(5.0)),
                    List.of(memory));
            Path worktree = fx.repo.resolve(".munero").resolve("worktrees").resolve(prepared.runId());
            server.expect(RequestCheck.any(), Reply.toolCall("toolu_plan", "submit_plan", SERIAL_PLAN)
                    .usage(900, 120));
            for (String task : List.of("a", "b")) {
                String file = task + ".txt";
                server.expect(RequestCheck.lastUserMessageContains("Your task (id " + task + ")")
                                .and(RequestCheck.offersTool("mcp__memory__create_entities"))
                                .and(RequestCheck.offersTool("mcp__memory__read_graph")),
                        Reply.toolCall("toolu_" + task, "Write", "{\"file_path\":\"" + worktree.resolve(file)
                                + "\",\"content\":\"" + (task.equals("a") ? "hello" : "world") + "\\n\"}")
                                .usage(1200, 40));
                server.expect(RequestCheck.hasToolResult("toolu_" + task, file), Reply.text("Done: wrote " + file)
                        .usage(1300, 20));
            }

            BuildManager.Outcome outcome = prepared.run();

            assertThat(server.failures()).isEmpty();
            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            List<StoredEvent> events = store.events(prepared.runId(), 0);
            JsonNode first = payloads(events, "worker_started").getFirst();
            Path config = Path.of(first.path("home").asString()).resolve("munero-mcp.json");
            String written = Files.readString(config);
            assertThat(written).contains("\"memory\"", MEMORY_SERVER.toString(), memoryFile.toString())
                    .doesNotContain("${MEMORY_DIR}");
            assertThat(payloads(events, "mcp_status").getFirst().path("status").asString()).isEqualTo("ready");
        }
    }

    /** What {@code reply} costs at Munero's price of the run's model. */
    private static double cost(Reply.Message reply) {
        var u = reply.usage();
        return ModelTable.builtIn().lookup(RunWithProvider.MODEL).cost(new Usage(u.inputTokens(), u.outputTokens(),
                u.cacheWriteTokens(), u.cacheReadTokens())).getAsDouble();
    }

    /** The worker and task events of a run, for a failed assertion's message. */
    private static String dump(List<StoredEvent> events) {
        StringBuilder out = new StringBuilder();
        for (StoredEvent e : events) {
            if (e.type().startsWith("worker_") || e.type().startsWith("task_") || e.type().equals("tool_call")) {
                out.append(e.type()).append(' ').append(e.payload()).append('\n');
            }
        }
        return out.toString();
    }

    private static int index(List<StoredEvent> events, String type, int nth) {
        int seen = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).type().equals(type) && seen++ == nth) {
                return i;
            }
        }
        throw new AssertionError("no " + type + " #" + nth);
    }

    private static List<JsonNode> payloads(List<StoredEvent> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).map(e -> (JsonNode) e.payload()).toList();
    }
}
