package dev.munero.core.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.safety.SandboxMode;
import dev.munero.core.BuildManager;
import dev.munero.core.ExampleRepos;
import dev.munero.core.config.RunSettings;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvent;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StopReason;
import dev.munero.llm.StreamListener;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.Usage;
import dev.munero.llm.UserConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code munero run} with MCP servers (issue 13), in process, on the bundled example as a user's repository: the
 * session is made as {@code munero run} makes it ({@link RunSessions}: settings, limits, {@code mcpServers} from
 * {@code munero.yaml}), with a scripted model. The server is the real {@code @modelcontextprotocol/server-filesystem}
 * from npm ({@code .ci/run} installs it into {@code ~/.cache/munero-test/mcp}); the test is skipped without it.
 */
class McpRunTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path FILESYSTEM_SERVER = Path.of(System.getProperty("user.home"),
            ".cache/munero-test/mcp/node_modules/.bin/mcp-server-filesystem");
    private static final String FACT = "the answer is 42, said the MCP server";

    @TempDir
    Path tmp;

    @Test
    void anAgentReadsAFileThroughTheFilesystemServerAndUsesItAndAKilledServerIsRestarted() throws Exception {
        Path repo = repoWithFilesystemServer(true);

        EventBus bus = new EventBus();
        List<RunEvent> seen = new CopyOnWriteArrayList<>();
        CountDownLatch restarted = new CountDownLatch(1);
        bus.subscribe(e -> {
            seen.add(e);
            if (e instanceof RunEvent.McpStatus m && "change".equals(m.cause()) && m.servers().stream()
                    .anyMatch(s -> s.state().equals("up") && s.restarts() >= 1)) {
                restarted.countDown();
            }
        });
        AtomicInteger killed = new AtomicInteger();
        ScriptedModel model = new ScriptedModel("""
                {"summary":"copy the fact the MCP server reads",
                 "tasks":[{"id":"copy","description":"Read FACT.txt with the fs MCP server and write it to COPIED.txt",
                           "files":["COPIED.txt"],"depends_on":[]}],
                 "checks":[{"name":"copied","run":"grep -q 'the answer is 42' COPIED.txt"}]}""", List.of(
                request -> call("mcp__fs__read_text_file", "{\"path\":\"FACT.txt\"}"),
                request -> { // the server dies mid-run; the hub restarts it, and the agent reads again
                    killed.set(killServer());
                    await(restarted);
                    return call("mcp__fs__read_text_file", "{\"path\":\"FACT.txt\"}");
                },
                request -> call("write_file", JSON.createObjectNode().put("path", "COPIED.txt")
                        .put("content", lastToolResult(request)).toString()),
                request -> call("finish", "{\"summary\":\"copied the fact\"}")));

        BuildManager.Outcome outcome;
        String runId;
        try (Runs runs = Runs.open(repo, Clock.systemUTC(), true);
             RunSessions.Made made = session(repo, model, bus)) {
            Runs.Started started = runs.start(new Runs.Start("copy FACT.txt", "SPEC.md",
                    RunSessions.limits(settings(repo)), false), made.session());
            runId = started.runId();
            outcome = started.run();

            assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            assertThat(killed.get()).as("server processes killed").isEqualTo(1);
            // the agent used what the server read: the file it wrote is the fact, checked by the run's check
            assertThat(Files.readString(Path.of(outcome.worktree()).resolve("COPIED.txt")).strip()).isEqualTo(FACT);
            assertThat(ExampleRepos.git(repo, "show", outcome.branch() + ":COPIED.txt")).isEqualTo(FACT);

            List<Runs.Event> events = runs.events(runId, 0, 10_000);
            List<String> types = events.stream().map(Runs.Event::type).toList();
            assertThat(types).containsSubsequence("state_changed", "mcp_status", "state_changed", "phase_started",
                    "task_started", "tool_call", "mcp_status", "mcp_status", "tool_call", "tool_call",
                    "task_finished", "run_completed");
            JsonNode first = events.stream().filter(e -> e.type().equals("mcp_status")).findFirst().orElseThrow()
                    .payload();
            assertThat(first.path("status").asString()).isEqualTo("ready");
            assertThat(first.path("cause").asString()).isEqualTo("start");
            assertThat(first.path("servers").findValuesAsString("name")).containsExactly("fs", "memory", "thinking");
            assertThat(first.path("servers").findValuesAsString("state")).containsExactly("up", "up", "up");
            assertThat(first.path("servers").get(1).path("tool_names").toString()).contains("mcp__memory__read_graph");
            assertThat(first.path("servers").get(2).path("tool_names").toString())
                    .contains("mcp__thinking__sequentialthinking");
            JsonNode fs = first.path("servers").get(0);
            assertThat(fs.path("name").asString()).isEqualTo("fs");
            assertThat(fs.path("state").asString()).isEqualTo("up");
            assertThat(fs.path("required").asBoolean()).isTrue();
            assertThat(fs.path("tools").asInt()).isPositive();
            assertThat(fs.path("latency_millis").asLong()).isPositive();
            assertThat(fs.path("tool_names").toString()).contains("mcp__fs__read_text_file", "mcp__fs__write_file");
            List<String> changes = events.stream().filter(e -> e.type().equals("mcp_status")
                    && e.payload().path("cause").asString().equals("change"))
                    .map(e -> e.payload().path("servers").get(0).path("state").asString()).toList();
            assertThat(changes).containsSubsequence("restarting", "up");
            List<JsonNode> reads = events.stream().filter(e -> e.type().equals("tool_call")
                    && e.payload().path("name").asString().equals("mcp__fs__read_text_file"))
                    .map(e -> (JsonNode) e.payload()).toList();
            assertThat(reads).hasSize(2).allSatisfy(r -> {
                assertThat(r.path("error").asBoolean()).as(r.toString()).isFalse();
                assertThat(r.path("result").asString()).contains(FACT);
            });
        }
        // the session's end stopped the server
        assertThat(serverProcesses()).isEmpty();
        assertThat(seen).anyMatch(e -> e instanceof RunEvent.McpStatus m && "ready".equals(m.status()));
    }

    @Test
    void aRequiredServerThatCannotStartFailsTheRunWithItsError() throws Exception {
        Path repo = ExampleRepos.runCalc(tmp.resolve("run-calc"));
        Files.writeString(repo.resolve("munero.yaml"), Files.readString(repo.resolve("munero.yaml")) + """

                run:
                  mcpServers:
                    broken:
                      command: %s
                      required: true
                      timeout: 20s
                """.formatted(tmp.resolve("no-such-mcp-server")), StandardCharsets.UTF_8);
        ScriptedModel model = new ScriptedModel(null, List.of()); // no model call may be made

        try (Runs runs = Runs.open(repo, Clock.systemUTC(), true);
             RunSessions.Made made = session(repo, model, new EventBus())) {
            Runs.Started started = runs.start(new Runs.Start("anything", "SPEC.md",
                    RunSessions.limits(settings(repo)), false), made.session());
            BuildManager.Outcome outcome = started.run();

            assertThat(outcome.status()).isEqualTo(BuildManager.Status.FAILED);
            assertThat(outcome.message()).startsWith("the required MCP server 'broken' (" + tmp.resolve(
                    "no-such-mcp-server") + ") is down: ").endsWith("; see munero mcp servers check broken");
            assertThat(model.calls.get()).isZero();
            List<Runs.Event> events = runs.events(started.runId(), 0, 1000);
            JsonNode status = events.stream().filter(e -> e.type().equals("mcp_status")).findFirst().orElseThrow()
                    .payload();
            assertThat(status.path("status").asString()).isEqualTo("degraded");
            assertThat(status.path("servers").get(0).path("state").asString()).isEqualTo("down");
            assertThat(status.path("servers").get(0).path("error").asString()).isNotBlank();
            assertThat(events.getLast().type()).isEqualTo("run_failed");
        }
    }

    @Test
    void aResumedSessionStartsTheServersAgain() throws Exception {
        Path repo = repoWithFilesystemServer(false);
        try (Runs runs = Runs.open(repo, Clock.systemUTC(), true)) {
            // a budget below the plan call's worst case: the run pauses before any model call, after ConfiguringMCP
            ScriptedModel first = new ScriptedModel(null, List.of());
            String runId;
            try (RunSessions.Made made = session(repo, first, new EventBus())) {
                Runs.Started started = runs.start(new Runs.Start("anything", "SPEC.md", RunSessions.limits(
                        settings(repo, Map.of("budget_usd", "0.01"))), false), made.session());
                runId = started.runId();
                assertThat(started.run().status()).isEqualTo(BuildManager.Status.PAUSED);
            }
            assertThat(serverProcesses()).as("servers after the first session").isEmpty();
            ScriptedModel second = new ScriptedModel("""
                    {"summary":"nothing to change","tasks":[{"id":"look","description":"List the allowed directories",
                      "files":["FACT.txt"],"depends_on":[]}],"checks":[{"name":"fact","run":"test -f FACT.txt"}]}""",
                    List.of(request -> call("mcp__fs__list_allowed_directories", "{}"),
                            request -> call("finish", "{\"summary\":\"" + (lastToolResult(request).contains(
                                    ".munero/worktrees/" + runId) ? "the server works in the run's worktree"
                                    : "unexpected directory") + "\"}")));
            try (RunSessions.Made made = session(repo, second, new EventBus())) {
                BuildManager.Outcome outcome = runs.resume(runId, new Runs.Resume(5.0, null, null, null),
                        made.session()).run();
                assertThat(outcome.status()).as(outcome.message()).isEqualTo(BuildManager.Status.COMPLETED);
            }

            List<Runs.Event> events = runs.events(runId, 0, 10_000);
            assertThat(events.stream().filter(e -> e.type().equals("mcp_status"))
                    .map(e -> e.payload().path("cause").asString() + ":" + e.payload().path("status").asString()))
                    .containsExactly("start:ready", "resume:ready");
            assertThat(events.stream().filter(e -> e.type().equals("task_finished"))
                    .map(e -> e.payload().path("summary").asString())).containsExactly(
                            "the server works in the run's worktree");
        }
        assertThat(serverProcesses()).isEmpty();
    }

    /**
     * The bundled example with {@code FACT.txt} and the filesystem server configured in {@code munero.yaml}
     * (required, its tools allowed), committed; with {@code others}, also the memory and sequential-thinking
     * servers (not required). Skips the test without the servers.
     */
    private Path repoWithFilesystemServer(boolean others) throws Exception {
        assumeTrue(Files.isExecutable(FILESYSTEM_SERVER), "the npm package @modelcontextprotocol/server-filesystem is "
                + "not installed at " + FILESYSTEM_SERVER + " (.ci/run installs it); skipping the MCP run");
        String more = "";
        if (others) {
            Path bin = FILESYSTEM_SERVER.getParent();
            assumeTrue(Files.isExecutable(bin.resolve("mcp-server-memory")) && Files.isExecutable(
                    bin.resolve("mcp-server-sequential-thinking")), "server-memory or server-sequential-thinking is "
                    + "not installed in " + bin + " (.ci/run installs them); skipping the MCP run");
            more = """
                        memory:
                          command: %s
                          env: {MEMORY_FILE_PATH: %s}
                        thinking:
                          command: %s
                    """.formatted(bin.resolve("mcp-server-memory"), tmp.resolve("memory.json"),
                    bin.resolve("mcp-server-sequential-thinking"));
        }
        Path repo = ExampleRepos.runCalc(tmp.resolve("run-calc"));
        Files.writeString(repo.resolve("FACT.txt"), FACT + "\n", StandardCharsets.UTF_8);
        Files.writeString(repo.resolve("munero.yaml"), Files.readString(repo.resolve("munero.yaml")) + """

                run:
                  allow: ["mcp__fs__*"]
                  mcpServers:
                    fs:
                      command: %s
                      args: ["."]
                      required: true
                """.formatted(FILESYSTEM_SERVER) + more, StandardCharsets.UTF_8);
        ExampleRepos.git(repo, "add", "-A");
        ExampleRepos.git(repo, "-c", "user.name=demo", "-c", "user.email=demo@localhost", "commit", "-q", "-m", "fact");
        return repo;
    }

    // ---- the session, as munero run makes it, with the scripted model ----

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", System.getProperty("user.home"));
        env.put("MUNERO_CONFIG", "/nonexistent/munero/config.toml");
        env.put("CI", "true");
        return env;
    }

    private static RunSettings settings(Path repo) {
        return settings(repo, Map.of());
    }

    private static RunSettings settings(Path repo, Map<String, String> more) {
        Map<String, String> env = environment();
        Map<String, String> flags = new HashMap<>(more);
        flags.put("max_iterations", "1");
        return RunSessions.settings(repo, flags, env, RunSessions.userConfig(env));
    }

    private static RunSessions.Made session(Path repo, ChatModel model, EventBus bus) {
        Map<String, String> env = environment();
        UserConfig config = RunSessions.userConfig(env);
        return RunSessions.withMcpServers(RunSessions.session(model, SandboxMode.OFF, env, config, Clock.systemUTC(),
                bus), RunSessions.mcpServers(repo, env, config));
    }

    /** The node processes of the filesystem server this JVM started. */
    private static List<ProcessHandle> serverProcesses() {
        return ProcessHandle.current().descendants().filter(p -> p.isAlive() && p.info().commandLine()
                .orElse("").contains("mcp-server-filesystem")).toList();
    }

    /** Kills the server (SIGKILL, as a crash); @return how many processes were killed. */
    private static int killServer() {
        List<ProcessHandle> servers = serverProcesses();
        servers.forEach(ProcessHandle::destroyForcibly);
        return servers.size();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(5, TimeUnit.MINUTES)) {
            throw new AssertionError("the killed MCP server was not reported up again within 5 minutes");
        }
    }

    private static ContentBlock.ToolCall call(String name, String arguments) {
        return new ContentBlock.ToolCall("toolu_" + name + "_" + System.nanoTime(), name, arguments);
    }

    private static String lastToolResult(ChatRequest request) {
        for (ContentBlock b : request.messages().getLast().content()) {
            if (b instanceof ContentBlock.ToolResult r) {
                return r.content().strip();
            }
        }
        throw new AssertionError("no tool result in the last message: " + request.messages().getLast());
    }

    /** Plans once, then answers the task's agent turn by turn from {@code turns}; anything else fails the test. */
    private static final class ScriptedModel implements ChatModel {
        interface Turn {
            ContentBlock.ToolCall next(ChatRequest request) throws InterruptedException;
        }

        final AtomicInteger calls = new AtomicInteger();
        private final String plan;
        private final List<Turn> turns;
        private final AtomicInteger turn = new AtomicInteger();
        private boolean planned;

        ScriptedModel(String plan, List<Turn> turns) {
            this.plan = plan;
            this.turns = new ArrayList<>(turns);
        }

        @Override
        public ModelRef model() {
            return ModelRef.parse("anthropic:claude-sonnet-4-6");
        }

        @Override
        public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
            int n = calls.getAndIncrement();
            ContentBlock.ToolCall call;
            if (request.tools().stream().map(ToolDefinition::name).anyMatch("submit_plan"::equals)) {
                if (plan == null || planned) {
                    throw new AssertionError("unexpected plan call #" + n);
                }
                planned = true;
                call = new ContentBlock.ToolCall("toolu_plan", "submit_plan", plan);
            } else {
                int t = turn.getAndIncrement();
                if (t >= turns.size()) {
                    throw new AssertionError("unexpected agent call #" + t + ": " + request.messages().getLast());
                }
                assertThat(request.tools()).extracting(ToolDefinition::name).as("the agent's tools")
                        .contains("read_file", "mcp__fs__read_text_file");
                call = turns.get(t).next(request);
            }
            return new ChatResponse(new Message(Message.Role.ASSISTANT, List.of(call)), StopReason.TOOL_USE,
                    new Usage(1000, 100, 0, 0), "claude-sonnet-4-6", "msg_" + n);
        }
    }
}
