package dev.munero.agent.mcp;

import static dev.munero.agent.mcp.McpFixtures.QUICK;
import static dev.munero.agent.mcp.McpFixtures.call;
import static dev.munero.agent.mcp.McpFixtures.fake;
import static dev.munero.agent.mcp.McpFixtures.fakeScript;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.mcp.McpServerStatus.State;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolKind;
import dev.munero.agent.tools.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The MCP client against a fake server that goes wrong in every way a real one can (issue 13). */
class McpServersTest {
    private static final Duration GENEROUS = Duration.ofMinutes(2);

    @TempDir
    Path workspace;
    private Path script;
    private ToolContext context;
    private final McpFixtures.Recorder recorder = new McpFixtures.Recorder();

    @BeforeEach
    void setUp() throws Exception {
        McpFixtures.assumeNode();
        script = fakeScript(workspace);
        context = ToolContext.builder(workspace).build();
    }

    private McpServers start(McpServerSpec spec) throws InterruptedException {
        return McpServers.start(List.of(spec), McpServers.Launch.unsandboxed(workspace), recorder, QUICK);
    }

    @Test
    void startsAServerListsItsToolsAsMcpToolsAndCallsOne() throws Exception {
        try (McpServers hub = start(fake(script, "ok", GENEROUS))) {
            McpServerStatus status = recorder.next();
            assertThat(status.state()).isEqualTo(State.UP);
            assertThat(status.serverName()).isEqualTo("fake-mcp");
            assertThat(status.serverVersion()).isEqualTo("1.2.3");
            assertThat(status.tools()).isEqualTo(7);
            assertThat(status.latencyMs()).isGreaterThanOrEqualTo(0);
            assertThat(status.error()).isNull();
            assertThat(hub.statuses()).containsExactly(status);
            assertThat(hub.tools()).extracting(Tool::name).contains("mcp__fake__echo", "mcp__fake__slow");
            assertThat(hub.tools()).allMatch(t -> t.kind() == ToolKind.MCP);
            Tool echo = McpFixtures.tool(hub, "mcp__fake__echo");
            assertThat(echo.inputSchema().path("properties").path("text").path("type").asString()).isEqualTo("string");
            assertThat(echo.description()).contains("Returns its text.");

            ToolResult result = call(hub, "mcp__fake__echo", "{\"text\": \"hello from the agent\"}", context);

            assertThat(result.error()).isFalse();
            assertThat(result.content()).isEqualTo("hello from the agent");
        }
    }

    @Test
    void anIsErrorResultIsAToolError() throws Exception {
        try (McpServers hub = start(fake(script, "ok", GENEROUS))) {
            ToolResult result = call(hub, "mcp__fake__fail", "{}", context);

            assertThat(result.error()).isTrue();
            assertThat(result.content()).isEqualTo("the frobnicator is out of order");
        }
    }

    @Test
    void anUnknownToolNameIsAToolErrorThatListsTheServersTools() throws Exception {
        try (McpServers hub = start(fake(script, "ok", GENEROUS))) {
            ToolResult result = hub.call("fake", "no_such_tool", Map.of());

            assertThat(result.error()).isTrue();
            assertThat(result.content()).contains("MCP server 'fake' answered tools/call no_such_tool with JSON-RPC "
                    + "error -32602: Unknown tool: no_such_tool").contains("its tools: echo, whoami");
            assertThat(call(hub, "mcp__fake__echo", "{\"text\": \"still here\"}", context).content())
                    .isEqualTo("still here");
        }
    }

    @Test
    void aServerThatNeverAnswersInitializeIsDownWithATimeoutError() throws Exception {
        McpServers.Options once = new McpServers.Options(1, Duration.ZERO, Duration.ZERO, Duration.ofHours(1), 0);
        // 15 s: long enough for node to start and say on stderr what it got, even on a loaded machine
        try (McpServers hub = McpServers.start(List.of(fake(script, "silent", Duration.ofSeconds(15))),
                McpServers.Launch.unsandboxed(workspace), recorder, once)) {
            McpServerStatus status = recorder.next();

            assertThat(status.state()).isEqualTo(State.DOWN);
            assertThat(status.error()).isEqualTo("did not answer initialize within 15s; its last stderr lines: got "
                    + "initialize, not answering");
            assertThat(hub.tools()).isEmpty();
            assertThat(hub.call("fake", "echo", Map.of()).content())
                    .startsWith("MCP server 'fake' is down: did not answer initialize within 15s");
        }
    }

    @Test
    void aServerThatExitsAfterInitializeIsDownWithItsExitCodeAndStderr() throws Exception {
        try (McpServers hub = start(fake(script, "exit-after-init", GENEROUS))) {
            McpServerStatus status = recorder.next();

            assertThat(status.state()).isEqualTo(State.DOWN);
            assertThat(status.error()).isEqualTo("exited with code 1; its last stderr lines: fatal: cannot open "
                    + "database (during tools/list) (2 attempts)");
        }
    }

    @Test
    void malformedJsonRpcIsDownWithAClearErrorAtOnceNotAtTheTimeout() throws Exception {
        long start = System.nanoTime();
        try (McpServers hub = start(fake(script, "malformed", Duration.ofMinutes(10)))) {
            McpServerStatus status = recorder.next();

            assertThat(status.state()).isEqualTo(State.DOWN);
            assertThat(status.error()).contains("sent a line on stdout that is not a JSON-RPC message: "
                    + "'Server ready! (this is not JSON-RPC)'").contains("logs go to stderr");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(10));
        }
    }

    @Test
    void aProgramThatDoesNotExistIsDownAtOnceWithoutRetries() throws Exception {
        McpServerSpec spec = McpServerSpec.stdio("ghost", "no-such-mcp-server-program", List.of(), Map.of());
        try (McpServers hub = start(spec)) {
            McpServerStatus status = recorder.next();

            assertThat(status.state()).isEqualTo(State.DOWN);
            assertThat(status.error()).startsWith("cannot start 'no-such-mcp-server-program': ")
                    .contains("No such file or directory").doesNotContain("attempts").doesNotContain("during");
        }
    }

    @Test
    void aKilledServerIsRestartedAndEveryStateChangeIsReported() throws Exception {
        try (McpServers hub = start(fake(script, "ok", GENEROUS))) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);
            Process first = hub.process("fake").orElseThrow();

            first.toHandle().destroyForcibly();

            McpServerStatus restarting = recorder.next();
            assertThat(restarting.state()).isEqualTo(State.RESTARTING);
            assertThat(restarting.error()).startsWith("exited with code 137");
            assertThat(restarting.restarts()).isEqualTo(1);
            McpServerStatus up = recorder.next();
            assertThat(up.state()).isEqualTo(State.UP);
            assertThat(up.restarts()).isEqualTo(1);
            assertThat(up.error()).isNull();
            assertThat(hub.process("fake").orElseThrow().pid()).isNotEqualTo(first.pid());
            assertThat(call(hub, "mcp__fake__echo", "{\"text\": \"back\"}", context).content()).isEqualTo("back");
        }
    }

    @Test
    void aServerThatCrashesDuringACallGivesAToolErrorAndIsRestarted() throws Exception {
        try (McpServers hub = start(fake(script, "ok", GENEROUS))) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);

            ToolResult result = call(hub, "mcp__fake__crash", "{}", context);

            assertThat(result.error()).isTrue();
            assertThat(result.content()).startsWith("MCP server 'fake' exited with code 3")
                    .contains("crashing on purpose").endsWith("it is being restarted");
            assertThat(recorder.next().state()).isEqualTo(State.RESTARTING);
            assertThat(recorder.next().state()).isEqualTo(State.UP);
        }
    }

    @Test
    void malformedOutputMidSessionRestartsTheServer() throws Exception {
        try (McpServers hub = start(fake(script, "ok", GENEROUS))) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);

            ToolResult result = call(hub, "mcp__fake__garble", "{}", context);

            assertThat(result.error()).isTrue();
            assertThat(result.content()).contains("not a JSON-RPC message: '{\"this is\": \"not a JSON-RPC message\"'");
            McpServerStatus restarting = recorder.next();
            assertThat(restarting.state()).isEqualTo(State.RESTARTING);
            assertThat(restarting.error()).contains("not a JSON-RPC message");
            assertThat(recorder.next().state()).isEqualTo(State.UP);
        }
    }

    @Test
    void aServerThatStopsAnsweringPingsIsRestarted() throws Exception {
        assumeTrue(McpFixtures.onPath("kill"), "kill is not on the PATH");
        McpServers.Options pinging = new McpServers.Options(2, Duration.ofMillis(50), Duration.ofSeconds(1),
                Duration.ofMillis(200), 5);
        try (McpServers hub = McpServers.start(List.of(fake(script, "ok", Duration.ofSeconds(10))),
                McpServers.Launch.unsandboxed(workspace), recorder, pinging)) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);
            long pid = hub.process("fake").orElseThrow().pid();

            new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();

            McpServerStatus restarting = recorder.next();
            assertThat(restarting.state()).isEqualTo(State.RESTARTING);
            assertThat(restarting.error()).startsWith("did not answer ping within 10s");
            assertThat(recorder.next().state()).isEqualTo(State.UP);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void aServerThatKeepsCrashingStaysDownAfterTheRestartLimit() throws Exception {
        McpServers.Options oneRestart = new McpServers.Options(2, Duration.ofMillis(50), Duration.ofSeconds(1),
                Duration.ofHours(1), 1);
        try (McpServers hub = McpServers.start(List.of(fake(script, "ok", GENEROUS)),
                McpServers.Launch.unsandboxed(workspace), recorder, oneRestart)) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);
            call(hub, "mcp__fake__crash", "{}", context);
            assertThat(recorder.next().state()).isEqualTo(State.RESTARTING);
            assertThat(recorder.next().state()).isEqualTo(State.UP);

            call(hub, "mcp__fake__crash", "{}", context);

            McpServerStatus down = recorder.next();
            assertThat(down.state()).isEqualTo(State.DOWN);
            assertThat(down.error()).contains("exited with code 3")
                    .contains("not restarted again: it was restarted 1 times in this session already");
            assertThat(call(hub, "mcp__fake__echo", "{\"text\": \"x\"}", context).content())
                    .startsWith("MCP server 'fake' is down: exited with code 3");
        }
    }

    @Test
    void aCallInterruptedMidWayThrowsInterruptedExceptionCancelsItOnTheServerAndTheServerStaysUsable()
            throws Exception {
        try (McpServers hub = start(fake(script, "ok", GENEROUS))) {
            Tool slow = McpFixtures.tool(hub, "mcp__fake__slow");
            JsonNode args = McpFixtures.JSON.readTree("{\"seconds\": 600}");
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            Thread caller = Thread.ofPlatform().start(() -> {
                try {
                    slow.execute(args, context);
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            waitUntilBlocked(caller);

            caller.interrupt();

            assertThat(thrown.get(5, TimeUnit.MINUTES)).isInstanceOf(InterruptedException.class);
            ToolResult cancelled = call(hub, "mcp__fake__cancelled", "{}", context);
            assertThat(cancelled.content()).matches("\\[\"[^\"]+\"]"); // the server got notifications/cancelled
            assertThat(call(hub, "mcp__fake__echo", "{\"text\": \"usable\"}", context).content()).isEqualTo("usable");
            assertThat(hub.status("fake").orElseThrow().state()).isEqualTo(State.UP);
        }
    }

    @Test
    void theServerGetsTheScrubbedEnvironmentItsOwnEnvAndExpandedVariables() throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MUNERO_FAKE_API_KEY", "sk-secret-value-1234");
        env.put("PROJECT_LABEL", "blue");
        McpServerSpec spec = McpServerSpec.stdio("fake", "node", List.of(script.toString(), "ok"),
                Map.of("FAKE_OWN", "${PROJECT_LABEL}-${MISSING_ONE:-default}"));
        try (McpServers hub = McpServers.start(List.of(spec), new McpServers.Launch(Sandbox.none(), workspace, env),
                recorder, QUICK)) {
            JsonNode who = McpFixtures.JSON.readTree(call(hub, "mcp__fake__whoami", "{}", context).content());

            assertThat(who.path("secret").isNull()).isTrue();
            assertThat(who.path("own").asString()).isEqualTo("blue-default");
            assertThat(Path.of(who.path("cwd").asString()).toRealPath()).isEqualTo(workspace.toRealPath());
        }
    }

    @Test
    void anUnsetVariableWithoutDefaultIsDownNamingTheKey() throws Exception {
        McpServerSpec spec = McpServerSpec.stdio("fake", "node", List.of(script.toString(), "ok"),
                Map.of("TOKEN", "${MUNERO_SURELY_UNSET_VARIABLE}"));
        try (McpServers hub = start(spec)) {
            McpServerStatus status = recorder.next();

            assertThat(status.state()).isEqualTo(State.DOWN);
            assertThat(status.error()).isEqualTo("'env.TOKEN' uses ${MUNERO_SURELY_UNSET_VARIABLE}, which is not set "
                    + "in the environment; set it, or write ${MUNERO_SURELY_UNSET_VARIABLE:-default}");
        }
    }

    @Test
    void closeStopsEveryServerWithItsProcessTree() throws Exception {
        // sh starts node as its child: the tree has two processes
        McpServerSpec spec = McpServerSpec.stdio("fake", "sh", List.of("-c", "node " + script + " ok; exit 0"),
                Map.of());
        McpServers hub = start(spec);
        assertThat(recorder.next().state()).isEqualTo(State.UP);
        ProcessHandle shell = hub.process("fake").orElseThrow().toHandle();
        List<ProcessHandle> tree = shell.descendants().toList();
        assertThat(tree).isNotEmpty();

        hub.close();

        assertThat(shell.isAlive()).isFalse();
        for (ProcessHandle h : tree) {
            h.onExit().get(5, TimeUnit.MINUTES);
        }
        assertThat(hub.call("fake", "echo", Map.of("text", "x")).content())
                .isEqualTo("the MCP servers of this session are stopped");
    }

    @Test
    void severalServersStartInParallelAndOneDownDoesNotStopTheOthers() throws Exception {
        List<McpServerSpec> specs = List.of(fake(script, "ok", GENEROUS),
                new McpServerSpec("broken", "node", List.of(script.toString(), "malformed"), Map.of(), null, Map.of(),
                        true, GENEROUS));
        try (McpServers hub = McpServers.start(specs, McpServers.Launch.unsandboxed(workspace), recorder, QUICK)) {
            assertThat(hub.statuses()).extracting(McpServerStatus::name, McpServerStatus::state, McpServerStatus::required)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("fake", State.UP, false),
                            org.assertj.core.groups.Tuple.tuple("broken", State.DOWN, true));
            assertThat(hub.tools()).allMatch(t -> t.name().startsWith("mcp__fake__"));
        }
    }

    @Test
    void twoServersWithTheSameNameAreRefused() {
        assertThatThrownBy(() -> McpServers.start(List.of(fake(script, "ok", GENEROUS), fake(script, "ok", GENEROUS)),
                McpServers.Launch.unsandboxed(workspace), recorder, QUICK))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("two MCP servers are named 'fake'");
    }

    @Test
    void aStdioServerRunsInsideBubblewrapWhenTheSandboxIsOn() throws Exception {
        assumeTrue(Sandbox.bubblewrapAvailable(), "bwrap is not installed or cannot start a sandbox here");
        McpServers.Launch sandboxed = new McpServers.Launch(Sandbox.bubblewrap(), workspace, System.getenv());
        Path outside = Files.writeString(workspace.resolveSibling(workspace.getFileName() + "-neighbour.txt"), "x");
        try (McpServers hub = McpServers.start(List.of(fake(script, "ok", GENEROUS)), sandboxed, recorder, QUICK)) {
            assertThat(recorder.next().state()).isEqualTo(State.UP);
            assertThat(hub.process("fake").orElseThrow().info().command().orElse("")).endsWith("bwrap");

            JsonNode who = McpFixtures.JSON.readTree(call(hub, "mcp__fake__whoami",
                    McpFixtures.JSON.writeValueAsString(Map.of("path", outside.toString())), context).content());

            assertThat(who.path("sees").asBoolean()).isFalse(); // the workspace's neighbours are hidden
            assertThat(who.path("writesUsr").asString()).startsWith("no"); // the system is read-only
            assertThat(who.path("pid").asInt()).isLessThan(10); // its own PID namespace
            assertThat(call(hub, "mcp__fake__echo", "{\"text\": \"sandboxed\"}", context).content())
                    .isEqualTo("sandboxed");
        } finally {
            Files.delete(outside);
        }
    }

    /** Waits until {@code t} blocks (waiting on the server's answer). */
    private static void waitUntilBlocked(Thread t) throws InterruptedException {
        for (int k = 0; k < 30_000; k++) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the call never started waiting: " + t.getState());
    }

}
