package dev.munero.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import java.time.Duration;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * The SDK's stdio session with Munero's two additions on the way in: every request is handled with its JSON-RPC id in
 * the transport context ({@link Cancellations#REQUEST_ID}), and {@code notifications/cancelled} goes to the
 * {@link Cancellations} (the SDK 2.1.0 has no handler for it). Everything else is the SDK session's own behaviour: each
 * public method delegates to it. {@code onClose} runs when the session closes (the stdio transport closes it at the
 * end of standard input). Thread-safe as the SDK session is.
 */
final class CancellingSession extends McpServerSession {
    /** The notification a client sends to cancel a request it made (spec 2025-11-25, "Cancellation"). */
    static final String CANCELLED = "notifications/cancelled";

    private final McpServerSession delegate;
    private final Cancellations cancellations;
    private final Runnable onClose;

    CancellingSession(McpServerSession delegate, McpServerTransport transport, Cancellations cancellations,
                      Runnable onClose) {
        // the superclass's state is unused: every public method below delegates
        super(delegate.getId(), Duration.ofSeconds(1), transport, request -> Mono.empty(), Map.of(), Map.of());
        this.delegate = delegate;
        this.cancellations = cancellations;
        this.onClose = onClose;
    }

    /** A session factory whose sessions are {@link CancellingSession}s around {@code factory}'s. */
    static McpServerSession.Factory around(McpServerSession.Factory factory, Cancellations cancellations,
                                           Runnable onClose) {
        return transport -> new CancellingSession(factory.create(transport), transport, cancellations, onClose);
    }

    @Override
    public Mono<Void> handle(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCNotification n && CANCELLED.equals(n.method())) {
            if (n.params() instanceof Map<?, ?> params) {
                cancellations.cancelled(getId(), params.get("requestId"));
            }
            return Mono.empty();
        }
        if (message instanceof McpSchema.JSONRPCRequest r && r.id() != null) {
            String id = String.valueOf(r.id());
            return delegate.handle(message).contextWrite(ctx -> {
                McpTransportContext inner = ctx.getOrDefault(McpTransportContext.KEY, McpTransportContext.EMPTY);
                McpTransportContext withId = key -> Cancellations.REQUEST_ID.equals(key) ? id : inner.get(key);
                return ctx.put(McpTransportContext.KEY, withId);
            });
        }
        return delegate.handle(message);
    }

    @Override
    public String getId() {
        return delegate.getId();
    }

    @Override
    public void init(McpSchema.ClientCapabilities capabilities, McpSchema.Implementation info) {
        delegate.init(capabilities, info);
    }

    @Override
    public void setMinLoggingLevel(McpSchema.LoggingLevel level) {
        delegate.setMinLoggingLevel(level);
    }

    @Override
    public boolean isNotificationForLevelAllowed(McpSchema.LoggingLevel level) {
        return delegate.isNotificationForLevelAllowed(level);
    }

    @Override
    public <T> Mono<T> sendRequest(String method, Object params, TypeRef<T> type) {
        return delegate.sendRequest(method, params, type);
    }

    @Override
    public Mono<Void> sendNotification(String method, Object params) {
        return delegate.sendNotification(method, params);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully().doFinally(s -> onClose.run());
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            onClose.run();
        }
    }
}
