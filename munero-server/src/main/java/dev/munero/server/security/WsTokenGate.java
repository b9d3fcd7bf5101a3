package dev.munero.server.security;

import dev.munero.core.app.Access;
import dev.munero.server.ProblemException;
import io.javalin.websocket.WsBinaryMessageHandler;
import io.javalin.websocket.WsCloseHandler;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsConnectHandler;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsErrorHandler;
import io.javalin.websocket.WsMessageContext;
import io.javalin.websocket.WsMessageHandler;
import io.javalin.websocket.WsUpgradeLogger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One WebSocket route's handler behind the first-frame token check ({@link TokenGuard#websocket}). A connection the
 * guard let through without a header (it is "pending") is held here: its first text frame must be
 * {@code {"token":"..."}}, checked like a header (401/403/429 become close 1008 with a short reason); until then
 * the route's handlers see nothing of it. Jetty delivers one connection's callbacks one at a time, so a connection's
 * state needs no lock; the map is shared by all connections.
 */
final class WsTokenGate {
    /** WebSocket close code 1008, policy violation (RFC 6455 section 7.4.1). */
    static final int POLICY_VIOLATION = 1008;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final TokenGuard guard;
    private final Handlers inner = new Handlers();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private record Pending(WsConnectContext connect, Access.Role required, ScheduledFuture<?> timeout) {
    }

    WsTokenGate(TokenGuard guard, java.util.function.Consumer<WsConfig> handler) {
        this.guard = guard;
        handler.accept(inner);
    }

    void install(WsConfig ws) {
        ws.onConnect(this::connect);
        ws.onMessage(this::message);
        ws.onBinaryMessage(ctx -> {
            if (pending.containsKey(ctx.sessionId())) {
                refuse(ctx, "send {\"token\":\"...\"} as a text frame first");
            } else if (inner.binary != null) {
                inner.binary.handleBinaryMessage(ctx);
            }
        });
        ws.onClose(ctx -> {
            Pending p = pending.remove(ctx.sessionId());
            if (p != null) {
                p.timeout().cancel(false);
            } else if (inner.close != null) {
                inner.close.handleClose(ctx);
            }
        });
        ws.onError(ctx -> {
            Pending p = pending.remove(ctx.sessionId());
            if (p != null) {
                p.timeout().cancel(false);
            } else if (inner.error != null) {
                inner.error.handleError(ctx);
            }
        });
        if (inner.upgrade != null) {
            ws.onUpgrade(inner.upgrade);
        }
    }

    private void connect(WsConnectContext ctx) throws Exception {
        Access.Role required = TokenGuard.pendingRole(ctx);
        if (required == null) {
            Optional<Principal> byHeader = TokenGuard.principal(ctx).filter(p -> p.tokenId().isPresent());
            byHeader.ifPresent(p -> guard.audit(p.name(), p.tokenId(), "WS " + path(ctx), remote(ctx), 101));
            if (inner.connect != null) {
                inner.connect.handleConnect(ctx);
            }
            return;
        }
        long millis = guard.options().wsTokenTimeout().toMillis();
        ScheduledFuture<?> timeout = guard.timer().schedule(() -> {
            if (pending.remove(ctx.sessionId()) != null) {
                guard.audit(Access.NOBODY, Optional.empty(), "WS " + path(ctx), remote(ctx), 401);
                ctx.closeSession(POLICY_VIOLATION, "no token: send {\"token\":\"...\"} first, within "
                        + (millis >= 1000 ? millis / 1000 + " s" : millis + " ms"));
            }
        }, millis, TimeUnit.MILLISECONDS);
        pending.put(ctx.sessionId(), new Pending(ctx, required, timeout));
    }

    private void message(WsMessageContext ctx) throws Exception {
        Pending p = pending.get(ctx.sessionId());
        if (p == null) {
            if (inner.message != null) {
                inner.message.handleMessage(ctx);
            }
            return;
        }
        String token = token(ctx.message());
        if (token == null) {
            refuse(ctx, "the first frame must be {\"token\":\"...\"}");
            return;
        }
        Principal principal = null;
        try {
            principal = guard.identify(token);
            guard.permit(principal, p.required());
        } catch (ProblemException refused) {
            if (pending.remove(ctx.sessionId()) != null) {
                p.timeout().cancel(false);
                guard.audit(principal == null ? Access.NOBODY : principal.name(),
                        principal == null ? Optional.empty() : principal.tokenId(), "WS " + path(ctx), remote(ctx),
                        refused.status());
                ctx.closeSession(POLICY_VIOLATION, switch (refused.status()) {
                    case 403 -> "forbidden: this stream needs the " + p.required().id() + " role";
                    case 429 -> "rate limited: retry in " + refused.headers().get("Retry-After") + " s";
                    case 503 -> "unavailable: the token database cannot be read";
                    default -> "invalid token";
                });
            }
            return;
        }
        if (pending.remove(ctx.sessionId()) == null) {
            return; // timed out meanwhile: already closed
        }
        p.timeout().cancel(false);
        TokenGuard.markAuthenticated(p.connect(), principal);
        guard.audit(principal.name(), principal.tokenId(), "WS " + path(ctx), remote(ctx), 101);
        if (inner.connect != null) {
            inner.connect.handleConnect(p.connect());
        }
    }

    private void refuse(WsContext ctx, String reason) {
        Pending p = pending.remove(ctx.sessionId());
        if (p != null) {
            p.timeout().cancel(false);
            guard.audit(Access.NOBODY, Optional.empty(), "WS " + path(ctx), remote(ctx), 401);
        }
        ctx.closeSession(POLICY_VIOLATION, reason);
    }

    private static String token(String frame) {
        try {
            JsonNode node = JSON.readTree(frame);
            JsonNode token = node == null ? null : node.get("token");
            return token != null && token.isString() ? token.asString() : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String path(WsContext ctx) {
        return ctx.session.getUpgradeRequest().getRequestURI().getPath();
    }

    private static String remote(WsContext ctx) {
        java.net.SocketAddress address = ctx.session.getRemoteSocketAddress();
        return address instanceof java.net.InetSocketAddress inet ? inet.getAddress().getHostAddress()
                : String.valueOf(address);
    }

    /** The route's own handlers, captured instead of registered. */
    private static final class Handlers extends WsConfig {
        WsConnectHandler connect;
        WsMessageHandler message;
        WsBinaryMessageHandler binary;
        WsCloseHandler close;
        WsErrorHandler error;
        WsUpgradeLogger upgrade;

        @Override
        public void onConnect(WsConnectHandler handler) {
            connect = handler;
        }

        @Override
        public void onMessage(WsMessageHandler handler) {
            message = handler;
        }

        @Override
        public void onBinaryMessage(WsBinaryMessageHandler handler) {
            binary = handler;
        }

        @Override
        public void onClose(WsCloseHandler handler) {
            close = handler;
        }

        @Override
        public void onError(WsErrorHandler handler) {
            error = handler;
        }

        @Override
        public void onUpgrade(WsUpgradeLogger handler) {
            upgrade = handler;
        }
    }
}
