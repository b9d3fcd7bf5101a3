package dev.munero.server;

import io.javalin.websocket.WsContext;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * One WebSocket client of an event stream. Its sender (a virtual thread) sends the backlog after {@code since}, read
 * from the source in pages, then the live frames the follower puts in its bounded queue, skipping any seq already
 * sent, so the client sees every event once, in seq order; a heartbeat {@code {"kind":"heartbeat","last_seq":N}}
 * when nothing was sent for the heartbeat interval; and {@code {"kind":"end","state":S}} then a normal close (1000)
 * once the source has ended and every event was sent.
 *
 * <p>Memory per client is bounded: the queue holds at most {@code capacity} frames. When a burst overflows it, the
 * overflowing frames are dropped and the sender reads them back from the source (the log is the buffer). A client
 * whose socket accepts nothing for {@code slowAfter} while a frame waits (it stopped reading, or reads slower than
 * the run writes) is closed with 1008 and the reason {@code client too slow; reconnect with since=SEQ}, SEQ being
 * the last event handed to its socket (the last one it will read before the close); the other clients go on.
 * Thread-safe: {@link #offer} is called by the follower, the rest by the sender.
 */
final class EventConnection {
    /** The close code for a client too slow to keep up (RFC 6455: policy violation). */
    static final int TOO_SLOW = 1008;
    private static final int PAGE = 500;

    private final WsContext ws;
    private final EventSource source;
    private final BlockingQueue<EventSource.Frame> queue;
    private final long heartbeatMillis;
    private final long slowAfterMillis;
    private final PrintStream log;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean gone = new AtomicBoolean();
    private final AtomicBoolean overflowed = new AtomicBoolean();
    private volatile long lastSent;
    private volatile Thread sender;

    EventConnection(WsContext ws, EventSource source, long since, int capacity, long heartbeatMillis,
                    long slowAfterMillis, PrintStream log) {
        this.ws = ws;
        this.source = source;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.heartbeatMillis = heartbeatMillis;
        this.slowAfterMillis = slowAfterMillis;
        this.log = log;
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
            } catch (RuntimeException e) {
                log.println("munero serve: the event stream " + ws.sessionId() + " failed: " + e);
                close(1011, "the server failed to read the events: " + e.getMessage());
            } finally {
                onEnd.run();
            }
        });
    }

    /**
     * Hands a live frame to this client; when its queue is full the frame is dropped and the sender will read it
     * back from the source. Never blocks.
     */
    void offer(EventSource.Frame frame) {
        if (!closed.get() && !queue.offer(frame)) {
            overflowed.set(true);
        }
    }

    /** Closes the connection (once, without waiting for the close frame to be written) and stops the sender. */
    void close(int code, String reason) {
        if (closed.compareAndSet(false, true)) {
            // the close frame goes out after what the socket already holds; Jetty's idle timeout drops a client
            // that reads nothing at all
            ws.session.close(code, reason, Callback.NOOP);
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

    /** The last event seq handed to the socket. */
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
            if (overflowed.getAndSet(false)) {
                queue.clear(); // everything in it is read back from the source
                catchUp();
                Optional<String> ended = source.ended(); // a state change may have been dropped too
                if (ended.isPresent()) {
                    catchUp();
                    finish(ended.get());
                    return;
                }
                continue;
            }
            EventSource.Frame frame = queue.poll(heartbeatMillis, TimeUnit.MILLISECONDS);
            if (frame == null) {
                if (!overflowed.get()) {
                    sendText(Json.MAPPER.createObjectNode().put("kind", "heartbeat").put("last_seq", lastSent)
                            .toString());
                }
            } else if (frame.isEvent()) {
                if (frame.seq() > lastSent) {
                    sendEvent(frame);
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
                    sendEvent(f);
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

    private void sendEvent(EventSource.Frame f) throws InterruptedException {
        CompletableFuture<Void> written = write(f.text());
        lastSent = f.seq(); // handed to the socket: the client reads it before any close frame
        await(written);
    }

    private void sendText(String text) throws InterruptedException {
        await(write(text));
    }

    private CompletableFuture<Void> write(String text) throws InterruptedException {
        if (isClosed()) {
            throw new InterruptedException("closed");
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        ws.session.sendText(text, Callback.from(() -> written.complete(null), written::completeExceptionally));
        return written;
    }

    /** Waits until the socket took the frame; closes the client as too slow when it takes longer than allowed. */
    private void await(CompletableFuture<Void> written) throws InterruptedException {
        try {
            written.get(slowAfterMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new SendFailed(e.getCause());
        } catch (TimeoutException e) {
            log.println("munero serve: closed the event stream " + ws.sessionId() + " (1008, client too slow: its "
                    + "socket took nothing for " + slowAfterMillis + " ms; it may reconnect with since=" + lastSent
                    + ")");
            close(TOO_SLOW, "client too slow; reconnect with since=" + lastSent);
            throw new InterruptedException("too slow");
        }
    }

    private static final class SendFailed extends RuntimeException {
        SendFailed(Throwable cause) {
            super(cause);
        }
    }
}
