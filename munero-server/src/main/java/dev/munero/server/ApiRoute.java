package dev.munero.server;

import io.javalin.http.Handler;
import java.util.List;
import java.util.Objects;

/**
 * One route of the server, as {@link ApiRoutes} declares it: method and path (Javalin's {@code {param}} syntax,
 * which is also OpenAPI's), the least {@link Role} it needs, and what the OpenAPI document says of it. The route
 * table is the one place roles are declared; the server registers each route with Javalin with its role, and
 * {@link OpenApi} documents each from the same record. Immutable.
 *
 * @param method   {@code GET}, {@code POST}... or {@code WS} for a WebSocket (documented as a GET upgrade)
 * @param path     e.g. {@code /api/v1/runs/{id}}
 * @param summary  one line for the OpenAPI document
 * @param query    the query parameters it reads
 * @param request  the body it takes (POST), or null
 * @param status   its success status (200, 201, 202; 101 for a WebSocket)
 * @param response what it answers with
 * @param handler  the HTTP handler; null for {@code WS} (see {@link #ws})
 * @param ws       the WebSocket's handlers; null for HTTP
 */
public record ApiRoute(String method, String path, Role role, String summary, List<Param> query, Shape request,
                       int status, Shape response, Handler handler,
                       java.util.function.Consumer<io.javalin.websocket.WsConfig> ws) {
    public ApiRoute {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(role, "role");
        query = List.copyOf(query);
        if ((handler == null) == (ws == null)) {
            throw new IllegalArgumentException(method + " " + path + ": give an HTTP handler or WebSocket handlers");
        }
    }

    /** An HTTP route. */
    public static ApiRoute http(String method, String path, Role role, String summary, List<Param> query,
                                Shape request, int status, Shape response, Handler handler) {
        return new ApiRoute(method, path, role, summary, query, request, status, response, handler, null);
    }

    /** Whether this is a WebSocket route. */
    public boolean isWebSocket() {
        return ws != null;
    }

    /**
     * A query parameter.
     *
     * @param type an OpenAPI scalar type: {@code string}, {@code integer}, {@code boolean}, {@code number}
     */
    public record Param(String name, String type, String description) { }

    /** What a route takes or answers, for the OpenAPI document. */
    public sealed interface Shape {
        /** A JSON object shaped like the record {@code type} (snake_case fields). */
        record Of(Class<?> type) implements Shape { }

        /** A JSON array of {@code type}. */
        record ListOf(Class<?> type) implements Shape { }

        /** A page: {@code {items:[type], total, limit, offset}}. */
        record PageOf(Class<?> type) implements Shape { }

        /** Text of a media type ({@code text/plain}, {@code text/vnd.graphviz}...). */
        record Text(String mediaType, String description) implements Shape { }

        /** Any JSON object, described in words. */
        record AnyObject(String description) implements Shape { }
    }
}
