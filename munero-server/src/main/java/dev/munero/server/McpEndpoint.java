package dev.munero.server;

import dev.munero.core.app.Access;
import dev.munero.core.app.Runs;
import dev.munero.mcp.McpBackend;
import dev.munero.mcp.McpRole;
import dev.munero.mcp.MuneroMcpServer;
import dev.munero.server.security.TokenGuard;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServlet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Munero's MCP server ({@link MuneroMcpServer}) over Streamable HTTP at {@link #PATH}, on the server's first
 * repository, with the run registry and session factory the REST API uses (a run started over MCP is driven, paused on
 * stop, streamed and counted like one started over REST).
 *
 * <p>The SDK's transport is a servlet; it is not mounted on Jetty beside Javalin but called from two ordinary routes of
 * the route table ({@code POST /mcp}: JSON-RPC messages, answered as JSON or as an event stream; {@code DELETE /mcp}:
 * the end of a session), so the {@link Guard} admits each request first with the same tokens, roles (the route needs
 * {@link Role#VIEWER}), rate limit and audit log as the REST API, and the OpenAPI document lists them. The caller's
 * role reaches the tools through the SDK's transport context ({@link MuneroMcpServer#servlet}'s hook): a viewer token
 * sees and may call only the reading tools; operator and admin tokens, and every caller of a server without auth, all.
 *
 * <p>{@code GET /mcp} (the optional stream of messages the server sends outside any request) is not offered: Javalin
 * completes a request when its handler returns, so the stream would end at once; a client gets 405, which the
 * specification provides for ("the server does not offer an SSE stream at this endpoint"), and Munero has nothing to
 * send there (progress of a tool call travels on that call's own response stream). Thread-safe.
 */
final class McpEndpoint implements AutoCloseable {
    /** Where it is served. */
    static final String PATH = "/mcp";
    /** The request attribute carrying the caller's {@link McpRole} from the guard to the transport context. */
    private static final String ROLE_ATTRIBUTE = "munero.mcp-role";

    private final MuneroMcpServer.Http http;
    private final HttpServlet servlet;

    /**
     * @param repo     the repository the tools act on (the first one served)
     * @param env      the environment builds and runs see
     * @param sessions how the session of a run is made
     * @param registry where started runs are driven
     */
    McpEndpoint(ServedRepo repo, Map<String, String> env, SessionFactory sessions, RunRegistry registry) {
        McpBackend backend = McpBackend.of(repo.path(), env, new McpBackend.RunsSource() {
            @Override
            public Optional<Runs> ifAny() {
                return repo.runsIfAny();
            }

            @Override
            public Runs existing() {
                return repo.runs();
            }

            @Override
            public Runs creating() {
                return repo.runsCreating();
            }
        }, repo::builds, sessions::open, started -> registry.launch(repo, started));
        this.http = new MuneroMcpServer(backend).servlet(PATH,
                request -> request.getAttribute(ROLE_ATTRIBUTE) instanceof McpRole r ? r : null);
        this.servlet = http.servlet();
    }

    /** The routes to add to the route table. */
    List<ApiRoute> routes() {
        ApiRoute.Shape jsonRpc = new ApiRoute.Shape.AnyObject("a JSON-RPC 2.0 message of the Model Context Protocol "
                + "(2025-11-25); requests are answered as application/json or as a text/event-stream that carries "
                + "progress notifications and then the response");
        return List.of(
                ApiRoute.http("POST", PATH, Role.VIEWER, "The MCP endpoint (Streamable HTTP): Munero's tools and "
                        + "resources for MCP hosts; the tools a caller sees and may call follow its token's role",
                        List.of(), jsonRpc, 200, jsonRpc, this::serve),
                ApiRoute.http("DELETE", PATH, Role.VIEWER, "Ends the MCP session named by the Mcp-Session-Id header",
                        List.of(), null, 200, new ApiRoute.Shape.Text("text/plain", "empty"), this::serve));
    }

    private void serve(Context ctx) throws Exception {
        ctx.req().setAttribute(ROLE_ATTRIBUTE, role(ctx));
        servlet.service(ctx.req(), ctx.res());
    }

    /** The admitted caller's MCP role: from its token; with no token (auth off, loopback only) the local user's. */
    private static McpRole role(Context ctx) {
        return TokenGuard.principal(ctx).map(p -> p.role().includes(Access.Role.OPERATOR) ? McpRole.OPERATOR
                : McpRole.VIEWER).orElse(McpRole.OPERATOR);
    }

    /** Closes every MCP session. */
    @Override
    public void close() {
        http.close();
    }
}
