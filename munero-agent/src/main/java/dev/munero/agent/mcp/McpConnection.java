package dev.munero.agent.mcp;

import dev.munero.agent.safety.EnvironmentScrubber;
import dev.munero.engine.config.Durations;
import dev.munero.engine.exec.ProcessRunner;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * One started instance of a server: its transport, the SDK client over it, what {@code initialize} answered and the
 * tools it listed. A restart makes a new instance.
 *
 * <p>Every request waits on its answer and on {@link #failure()} together, so a server that exits or breaks the
 * protocol ends the waiting at once with the reason instead of at the timeout.
 *
 * <p>Thread-safe.
 */
final class McpConnection implements AutoCloseable {
    /** The {@code _meta} key of a tool call's marker, which maps it to its JSON-RPC id for cancellation. */
    static final String CALL_MARKER = "dev.munero/call";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private final McpServerSpec spec;
    private final McpClientTransport transport;
    private final StdioTransport stdio;
    private final McpAsyncClient client;
    private final CompletableFuture<String> failure;
    private final Map<String, Object> callIds = new ConcurrentHashMap<>();
    private volatile McpSchema.InitializeResult init;
    private volatile List<McpSchema.Tool> tools = List.of();
    private volatile long latencyMs = -1;

    private McpConnection(McpServerSpec spec, McpClientTransport inner, StdioTransport stdio, McpJsonMapper json) {
        this.spec = spec;
        this.stdio = stdio;
        this.failure = stdio != null ? stdio.failure() : new CompletableFuture<>();
        this.transport = new Observed(inner, this::observe);
        this.client = McpClient.async(transport)
                .requestTimeout(spec.timeout().plusSeconds(5)) // our own wait (spec.timeout) answers first, in words
                .initializationTimeout(spec.timeout().plusSeconds(5))
                .clientInfo(new McpSchema.Implementation("munero", version()))
                .build();
    }

    /**
     * Starts the server, initializes it and lists its tools, all within {@link McpServerSpec#timeout()} each.
     *
     * @throws McpStartException    why it did not start; the transport is closed
     * @throws InterruptedException when interrupted; the transport is closed
     */
    static McpConnection open(McpServerSpec spec, McpServers.Launch launch, McpJsonMapper json)
            throws InterruptedException {
        long start = System.nanoTime();
        McpConnection c = switch (spec.transport()) {
            case STDIO -> {
                Map<String, String> env = new HashMap<>(EnvironmentScrubber.scrub(launch.environment()));
                spec.env().forEach((k, v) -> env.put(k, expand(spec, "env." + k, v, launch.environment())));
                List<String> argv = new ArrayList<>();
                argv.add(expand(spec, "command", spec.command(), launch.environment()));
                for (String a : spec.args()) {
                    argv.add(expand(spec, "args", a, launch.environment()));
                }
                argv.set(0, ProcessRunner.resolveProgram(argv.get(0), env, launch.workspace()));
                List<String> wrapped = sandboxFor(launch, argv, env).wrap(argv, launch.workspace(), launch.workspace(),
                        env);
                StdioTransport t = new StdioTransport(spec.name(), wrapped, env, launch.workspace(), json);
                yield new McpConnection(spec, t, t, json);
            }
            case HTTP -> {
                URI uri = URI.create(expand(spec, "url", spec.url(), launch.environment()));
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new McpStartException("its url '" + uri + "' is not an http(s) URL with a host", false);
                }
                Map<String, String> headers = new LinkedHashMap<>();
                spec.headers().forEach((k, v) -> headers.put(k, expand(spec, "headers." + k, v, launch.environment())));
                String base = uri.getScheme() + "://" + uri.getRawAuthority();
                String endpoint = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                        + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
                HttpClientStreamableHttpTransport t = HttpClientStreamableHttpTransport.builder(base)
                        .endpoint(endpoint)
                        .jsonMapper(json)
                        .connectTimeout(spec.timeout())
                        .httpRequestCustomizer((builder, method, u, body, context) -> headers.forEach(builder::header))
                        .build();
                yield new McpConnection(spec, t, null, json);
            }
        };
        try {
            McpSchema.InitializeResult result = c.await(c.client.initialize().toFuture(), "initialize");
            List<McpSchema.Tool> listed = new ArrayList<>();
            String cursor = null;
            do {
                McpSchema.ListToolsResult page = c.await(c.client.listTools(cursor).toFuture(), "tools/list");
                if (page.tools() != null) {
                    listed.addAll(page.tools());
                }
                cursor = page.nextCursor();
            } while (cursor != null && !cursor.isEmpty() && listed.size() < 10_000);
            c.init = result;
            c.tools = List.copyOf(listed);
            c.latencyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return c;
        } catch (McpCallException e) {
            c.close();
            if (c.stdio != null && c.stdio.startError() != null) {
                throw new McpStartException(c.stdio.startError(), false);
            }
            throw new McpStartException(e.getMessage(), e.kind() != McpCallException.Kind.REFUSED);
        } catch (InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static final java.util.Set<String> INTERPRETERS = java.util.Set.of("node", "python", "python3", "bun",
            "deno");

    /**
     * The session's sandbox, and for bubblewrap one that also binds back, read-only, the installed server the command
     * line starts when it lies in the hidden home directory: the program's {@code node_modules} directory (an npm
     * server installed with {@code npm install --prefix}, e.g. by {@code munero mcp servers check --install}), or
     * its directory; for an interpreter ({@code node}, {@code python3}, ...) the same for its script (the first
     * argument). Nothing else of the home directory becomes visible; other arguments (a directory a server should
     * serve) must lie in the workspace.
     */
    static dev.munero.agent.safety.Sandbox sandboxFor(McpServers.Launch launch, List<String> argv,
                                                      Map<String, String> env) {
        if (!(launch.sandbox() instanceof dev.munero.agent.safety.Sandbox.Bubblewrap b) || env.get("HOME") == null) {
            return launch.sandbox();
        }
        java.nio.file.Path home = java.nio.file.Path.of(env.get("HOME")).toAbsolutePath().normalize();
        List<String> candidates = new ArrayList<>(List.of(argv.getFirst()));
        String program = java.nio.file.Path.of(argv.getFirst()).getFileName().toString();
        if (INTERPRETERS.contains(program)) {
            argv.stream().skip(1).filter(a -> !a.startsWith("-")).findFirst().ifPresent(candidates::add);
        }
        List<String> binds = new ArrayList<>(b.settings().caches());
        for (String c : candidates) {
            java.nio.file.Path p;
            try {
                p = launch.workspace().resolve(c).toRealPath();
            } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
                continue;
            }
            if (!p.startsWith(home) || p.startsWith(launch.workspace())) {
                continue;
            }
            java.nio.file.Path root = p.getParent();
            for (java.nio.file.Path q = p.getParent(); q != null && q.startsWith(home); q = q.getParent()) {
                if (q.getFileName() != null && q.getFileName().toString().equals("node_modules")) {
                    root = q;
                    break;
                }
            }
            binds.add(root.toString());
        }
        return binds.size() == b.settings().caches().size() ? b : new dev.munero.agent.safety.Sandbox.Bubblewrap(
                b.bwrap(), new dev.munero.agent.safety.SandboxSettings(binds, b.settings().cachesWritable()));
    }

    /** The server's {@code initialize} answer. */
    McpSchema.InitializeResult initialization() {
        return init;
    }

    List<McpSchema.Tool> tools() {
        return tools;
    }

    long latencyMs() {
        return latencyMs;
    }

    /** Completes with why the server is gone; {@link #fail} completes it too. */
    CompletableFuture<String> failure() {
        return failure;
    }

    /** Marks this instance as failed (a missed health ping), which ends its supervision's wait. */
    void fail(String why) {
        failure.complete(why);
    }

    /** The process of a stdio server (the sandbox's {@code bwrap} when it is wrapped), or empty. */
    Optional<Process> process() {
        return stdio == null ? Optional.empty() : Optional.ofNullable(stdio.process());
    }

    /**
     * Calls tool {@code name}. When interrupted, the call is abandoned and the server is told with
     * {@code notifications/cancelled} (MCP spec, "Cancellation"); the server stays usable.
     *
     * @throws McpCallException     when it got no result (gone, JSON-RPC error, timeout)
     * @throws InterruptedException when interrupted while waiting
     */
    McpSchema.CallToolResult call(String name, Map<String, Object> arguments)
            throws McpCallException, InterruptedException {
        String marker = UUID.randomUUID().toString();
        McpSchema.CallToolRequest request = new McpSchema.CallToolRequest(name, arguments,
                Map.of(CALL_MARKER, marker));
        try {
            return await(client.callTool(request).toFuture(), "tools/call " + name);
        } catch (InterruptedException e) {
            Object id = callIds.get(marker);
            if (id != null && !failure.isDone()) {
                Map<String, Object> params = Map.of("requestId", id, "reason", "the agent's run was cancelled");
                transport.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                        "notifications/cancelled", params)).subscribe(v -> { }, err -> { });
            }
            throw e;
        } finally {
            callIds.remove(marker);
        }
    }

    /**
     * Pings the server ({@code ping}, MCP spec "Utilities: Ping").
     *
     * @throws McpCallException when it does not answer within the spec's timeout, or is gone
     */
    void ping() throws McpCallException, InterruptedException {
        await(client.ping().toFuture(), "ping");
    }

    private <T> T await(CompletableFuture<T> answer, String what) throws McpCallException, InterruptedException {
        try {
            CompletableFuture.anyOf(answer, failure).get(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            answer.cancel(true);
            throw e;
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new McpCallException(McpCallException.Kind.TIMEOUT, "did not answer " + what + " within "
                    + Durations.format(spec.timeout()) + (stdio != null ? stdio.tail() : ""));
        } catch (ExecutionException e) {
            // one of them failed: told apart below
        }
        if (!answer.isDone()) {
            answer.cancel(true);
            throw new McpCallException(McpCallException.Kind.GONE, failure.getNow("is gone")
                    + " (during " + what + ")");
        }
        try {
            return answer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (failure.isDone()) {
                throw new McpCallException(McpCallException.Kind.GONE, failure.getNow("is gone")
                        + " (during " + what + ")");
            }
            if (cause instanceof McpError err && err.getJsonRpcError() != null) {
                throw new McpCallException(McpCallException.Kind.ERROR, "answered " + what + " with JSON-RPC error "
                        + err.getJsonRpcError().code() + ": " + err.getJsonRpcError().message());
            }
            if (cause instanceof TimeoutException) {
                throw new McpCallException(McpCallException.Kind.TIMEOUT, "did not answer " + what + " within "
                        + Durations.format(spec.timeout()));
            }
            for (Throwable t = cause; t != null; t = t.getCause()) {
                if (t instanceof McpHttpClientTransportAuthorizationException auth) {
                    int code = auth.getResponseInfo() != null ? auth.getResponseInfo().statusCode() : 401;
                    throw new McpCallException(McpCallException.Kind.REFUSED, "refused " + what + " with HTTP " + code
                            + " (not authorized): check the server's 'headers' (e.g. \"Authorization\": \"Bearer "
                            + "${TOKEN}\")");
                }
            }
            Throwable root = McpError.findRootCause(cause);
            throw new McpCallException(McpCallException.Kind.GONE, what + " failed: "
                    + (root.getMessage() != null ? root.getMessage() : root.toString()));
        } catch (CancellationException e) {
            throw new McpCallException(McpCallException.Kind.GONE, what + " was cancelled");
        }
    }

    private void observe(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest r && r.params() instanceof McpSchema.CallToolRequest call
                && call.meta() != null && call.meta().get(CALL_MARKER) instanceof String marker) {
            callIds.put(marker, r.id());
        }
    }

    /** Closes the client and the transport; a stdio server's process tree is killed. Idempotent. */
    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException e) {
            // closing anyway
        }
        transport.close();
    }

    /**
     * {@code value} with every {@code ${VAR}} and {@code ${VAR:-default}} replaced from {@code env}.
     *
     * @throws McpStartException (not retriable) naming the key when a variable without a default is not set
     */
    static String expand(McpServerSpec spec, String key, String value, Map<String, String> env) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = env.get(m.group(1));
            if (v == null || (v.isEmpty() && m.group(2) != null)) {
                if (m.group(2) == null) {
                    throw new McpStartException("'" + key + "' uses ${" + m.group(1) + "}, which is not set in the "
                            + "environment; set it, or write ${" + m.group(1) + ":-default}", false);
                }
                v = m.group(2);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String version() {
        String v = McpConnection.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /** A transport that shows every outbound message to an observer first. */
    private record Observed(McpClientTransport inner, Consumer<McpSchema.JSONRPCMessage> observer)
            implements McpClientTransport {
        @Override
        public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
            return inner.connect(handler);
        }

        @Override
        public void setExceptionHandler(Consumer<Throwable> handler) {
            inner.setExceptionHandler(handler);
        }

        @Override
        public Mono<Void> closeGracefully() {
            return inner.closeGracefully();
        }

        @Override
        public void close() {
            inner.close();
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            observer.accept(message);
            return inner.sendMessage(message);
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return inner.unmarshalFrom(data, type);
        }

        @Override
        public List<String> protocolVersions() {
            return inner.protocolVersions();
        }
    }
}
