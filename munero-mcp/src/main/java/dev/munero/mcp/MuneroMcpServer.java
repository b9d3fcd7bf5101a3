package dev.munero.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpTransportContextExtractor;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Munero as an MCP server: the eleven tools ({@code build}, {@code graph}, {@code explain}, {@code run_start},
 * {@code run_status}, {@code run_events}, {@code run_pause}, {@code run_resume}, {@code run_cost}, {@code runs_list},
 * {@code memory_search})
 * and two resource templates ({@code munero://runs/{id}/report}, {@code munero://builds/{build}/steps/{step}/log}),
 * each a thin call into the application API through a {@link McpBackend}, served with the official MCP Java SDK
 * 2.1.0 (spec 2025-11-25) over stdio ({@link #stdio}) or Streamable HTTP ({@link #servlet}).
 *
 * <p>A tool that fails answers {@code isError: true} with the CLI's message (an {@code AppException}'s), never a
 * JSON-RPC error; an unknown tool name is the protocol error the spec prescribes (-32602, from the SDK). Roles:
 * over HTTP the front end tells each request's {@link McpRole}; {@code tools/list} shows only the tools it may call
 * and a call above it is {@code isError}. Over stdio every tool is allowed.
 *
 * <p>Thread-safe; one instance may serve several transports at once.
 */
public final class MuneroMcpServer {
    /** The transport-context key of the caller's {@link McpRole} (HTTP); absent over stdio (no limit). */
    public static final String ROLE = "munero.role";
    /** The value under {@link #ROLE} when the front end knows no role for the caller: nothing is allowed. */
    static final String NO_ROLE = "none";
    /** The server's name in {@code initialize}. */
    public static final String NAME = "munero";

    private static final McpJsonMapper MAPPER = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    private final McpBackend backend;
    private final Cancellations cancellations = new Cancellations();
    private final McpTools tools;
    private final McpResources resources;

    /** The tools and resources over {@code backend}. */
    public MuneroMcpServer(McpBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.tools = new McpTools(backend, cancellations);
        this.resources = new McpResources(backend);
    }

    /** The backend the tools act on. */
    public McpBackend backend() {
        return backend;
    }

    /** The tools as SDK specifications (each with an input and output schema), in {@code tools/list} order. */
    public List<SyncToolSpecification> tools() {
        return tools.specifications();
    }

    /** The two resource templates as SDK specifications. */
    public List<SyncResourceTemplateSpecification> resourceTemplates() {
        return resources.specifications();
    }

    /** A served transport; {@link #close} stops serving (the backend stays open: close it after). */
    public interface Serving extends AutoCloseable {
        /**
         * Waits until the client has gone (stdio: standard input ended), at most {@code timeout}.
         *
         * @return whether it had gone in time
         * @throws InterruptedException when interrupted while waiting
         */
        boolean awaitClosed(Duration timeout) throws InterruptedException;

        /**
         * Waits until the client has gone (stdio: standard input ended), however long that takes: what
         * {@code munero mcp} does before it closes the backend.
         *
         * @throws InterruptedException when interrupted while waiting
         */
        default void awaitClosed() throws InterruptedException {
            while (!awaitClosed(Duration.ofDays(1))) {
                // keep waiting
            }
        }

        @Override
        void close();
    }

    /**
     * Serves on this process's standard input and output (the stdio transport: one JSON-RPC message per line).
     * Nothing else may write to {@code System.out} while it serves; diagnostics go to standard error.
     */
    public Serving stdio() {
        return stdio(System.in, System.out, System.err);
    }

    /**
     * {@link #stdio()} on the streams given (tests, or a host that hands its own pipes). A line of {@code in} that is
     * not JSON is skipped with a note on {@code notices} ({@link JsonLines}); the session goes on.
     */
    public Serving stdio(InputStream in, OutputStream out, PrintStream notices) {
        CountDownLatch closed = new CountDownLatch(1);
        StdioServerTransportProvider stdio = new StdioServerTransportProvider(MAPPER, new JsonLines(in, notices),
                out);
        McpServerTransportProvider provider = new McpServerTransportProvider() {
            @Override
            public void setSessionFactory(McpServerSession.Factory factory) {
                stdio.setSessionFactory(CancellingSession.around(factory, cancellations, closed::countDown));
            }

            @Override
            public Mono<Void> notifyClients(String method, Object params) {
                return stdio.notifyClients(method, params);
            }

            @Override
            public Mono<Void> notifyClient(String sessionId, String method, Object params) {
                return stdio.notifyClient(sessionId, method, params);
            }

            @Override
            public Mono<Void> closeGracefully() {
                return stdio.closeGracefully();
            }
        };
        McpSyncServer server = configure(McpServer.sync(provider)).build();
        return new Serving() {
            @Override
            public boolean awaitClosed(Duration timeout) throws InterruptedException {
                return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }

            @Override
            public void close() {
                server.closeGracefully();
                closed.countDown();
            }
        };
    }

    /** The Streamable HTTP endpoint: a servlet to mount, and how to stop it. */
    public interface Http extends AutoCloseable {
        /**
         * The servlet: mount it at the endpoint given to {@link #servlet} with async support on (the SDK answers
         * with server-sent events). Servlet 6.0 (Jakarta EE 10; Jetty 12 ee10).
         */
        HttpServlet servlet();

        /** Closes every MCP session and stops serving. */
        @Override
        void close();
    }

    /**
     * The Streamable HTTP transport (the SDK's {@code HttpServletStreamableServerTransportProvider}) at
     * {@code endpoint}, for a front end that has already checked the caller's token: {@code roleOf} gives the
     * caller's role from its request (null: none, so nothing is allowed); see {@link #contextExtractor}.
     *
     * @param endpoint the path the servlet is mounted at, e.g. {@code /mcp}
     */
    public Http servlet(String endpoint, Function<HttpServletRequest, McpRole> roleOf) {
        HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(MAPPER).mcpEndpoint(endpoint).contextExtractor(contextExtractor(roleOf)).build();
        McpSyncServer server = configure(McpServer.sync(provider)).build();
        McpServlet servlet = new McpServlet(provider, cancellations);
        return new Http() {
            @Override
            public HttpServlet servlet() {
                return servlet;
            }

            @Override
            public void close() {
                server.closeGracefully();
            }
        };
    }

    /**
     * The hook through which an HTTP front end passes the caller's role: a transport-context extractor putting
     * {@code roleOf(request)} under {@link #ROLE} (null becomes "no role": nothing allowed), and the request's
     * JSON-RPC id for cancellation. {@link #servlet} uses it; a front end building its own SDK transport can too.
     */
    public static McpTransportContextExtractor<HttpServletRequest> contextExtractor(
            Function<HttpServletRequest, McpRole> roleOf) {
        Objects.requireNonNull(roleOf, "roleOf");
        return request -> {
            Map<String, Object> values = new HashMap<>();
            McpRole role = roleOf.apply(request);
            values.put(ROLE, role == null ? NO_ROLE : role);
            Object id = request.getAttribute(McpServlet.REQUEST_ID_ATTRIBUTE);
            if (id != null) {
                values.put(Cancellations.REQUEST_ID, id);
            }
            return McpTransportContext.create(values);
        };
    }

    /** The caller's role in {@code context}: null over stdio (no limit) or when the front end knows none. */
    static McpRole roleOf(McpTransportContext context) {
        return context.get(ROLE) instanceof McpRole r ? r : null;
    }

    /** Whether the caller in {@code context} may do what needs {@code needed}: always over stdio. */
    static boolean allowed(McpTransportContext context, McpRole needed) {
        Object role = context == null ? null : context.get(ROLE);
        if (role == null) {
            return true; // stdio: the host that spawned munero mcp is its user
        }
        return role instanceof McpRole r && r.includes(needed);
    }

    private <S extends McpServer.SyncSpecification<S>> McpServer.SyncSpecification<S> configure(
            McpServer.SyncSpecification<S> spec) {
        Map<String, McpRole> roles = tools.roles();
        return spec.serverInfo(NAME, version())
                .jsonMapper(MAPPER)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).resources(false, false).build())
                .instructions("Munero builds this repository (build, graph, explain) and runs its build manager "
                        + "(run_*). Results are structured JSON; failures are isError with what to do.")
                .tools(tools())
                .resourceTemplates(resourceTemplates())
                .addToolFilter((context, tool) -> allowed(context, roles.getOrDefault(tool.name(), McpRole.OPERATOR)));
    }

    private static String version() {
        String v = MuneroMcpServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
