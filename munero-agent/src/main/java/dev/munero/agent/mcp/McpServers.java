package dev.munero.agent.mcp;

import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolResult;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP servers of one session (the hub): starts every configured server, keeps them healthy, and gives the
 * agents their tools.
 *
 * <p>Each server has a state ({@link McpServerStatus.State}): after {@link #start} it is {@code up} or {@code down};
 * a server that is up and then exits, breaks the protocol (a line on stdout that is not JSON-RPC) or misses a health
 * ping becomes {@code restarting} (its instance is stopped with its process tree), and then {@code up} again or,
 * when every start attempt fails or it was restarted {@link Options#maxRestarts()} times already, {@code down} for
 * the rest of the session. A server that is down at start is not retried later. Every change goes to the
 * {@link McpStatusListener}, in order per server.
 *
 * <p>Threads: one virtual thread per server supervises it (waits for its instance to fail, then restarts it), and one
 * health thread pings every server that is up each {@link Options#healthInterval()}. Tool calls run on the caller's
 * thread and may run in parallel.
 *
 * <p>Thread-safe. {@link #close()} stops the threads and every server with its process tree.
 */
public final class McpServers implements AutoCloseable {

    /**
     * Where and how stdio servers are launched.
     *
     * @param sandbox     the session's sandbox: a stdio server's command line goes through {@link Sandbox#wrap}, so
     *                    it runs inside bubblewrap when the sandbox is on
     * @param workspace   the workspace root (absolute): a stdio server's working directory, and the only place it
     *                    may write inside the sandbox
     * @param environment the session's environment before scrubbing: a server gets it without secrets
     *                    ({@link dev.munero.agent.safety.EnvironmentScrubber}) plus its own {@code env}; {@code ${VAR}}
     *                    in a spec is expanded from it (so a spec may pass a secret to its server on purpose)
     */
    public record Launch(Sandbox sandbox, Path workspace, Map<String, String> environment) {
        public Launch {
            Objects.requireNonNull(sandbox, "sandbox");
            workspace = workspace.toAbsolutePath().normalize();
            environment = Map.copyOf(environment);
        }

        /** No sandbox, this process's environment. */
        public static Launch unsandboxed(Path workspace) {
            return new Launch(Sandbox.none(), workspace, System.getenv());
        }
    }

    /**
     * How hard the hub tries.
     *
     * @param startAttempts  tries to start a server before it is reported down (at least 1)
     * @param backoff        the wait before the second try; it doubles for each later one
     * @param maxBackoff     the longest wait between tries
     * @param healthInterval how often every server that is up is pinged
     * @param maxRestarts    how many times a server that crashed is restarted in a session before it stays down
     */
    public record Options(int startAttempts, Duration backoff, Duration maxBackoff, Duration healthInterval,
                          int maxRestarts) {
        /** 3 tries, 1 s then 2 s between them (at most 30 s), a ping every 15 s, at most 5 restarts. */
        public static final Options DEFAULTS = new Options(3, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(15), 5);

        public Options {
            if (startAttempts < 1 || maxRestarts < 0) {
                throw new IllegalArgumentException("startAttempts must be at least 1 and maxRestarts at least 0, were "
                        + startAttempts + " and " + maxRestarts);
            }
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(healthInterval, "healthInterval");
            if (backoff.isNegative() || healthInterval.isNegative() || healthInterval.isZero()) {
                throw new IllegalArgumentException("backoff must not be negative and healthInterval must be positive");
            }
        }
    }

    private static final McpJsonMapper JSON = new JacksonMcpJsonMapper(JsonMapper.builder().build());

    private final List<Server> servers;
    private final Map<String, Server> byName;
    private final Launch launch;
    private final McpStatusListener listener;
    private final Options options;
    private final List<Thread> threads = new ArrayList<>();
    private volatile List<Tool> tools = List.of();
    private volatile boolean closed;

    private McpServers(List<McpServerSpec> specs, Launch launch, McpStatusListener listener, Options options) {
        this.launch = Objects.requireNonNull(launch, "launch");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.options = Objects.requireNonNull(options, "options");
        Map<String, Server> map = new LinkedHashMap<>();
        for (McpServerSpec spec : specs) {
            if (map.put(spec.name(), new Server(spec)) != null) {
                throw new IllegalArgumentException("two MCP servers are named '" + spec.name() + "'");
            }
        }
        this.byName = map;
        this.servers = List.copyOf(map.values());
    }

    /**
     * Starts every server in {@code specs} with {@link Options#DEFAULTS}; see
     * {@link #start(List, Launch, McpStatusListener, Options)}.
     */
    public static McpServers start(List<McpServerSpec> specs, Launch launch, McpStatusListener listener)
            throws InterruptedException {
        return start(specs, launch, listener, Options.DEFAULTS);
    }

    /**
     * Starts every server in {@code specs}, in parallel, and returns when each is {@code up} or {@code down}: a stdio
     * server is launched through the sandbox ({@link Launch}), each is initialized ({@code initialize}, MCP spec
     * "Lifecycle") within its {@link McpServerSpec#timeout()} and its tools listed ({@code tools/list}, every page);
     * a failed start is retried {@link Options#startAttempts()} times in all, waiting {@link Options#backoff()}, then
     * twice as long each time (at most {@link Options#maxBackoff()}), then reported down with the last error. A
     * start that no retry can fix (an unset {@code ${VAR}}, a program that cannot be started) is not retried. The
     * listener gets each server's first status before this returns. Then the supervision and health threads run
     * until {@link #close()}.
     *
     * @param specs    the configured servers; names must be unique
     * @param launch   where stdio servers run
     * @param listener receives every change of state
     * @param options  attempts, backoff, health interval, restart limit
     * @return the hub; never null, also when every server is down
     * @throws IllegalArgumentException when two specs share a name
     * @throws InterruptedException     when interrupted while starting; every server started so far is stopped
     */
    public static McpServers start(List<McpServerSpec> specs, Launch launch, McpStatusListener listener,
                                   Options options) throws InterruptedException {
        McpServers hub = new McpServers(specs, launch, listener, options);
        List<Thread> starting = new ArrayList<>();
        for (Server s : hub.servers) {
            starting.add(Thread.ofVirtual().name("mcp-start-" + s.spec.name()).start(() -> {
                try {
                    s.firstStart();
                } catch (InterruptedException e) {
                    // close() below stops what started
                }
            }));
        }
        try {
            for (Thread t : starting) {
                t.join();
            }
        } catch (InterruptedException e) {
            starting.forEach(Thread::interrupt);
            hub.close();
            throw e;
        }
        List<Tool> all = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Server s : hub.servers) {
            McpConnection c = s.connection;
            if (c == null) {
                continue;
            }
            for (McpSchema.Tool t : c.tools()) {
                McpTool tool = new McpTool(hub, s.spec.name(), t);
                if (names.add(tool.name())) { // a clash after sanitizing: the first server's tool keeps the name
                    all.add(tool);
                }
            }
            hub.threads.add(Thread.ofVirtual().name("mcp-supervise-" + s.spec.name()).start(s::supervise));
        }
        hub.tools = List.copyOf(all);
        hub.threads.add(Thread.ofVirtual().name("mcp-health").start(hub::health));
        return hub;
    }

    /** Every server's current status, in the order of the specs. */
    public List<McpServerStatus> statuses() {
        return servers.stream().map(s -> s.status).toList();
    }

    /** The current status of the server named {@code name}, or empty when there is none. */
    public Optional<McpServerStatus> status(String name) {
        return Optional.ofNullable(byName.get(name)).map(s -> s.status);
    }

    /**
     * The agent tools of every server that was up after {@link #start}: one {@link McpTool} per tool it listed,
     * named {@code mcp__<server>__<tool>} ({@link McpTool#toolName}); when two names clash after sanitizing, the
     * first server's tool keeps it and the other is left out. A tool of a server that is down or restarting when
     * it is called returns an error result saying so.
     */
    public List<Tool> tools() {
        return tools;
    }

    /**
     * Calls tool {@code tool} of server {@code server} on its current instance.
     *
     * @return the result: an error result when the server is unknown, down or restarting, crashes during the call,
     *         answers with a JSON-RPC error, does not answer within its timeout, or says {@code isError}
     * @throws InterruptedException when interrupted while waiting; the server is sent {@code notifications/cancelled}
     *                              and stays usable
     */
    ToolResult call(String server, String tool, Map<String, Object> arguments) throws InterruptedException {
        Server s = byName.get(server);
        if (s == null) {
            return ToolResult.error("there is no MCP server named '" + server + "'");
        }
        McpConnection c = s.connection;
        if (c == null || closed) {
            McpServerStatus st = s.status;
            return ToolResult.error(closed ? "the MCP servers of this session are stopped"
                    : st.state() == McpServerStatus.State.RESTARTING
                    ? "MCP server '" + server + "' is restarting (" + st.error() + "); try " + tool + " again shortly"
                    : "MCP server '" + server + "' is down: " + st.error() + "; its tools cannot be used in this run");
        }
        try {
            McpSchema.CallToolResult result = c.call(tool, arguments);
            String text = McpTool.text(result);
            boolean error = Boolean.TRUE.equals(result.isError());
            if (text.isEmpty()) {
                text = error ? tool + " failed without a message" : "(" + tool + " returned no content)";
            }
            return error ? ToolResult.error(text) : ToolResult.ok(text);
        } catch (McpCallException e) {
            if (e.kind() == McpCallException.Kind.GONE) {
                c.fail(e.getMessage()); // an HTTP server's broken connection: its supervision reconnects
            }
            String message = "MCP server '" + server + "' " + e.getMessage();
            return ToolResult.error(e.kind() == McpCallException.Kind.GONE ? message + "; it is being restarted"
                    : e.kind() == McpCallException.Kind.ERROR && !c.tools().stream().anyMatch(t -> t.name().equals(tool))
                    ? message + " (it has no tool named '" + tool + "'; its tools: " + String.join(", ",
                            c.tools().stream().map(McpSchema.Tool::name).toList()) + ")"
                    : message);
        }
    }

    /** The process of a stdio server's current instance (for tests and diagnostics), or empty. */
    Optional<Process> process(String server) {
        Server s = byName.get(server);
        McpConnection c = s == null ? null : s.connection;
        return c == null ? Optional.empty() : c.process();
    }

    /** Stops the health and supervision threads and every server, with its process tree. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (threads) {
            threads.forEach(Thread::interrupt);
        }
        List<Thread> stopping = new ArrayList<>();
        for (Server s : servers) {
            McpConnection c;
            synchronized (s) {
                c = s.connection;
                s.connection = null;
            }
            if (c != null) {
                stopping.add(Thread.ofVirtual().start(c::close));
            }
        }
        boolean interrupted = false;
        for (Thread t : stopping) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // finish stopping the servers first
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void health() {
        try {
            while (!closed) {
                Thread.sleep(options.healthInterval());
                List<Thread> pings = new ArrayList<>();
                for (Server s : servers) {
                    McpConnection c = s.connection;
                    if (c != null && !c.failure().isDone()) {
                        pings.add(Thread.ofVirtual().name("mcp-ping-" + s.spec.name()).start(() -> {
                            try {
                                c.ping();
                            } catch (McpCallException e) {
                                c.fail(e.getMessage());
                            } catch (InterruptedException e) {
                                // closing
                            }
                        }));
                    }
                }
                for (Thread t : pings) {
                    t.join();
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    private Duration backoff(int failedAttempts) {
        Duration d = options.backoff();
        for (int k = 1; k < failedAttempts && d.compareTo(options.maxBackoff()) < 0; k++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : d;
    }

    /** One configured server: its spec, current instance and status. */
    private final class Server {
        final McpServerSpec spec;
        volatile McpConnection connection;
        volatile McpServerStatus status;
        private int restarts;

        Server(McpServerSpec spec) {
            this.spec = spec;
            this.status = new McpServerStatus(spec.name(), McpServerStatus.State.DOWN, spec.required(), null, null,
                    0, -1, "not started yet", 0);
        }

        void firstStart() throws InterruptedException {
            String error = attempts();
            if (error == null) {
                emit(McpServerStatus.State.UP, null);
            } else {
                emit(McpServerStatus.State.DOWN, error);
            }
        }

        /** Tries to start; null when up, else the reason it stays down. */
        private String attempts() throws InterruptedException {
            String last = null;
            int attempt = 0;
            while (attempt < options.startAttempts()) {
                if (closed) {
                    return "the session ended";
                }
                attempt++;
                try {
                    McpConnection c = McpConnection.open(spec, launch, JSON);
                    synchronized (this) { // close() takes the connection under the same lock, after setting closed
                        if (!closed) {
                            connection = c;
                            return null;
                        }
                    }
                    c.close();
                    return "the session ended";
                } catch (McpStartException e) {
                    last = e.getMessage();
                    if (!e.retriable()) {
                        return last;
                    }
                }
                if (attempt < options.startAttempts()) {
                    Thread.sleep(backoff(attempt));
                }
            }
            return attempt > 1 ? last + " (" + attempt + " attempts)" : last;
        }

        /** Waits for the instance to fail, then restarts it, until it stays down or the hub closes. */
        void supervise() {
            try {
                while (!closed) {
                    McpConnection c = connection;
                    if (c == null) {
                        return;
                    }
                    String why;
                    try {
                        why = c.failure().get();
                    } catch (ExecutionException e) {
                        why = String.valueOf(e.getCause());
                    }
                    if (closed) {
                        return;
                    }
                    connection = null;
                    c.close();
                    if (restarts >= options.maxRestarts()) {
                        emit(McpServerStatus.State.DOWN, why + "; not restarted again: it was restarted "
                                + restarts + " times in this session already");
                        return;
                    }
                    restarts++;
                    emit(McpServerStatus.State.RESTARTING, why);
                    Thread.sleep(backoff(restarts));
                    String error = attempts();
                    if (error != null) {
                        emit(McpServerStatus.State.DOWN, "could not be restarted after it " + why + ": " + error);
                        return;
                    }
                    emit(McpServerStatus.State.UP, null);
                }
            } catch (InterruptedException e) {
                // closed
            }
        }

        private void emit(McpServerStatus.State state, String error) {
            if (closed && state != McpServerStatus.State.UP && state != McpServerStatus.State.DOWN) {
                return;
            }
            McpConnection c = connection;
            McpServerStatus before = status;
            String serverName = before.serverName();
            String version = before.serverVersion();
            int toolCount = before.tools();
            long latency = before.latencyMs();
            if (c != null && state == McpServerStatus.State.UP) {
                McpSchema.Implementation info = c.initialization().serverInfo();
                serverName = info != null ? info.name() : null;
                version = info != null ? info.version() : null;
                toolCount = c.tools().size();
                latency = c.latencyMs();
            }
            McpServerStatus next = new McpServerStatus(spec.name(), state, spec.required(), serverName, version,
                    toolCount, latency, error, restarts);
            status = next;
            try {
                listener.onStatus(next);
            } catch (RuntimeException e) {
                // a listener must not stop the supervision
            }
        }
    }
}
