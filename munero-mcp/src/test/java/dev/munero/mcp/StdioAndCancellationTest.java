package dev.munero.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.ReplayedRuns;
import dev.munero.llm.TokenEstimator;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The stdio transport as a host drives it (one JSON-RPC message per line, written by hand here, as the SDK's Java
 * client cannot send {@code notifications/cancelled}), over a loopback socket standing in for the pipes; and a
 * cancellation over Streamable HTTP with plain HTTP requests. Also the size of the {@code tools/list} answer.
 */
class StdioAndCancellationTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A build whose second step runs until it is killed; its pid in slow.pid. */
    private static final String SLOW_BUILD = """
            steps:
              - name: quick
                command: [sh, -c, "echo quick"]
              - name: slow
                command: [sh, -c, "echo $$ > slow.pid; exec sleep 600"]
                dependsOn: [quick]
            """;

    @TempDir
    Path dir;
    private McpBackend backend;
    private MuneroMcpServer.Serving serving;
    private Socket host;
    private ServerSocket listener;
    private Socket accepted;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
    /** What the server wrote to its standard error. */
    private final ByteArrayOutputStream notices = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws Exception {
        if (serving != null) {
            serving.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {host, accepted, listener, backend}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aLineThatIsNotJsonIsSkippedWithANoteAndTheSessionGoesOn() throws Exception {
        Path repo = McpFixture.runCalc(dir, "calc");
        OutputStream out = serveOverStdio(repo);
        initialize(out);

        send(out, "this is not json");
        send(out, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");

        assertThat(response(2).at("/result/tools").size()).isEqualTo(11);
        assertThat(notices.toString(StandardCharsets.UTF_8))
                .contains("skipped a line of standard input that is not JSON").contains("this is not json");
    }

    @Test
    void theToolsListAnswerStaysUnder2000TokensOfTheAgentsEstimate() throws Exception {
        Path repo = McpFixture.runCalc(dir, "calc");
        OutputStream out = serveOverStdio(repo);
        initialize(out);

        send(out, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        JsonNode answer = response(2);

        String line = JSON.writeValueAsString(answer);
        long tokens = TokenEstimator.tokens(line);
        System.out.println("tools/list answer: " + line.length() + " characters, " + tokens
                + " tokens (TokenEstimator, the agent's estimate)");
        assertThat(answer.at("/result/tools")).hasSize(11);
        assertThat(tokens).isLessThan(2000);

        // the host closes its end: the server sees the end of its input (munero mcp then closes and exits)
        host.shutdownOutput();
        assertThat(serving.awaitClosed(Duration.ofMinutes(5))).isTrue();
    }

    @Test
    void aBuildOverStdioReportsProgressAndNotificationsCancelledStopsItAndKillsItsProcesses() throws Exception {
        Path repo = McpFixture.workspace(dir, "slow", SLOW_BUILD);
        OutputStream out = serveOverStdio(repo);
        initialize(out);

        send(out, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"build\","
                + "\"arguments\":{},\"_meta\":{\"progressToken\":\"b\"}}}");
        // quick has finished: its progress notification
        JsonNode n = notifications.poll(5, TimeUnit.MINUTES);
        assertThat(n).as("a progress notification within 5 minutes").isNotNull();
        assertThat(n.path("method").asString()).isEqualTo("notifications/progress");
        assertThat(n.at("/params/progressToken").asString()).isEqualTo("b");
        assertThat(n.at("/params/progress").asDouble()).isEqualTo(1.0);
        assertThat(n.at("/params/total").asDouble()).isEqualTo(2.0);
        assertThat(n.at("/params/message").asString()).isEqualTo("quick passed");
        long pid = awaitPid(repo.resolve("slow.pid"));
        send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3,"
                + "\"reason\":\"the user pressed stop\"}}");

        JsonNode result = response(3).path("result");
        assertThat(result.path("isError").asBoolean()).isFalse();
        assertThat(result.at("/structuredContent/status").asString()).isEqualTo("cancelled");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aBuildOverStreamableHttpIsCancelledByANotificationInItsSession() throws Exception {
        Path repo = McpFixture.workspace(dir, "slow", SLOW_BUILD);
        try (McpFixture fixture = new McpFixture(repo, McpBackend.local(repo, McpFixture.env(dir),
                McpFixture.replaying(dir, ReplayedRuns.Gate.none())))) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> init = http.send(post(fixture, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                    + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}"), HttpResponse.BodyHandlers.ofString());
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow(() -> new AssertionError(
                    "no session id: " + init.statusCode() + " " + init.body()));
            http.send(post(fixture, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                    HttpResponse.BodyHandlers.ofString());

            CompletableFuture<HttpResponse<String>> call = http.sendAsync(post(fixture, session,
                    "{\"jsonrpc\":\"2.0\",\"id\":\"c-7\",\"method\":\"tools/call\",\"params\":{\"name\":\"build\","
                            + "\"arguments\":{}}}"), HttpResponse.BodyHandlers.ofString());
            long pid = awaitPid(repo.resolve("slow.pid"));
            HttpResponse<String> cancelled = http.send(post(fixture, session, "{\"jsonrpc\":\"2.0\",\"method\":"
                    + "\"notifications/cancelled\",\"params\":{\"requestId\":\"c-7\"}}"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(cancelled.statusCode()).isEqualTo(202);

            String body = call.get(5, TimeUnit.MINUTES).body();
            assertThat(body).contains("\"status\":\"cancelled\"");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Serves stdio over a loopback socket; returns the host's end to write to (its reads go to the queues). */
    private OutputStream serveOverStdio(Path repo) throws IOException {
        backend = McpBackend.local(repo, McpFixture.env(dir), McpFixture.replaying(dir, ReplayedRuns.Gate.none()));
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        host = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        accepted = listener.accept();
        serving = new MuneroMcpServer(backend).stdio(accepted.getInputStream(), accepted.getOutputStream(),
                new PrintStream(notices, true, StandardCharsets.UTF_8));
        BufferedReader in = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> {
            try {
                for (String line; (line = in.readLine()) != null; ) {
                    JsonNode message = JSON.readTree(line);
                    if (message.has("id")) {
                        received.add(message);
                    } else {
                        notifications.add(message);
                    }
                }
            } catch (IOException e) {
                // the socket closed at the end of the test
            }
        });
        return host.getOutputStream();
    }

    private void initialize(OutputStream out) throws Exception {
        send(out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}");
        assertThat(response(1).at("/result/serverInfo/name").asString()).isEqualTo("munero");
        send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private JsonNode response(int id) throws InterruptedException {
        JsonNode message = received.poll(5, TimeUnit.MINUTES);
        if (message == null) {
            throw new AssertionError("no answer to request " + id + " within 5 minutes");
        }
        assertThat(message.path("id").asInt()).isEqualTo(id);
        return message;
    }

    /** Waits (up to 5 minutes) until the slow step has written its pid. */
    private static long awaitPid(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            if (Files.isRegularFile(file)) {
                String text = Files.readString(file).strip();
                if (!text.isEmpty()) {
                    return Long.parseLong(text);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the slow step did not start within 5 minutes");
            }
            Thread.sleep(50);
        }
    }

    private static HttpRequest post(McpFixture fixture, String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(fixture.url + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header(McpFixture.ROLE_HEADER, McpRole.OPERATOR.name())
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        }
        return b.build();
    }
}
