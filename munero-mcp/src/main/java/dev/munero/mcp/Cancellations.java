package dev.munero.mcp;

import io.modelcontextprotocol.server.McpSyncServerExchange;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls that can be cancelled, by session and JSON-RPC request id, and the {@code notifications/cancelled}
 * the client sends for them. The MCP Java SDK 2.1.0 has no handler for that notification (it logs "no handler" and
 * drops it) and does not give a tool handler its request id, so the transports Munero builds see both on the way in
 * (stdio: {@link CancellingSession}; HTTP: {@link McpServlet}): a request's id goes into its transport context under
 * {@link #REQUEST_ID}, a cancellation comes here. A cancellation of a request that is not registered (finished, or
 * not a cancellable tool) is ignored, as the spec allows. Thread-safe.
 */
final class Cancellations {
    /** The transport-context key of the JSON-RPC id of the request being handled (its text). */
    static final String REQUEST_ID = "munero.request_id";

    private final Map<String, Registration> active = new ConcurrentHashMap<>();

    /**
     * Registers the call {@code exchange} is handling as cancellable; {@link Registration#attach} then gives what
     * cancelling does (at once when the cancellation came first). A transport that does not tell the request id
     * gives a registration that is never cancelled.
     */
    Registration register(McpSyncServerExchange exchange) {
        Object id = exchange.transportContext().get(REQUEST_ID);
        if (id == null) {
            return new Registration(null);
        }
        Registration r = new Registration(key(exchange.sessionId(), id));
        active.put(r.key, r);
        return r;
    }

    /** The client cancelled request {@code requestId} of session {@code sessionId}. */
    void cancelled(String sessionId, Object requestId) {
        if (requestId == null) {
            return;
        }
        Registration r = active.get(key(sessionId, requestId));
        if (r != null) {
            r.cancel();
        }
    }

    private static String key(String sessionId, Object requestId) {
        return sessionId + "\u0000" + requestId;
    }

    /** One cancellable call; close it when the call returns. */
    final class Registration implements AutoCloseable {
        private final String key;
        private Runnable action;
        private boolean cancelled;

        private Registration(String key) {
            this.key = key;
        }

        /** What cancelling the call does; run at once when the client has already cancelled it. */
        void attach(Runnable cancel) {
            boolean now;
            synchronized (this) {
                action = cancel;
                now = cancelled;
            }
            if (now) {
                cancel.run();
            }
        }

        /** Whether the client has cancelled the call. */
        synchronized boolean isCancelled() {
            return cancelled;
        }

        private void cancel() {
            Runnable a;
            synchronized (this) {
                cancelled = true;
                a = action;
            }
            if (a != null) {
                a.run();
            }
        }

        @Override
        public void close() {
            if (key != null) {
                active.remove(key, this);
            }
        }
    }
}
