package dev.munero.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.BuildManager;
import dev.munero.core.ReplayedRuns;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/** The WebSocket event streams over real connections: reconnects, heartbeats, other writers, slow clients. */
class EventStreamsTest {
    @TempDir
    Path dir;
    MuneroServer server;
    final CountDownLatch slowClosed = new CountDownLatch(1);
    /** The server's log; it counts down {@link #slowClosed} when the server says it closed a slow client. */
    final ByteArrayOutputStream log = new ByteArrayOutputStream() {
        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            if (new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8).contains("client too slow")) {
                slowClosed.countDown();
            }
        }
    };

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        System.err.print(log); // the server's log, kept in the test report
    }

    private static List<StoredEvent> log(Path repo, String id) {
        try (Store store = Store.open(BuildManager.databaseOf(repo), Clock.systemUTC())) {
            return store.events(id, 0);
        }
    }

    @Test
    void aClientThatReconnectsMidRunWithSinceGetsEveryEventOnceAndHeartbeatsWhileTheRunWaits() throws Exception {
        Path repo = RunServer.example(dir, "calc");
        ReplayedRuns.Gate gate = new ReplayedRuns.Gate(4);
        server = RunServer.start(dir, List.of(repo), gate, log, c -> c.heartbeat(Duration.ofMillis(200)));
        String id = new Http(server).post("/api/v1/runs", "{\"spec_path\": \"SPEC.md\"}").json()
                .at("/summary/id").asString();
        gate.awaitHeld(1); // the run is in its fourth model call, held

        WsClient first = WsClient.connect(server, "/api/v1/runs/" + id + "/events", false);
        List<JsonNode> seen = new ArrayList<>(first.until("heartbeat")); // the backlog, then a heartbeat: idle
        List<Long> firstSeqs = WsClient.seqs(seen);
        assertThat(firstSeqs).isNotEmpty();
        long last = firstSeqs.getLast();
        assertThat(seen.getLast().path("last_seq").asLong()).isEqualTo(last);
        first.close();
        assertThat(first.closed.get(5, TimeUnit.MINUTES).code()).isEqualTo(1000);

        gate.open();
        WsClient second = WsClient.connect(server, "/api/v1/runs/" + id + "/events?since=" + last, false);
        List<JsonNode> rest = second.until("end");
        assertThat(rest.getLast().path("state").asString()).isEqualTo("Completed");
        assertThat(second.closed.get(5, TimeUnit.MINUTES).code()).isEqualTo(1000);

        List<Long> union = new ArrayList<>(firstSeqs);
        union.addAll(WsClient.seqs(rest));
        List<StoredEvent> stored = log(repo, id);
        assertThat(union).containsExactlyElementsOf(stored.stream().map(StoredEvent::seq).toList());
        // the frames carry the events as stored
        List<JsonNode> events = new ArrayList<>(seen);
        events.addAll(rest);
        List<JsonNode> eventFrames = events.stream().filter(f -> f.path("kind").asString().equals("event")).toList();
        for (int i = 0; i < stored.size(); i++) {
            JsonNode e = eventFrames.get(i).path("event");
            assertThat(e.path("type").asString()).isEqualTo(stored.get(i).type());
            assertThat(e.path("run_id").asString()).isEqualTo(id);
            assertThat(e.path("payload")).isEqualTo(stored.get(i).payload());
        }
    }

    @Test
    void aRunWrittenByAnotherProcessStreamsLiveAndASlowClientIsCutOffWhileAnotherGetsEverything() throws Exception {
        Path repo = RunServer.example(dir, "calc");
        Files.createDirectories(repo.resolve(".munero"));
        Path db = BuildManager.databaseOf(repo);
        String id = "r-cli";
        try (Store store = Store.open(db, Clock.systemUTC())) {
            store.createRun(id, "Building", JsonNodeFactory.instance.objectNode().put("repo", repo.toString()),
                    JsonNodeFactory.instance.objectNode());
        }
        server = RunServer.start(dir, List.of(repo), ReplayedRuns.Gate.none(), log,
                c -> c.queueFrames(16).slowClient(Duration.ofSeconds(10)));
        WsClient fast = WsClient.connect(server, "/api/v1/runs/" + id + "/events", false);
        assertThat(fast.next().at("/event/type").asString()).isEqualTo("run_created");
        RawWsClient slow = new RawWsClient(server.port(), "/api/v1/runs/" + id + "/events"); // reads nothing yet

        // 400 events of 64 KiB (25 MiB: more than the sockets buffer for a client that reads nothing) from another
        // process, as a CLI run writes them
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LogWriter.class.getName(), db.toString(), id, "400",
                Integer.toString(64 * 1024)).redirectErrorStream(true).start();
        assertThat(writer.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(writer.exitValue()).as(new String(writer.getInputStream().readAllBytes())).isZero();

        List<JsonNode> all = fast.until("end");
        assertThat(all.getLast().path("state").asString()).isEqualTo("Completed");
        List<Long> stored = log(repo, id).stream().map(StoredEvent::seq).toList();
        assertThat(WsClient.seqs(all)).containsExactlyElementsOf(stored.subList(1, stored.size()));

        assertThat(slowClosed.await(5, TimeUnit.MINUTES)).as("the slow client was closed; %s", log).isTrue();
        RawWsClient.Read read = slow.readAll(); // what reached it, then the close
        slow.close();
        assertThat(read.closeCode()).isEqualTo(1008);
        assertThat(read.closeReason()).startsWith("client too slow; reconnect with since=");
        long since = Long.parseLong(read.closeReason().substring(read.closeReason().indexOf('=') + 1));
        List<Long> slowSeqs = WsClient.seqs(read.texts().stream().map(Json.MAPPER::readTree).toList());
        assertThat(slowSeqs).isNotEmpty().endsWith(since).hasSizeLessThan(stored.size() - 1);
        assertThat(slowSeqs.getFirst()).isEqualTo(stored.get(0));
        // it reconnects where the reason says and gets the rest: together, the log exactly
        WsClient again = WsClient.connect(server, "/api/v1/runs/" + id + "/events?since=" + since, false);
        List<Long> union = new ArrayList<>(slowSeqs);
        union.addAll(WsClient.seqs(again.until("end")));
        assertThat(union).containsExactlyElementsOf(stored);
    }

    @Test
    void aStreamOfAnUnknownRunOrWithABadSinceIsRefusedBeforeTheUpgradeAsAProblem() throws Exception {
        Path repo = RunServer.example(dir, "calc");
        server = RunServer.start(dir, List.of(repo), ReplayedRuns.Gate.none(), log, c -> c);
        Http http = new Http(server);
        Http.Response bad = http.get("/api/v1/runs/r-x/events?since=-1");
        assertThat(bad.status()).isEqualTo(400);
        var failed = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + server.port() + "/api/v1/runs/r-x/events"),
                        new java.net.http.WebSocket.Listener() { });
        try {
            failed.join();
            throw new AssertionError("the upgrade was accepted");
        } catch (java.util.concurrent.CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
            var response = ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse();
            assertThat(response.statusCode()).isEqualTo(404);
        }
    }

}
