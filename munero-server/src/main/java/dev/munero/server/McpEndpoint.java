package dev.munero.server;

import dev.munero.core.app.Access;
import dev.munero.core.app.Runs;
import dev.munero.mcp.McpBackend;
import dev.munero.mcp.McpRole;
import dev.munero.mcp.MuneroMcpServer;
import dev.munero.server.security.TokenGuard;
import io.javalin.http.Context;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Munero's MCP server ({@link MuneroMcpServer}) over Streamable HTTP at {@link #PATH}, on the server's first
 * repository, with the run registry and session factory the REST API uses (a run started over MCP is driven, paused on
 * stop, streamed and counted like one started over REST).
 *
 * <p>The SDK's transport is a servlet; it is not mounted on Jetty beside Javalin but called from two ordinary routes of
 * the route table ({@code POST /mcp}: JSON-RPC messages, answered as JSON or as an event stream; {@code DELETE /mcp}:
 * the end of a session), so the {@link Guard} admits each request first with the same tokens, roles (the route needs
 * {@link Role#VIEWER}), rate limit and audit log as the REST API (each row also names the MCP message, e.g.
 * {@code POST /mcp tools/call build}, from a copy of the body as the servlet reads it), and the OpenAPI document lists
 * them. The caller's
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
    /** How much of a message's body is kept for its audit row, bytes: a bigger message is audited without detail. */
    private static final int AUDITED_BODY = 1 << 20;
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
        Teed request = new Teed(ctx.req());
        try {
            servlet.service(request, ctx.res());
        } finally {
            String detail = detail(request.copy.toByteArray(), request.copy.size() > AUDITED_BODY);
            if (detail != null) {
                ctx.attribute(TokenGuard.AUDIT_DETAIL, detail);
            }
        }
    }

    /**
     * What the audit row says of an MCP message besides {@code POST /mcp}: its method, and for {@code tools/call} the
     * tool, for {@code resources/read} the URI (at most 200 characters, control characters dropped); null for a
     * response, a body that is not a JSON-RPC message or one over {@link #AUDITED_BODY} bytes.
     */
    static String detail(byte[] body, boolean cut) {
        if (cut || body.length == 0) {
            return null;
        }
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
        String method = message == null ? "" : message.path("method").asString("");
        if (method.isEmpty()) {
            return null;
        }
        String what = switch (method) {
            case "tools/call" -> method + " " + message.at("/params/name").asString("");
            case "resources/read" -> method + " " + message.at("/params/uri").asString("");
            default -> method;
        };
        String clean = what.strip().replaceAll("\\p{Cntrl}", "");
        return clean.length() > 200 ? clean.substring(0, 200) : clean;
    }

    /** The request, with what the MCP servlet reads of its body copied (up to {@link #AUDITED_BODY} bytes + 1). */
    private static final class Teed extends HttpServletRequestWrapper {
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        private ServletInputStream stream;

        Teed(HttpServletRequest request) {
            super(request);
        }

        @Override
        public synchronized ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }

                    @Override
                    public int read() throws IOException {
                        int b = in.read();
                        if (b >= 0 && copy.size() <= AUDITED_BODY) {
                            copy.write(b);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int off, int len) throws IOException {
                        int n = in.read(buffer, off, len);
                        if (n > 0 && copy.size() <= AUDITED_BODY) {
                            copy.write(buffer, off, Math.min(n, AUDITED_BODY + 1 - copy.size()));
                        }
                        return n;
                    }
                };
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            return new BufferedReader(new InputStreamReader(getInputStream(),
                    encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding)));
        }
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
