package dev.munero.server;

import io.javalin.websocket.WsContext;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * One WebSocket client of an event stream. Its sender (a virtual thread) sends the backlog after {@code since} read
 * from the source, then the live frames the follower puts in its bounded queue, skipping any seq already sent, so
 * the client sees every event once, in seq order; a heartbeat {@code {"kind":"heartbeat","last_seq":N}} when
 * nothing was sent for the heartbeat interval; and {@code {"kind":"end","state":S}} then a normal close (1000) once
 * the source has ended and every event was sent.
 *
 * <p>A client that cannot keep up (its queue is full when the follower offers a frame; the queue holds at most
 * {@code capacity} frames, so a slow client never grows the server's memory) is closed with 1008 and the reason
 * {@code client too slow; reconnect with since=SEQ}, SEQ being the last event whose send completed; the others go
 * on. Thread-safe: {@link #offer} is called by the follower, the rest by the sender.
 */
final class EventConnection {
    /** The close code for a client too slow to keep up (RFC 6455 policy violation). */
    static final int TOO_SLOW = 1008;
    private static final int PAGE = 500;

    private final WsContext ws;
    private final EventSource source;
    private final BlockingQueue<EventSource.Frame> queue;
    private final long heartbeatMillis;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean gone = new AtomicBoolean();
    private volatile long lastSent;
    private volatile Thread sender;

    EventConnection(WsContext ws, EventSource source, long since, int capacity, long heartbeatMillis) {
        this.ws = ws;
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.heartbeatMillis = heartbeatMillis;
        this.lastSent = since;
    }

    /** Starts the sender on a virtual thread; {@code onEnd} runs when it stops (for deregistration). */
    void start(Runnable onEnd) {
        sender = Thread.ofVirtual().name("munero-ws-" + ws.sessionId()).start(() -> {
            try {
                send();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (SendFailed e) {
                closed.set(true); // the client went away; nothing to tell it
            } finally {
                onEnd.run();
            }
        });
    }

    /**
     * Hands a live frame to this client; when its queue is full the client is too slow and is closed with 1008.
     * Never blocks.
     */
    void offer(EventSource.Frame frame) {
        if (closed.get()) {
            return;
        }
        if (!queue.offer(frame)) {
            close(TOO_SLOW, "client too slow; reconnect with since=" + lastSent);
        }
    }

    /** Closes the connection (once) and stops the sender. */
    void close(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            try {
                ws.closeSession(code, reason);
            } catch (RuntimeException e) {
                ws.session.disconnect();
            }
            Thread t = sender;
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }

    /**
     * Notes that the connection is gone (Jetty reported its close or an error) and stops the sender.
     *
     * @return true the first time (so its close is counted once)
     */
    boolean markClosed() {
        closed.set(true);
        Thread t = sender;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
        return gone.compareAndSet(false, true);
    }

    /** Whether the connection was closed by the server or the client. */
    boolean isClosed() {
        return closed.get() || !ws.session.isOpen();
    }

    /** The last event seq whose send completed. */
    long lastSent() {
        return lastSent;
    }

    private void send() throws InterruptedException {
        Optional<String> endedBefore = source.ended();
        catchUp();
        if (endedBefore.isPresent()) {
            finish(endedBefore.get());
            return;
        }
        while (!isClosed()) {
            EventSource.Frame frame = queue.poll(heartbeatMillis, TimeUnit.MILLISECONDS);
            if (frame == null) {
                sendText(Json.MAPPER.createObjectNode().put("kind", "heartbeat").put("last_seq", lastSent)
                        .toString());
            } else if (frame.isEvent()) {
                if (frame.seq() > lastSent) {
                    sendText(frame.text());
                    lastSent = frame.seq();
                }
            } else {
                Optional<String> ended = source.ended();
                if (ended.isPresent()) {
                    catchUp();
                    finish(ended.get());
                    return;
                }
            }
        }
    }

    /** Sends what the source has after the last sent seq. */
    private void catchUp() throws InterruptedException {
        while (!isClosed()) {
            List<EventSource.Frame> page = source.after(lastSent, PAGE);
            for (EventSource.Frame f : page) {
                if (f.seq() > lastSent) {
                    sendText(f.text());
                    lastSent = f.seq();
                }
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }

    private void finish(String state) throws InterruptedException {
        sendText(Json.MAPPER.createObjectNode().put("kind", "end").put("state", state).toString());
        close(1000, "the stream has ended: " + state);
    }

    /** Sends one text frame and waits until it is written (so a slow client blocks only its own sender). */
    private void sendText(String text) throws InterruptedException {
        if (isClosed()) {
            throw new InterruptedException("closed");
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        ws.session.sendText(text, Callback.from(() -> written.complete(null), written::completeExceptionally));
        try {
            written.get();
        } catch (ExecutionException e) {
            throw new SendFailed(e.getCause());
        }
    }

    private static final class SendFailed extends RuntimeException {
        SendFailed(Throwable cause) {
            super(cause);
        }
    }
}
