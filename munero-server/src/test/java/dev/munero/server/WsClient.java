package dev.munero.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A real WebSocket client (java.net.http): it queues every text frame it reads and notes the close. A paused
 * client reads nothing more until {@link #read} (so the server's writes back up, as with a slow client).
 */
final class WsClient implements WebSocket.Listener {
    record Closed(int code, String reason) { }

    final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final boolean paused;
    private WebSocket socket;

    private WsClient(boolean paused) {
        this.paused = paused;
    }

    /** Connects to {@code path} of {@code server}; a {@code paused} client reads one frame, then stops reading. */
    static WsClient connect(MuneroServer server, String path, boolean paused) {
        WsClient c = new WsClient(paused);
        c.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofMinutes(1))
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + path), c).join();
        return c;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(Json.MAPPER.readTree(partial.toString()));
            partial.setLength(0);
        }
        if (!paused || !last) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Closed(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** Starts (or keeps) reading every frame. */
    void read() {
        socket.request(Long.MAX_VALUE);
    }

    /** The next frame, waiting up to minutes (a loaded machine). */
    JsonNode next() throws InterruptedException {
        JsonNode f = frames.poll(Long.getLong("ws.wait", 300), TimeUnit.SECONDS);
        if (f == null) {
            throw new AssertionError("no frame within 5 minutes");
        }
        return f;
    }

    /** Frames until (and with) the first of {@code kind}; events only unless {@code keepOthers}. */
    List<JsonNode> until(String kind) throws InterruptedException {
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            JsonNode f = next();
            out.add(f);
            if (f.path("kind").asString().equals(kind)) {
                return out;
            }
        }
    }

    /** Closes from the client side (1000). */
    void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    /** Event frames' seqs in {@code frames}. */
    static List<Long> seqs(List<JsonNode> frames) {
        return frames.stream().filter(f -> f.path("kind").asString().equals("event"))
                .map(f -> f.path("event").path("seq").asLong()).toList();
    }
}
