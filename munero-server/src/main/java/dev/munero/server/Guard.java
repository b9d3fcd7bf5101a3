package dev.munero.server;

import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import java.util.function.Consumer;

/**
 * The hook the security layer plugs into: it sees every routed request before its handler (HTTP requests and the
 * HTTP upgrade of a WebSocket) with the {@link Role} the route needs, and every HTTP request after it was answered.
 *
 * <p>{@link #admit} lets a request through by returning, and refuses it by throwing a {@link ProblemException}
 * (401, 403, 429 with {@code Retry-After}...), which the server answers as {@code application/problem+json}.
 * {@link #completed} runs after every routed HTTP request, refused ones included, with the final status (for the
 * audit log). Implementations must be thread-safe: requests run concurrently on virtual threads.
 */
public interface Guard {
    /** Lets every request through: for a server on a loopback address without auth. */
    Guard OPEN = (ctx, required) -> { };

    /**
     * Decides whether the request may reach the route.
     *
     * @param required the least role the route needs (from {@link ApiRoutes})
     * @throws ProblemException to refuse it, with the status and message the caller gets
     */
    void admit(Context ctx, Role required);

    /** After the route answered (or was refused): {@code ctx.statusCode()} is final. Must not throw. */
    default void completed(Context ctx, Role required) {
    }

    /**
     * The handler to register for a WebSocket route: {@code handler} itself, or one that holds a connection
     * {@link #admit} let through without a header until it authenticates with its first frame (security's
     * {@code TokenGuard}).
     *
     * @param path the route's path as registered
     */
    default Consumer<WsConfig> websocket(String path, Consumer<WsConfig> handler) {
        return handler;
    }
}
