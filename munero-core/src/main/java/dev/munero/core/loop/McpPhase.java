package dev.munero.core.loop;

import dev.munero.agent.mcp.McpServerSpec;
import dev.munero.agent.mcp.McpServerStatus;
import dev.munero.agent.mcp.McpServers;
import dev.munero.agent.mcp.McpTool;
import dev.munero.agent.tools.Tool;
import dev.munero.core.events.RunEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ConfiguringMCP (issue 13): the MCP servers of a session's task agents. {@link #start} starts the session's
 * servers ({@link dev.munero.core.BuildManager.Session#mcpServers()}) as one {@link McpServers} hub, stdio servers
 * through the session's sandbox in the run's worktree with the session's environment, and appends one
 * {@code mcp_status} with every server's status ({@code cause} {@code start} for a new run, {@code resume} for a
 * resumed one). From then on every change of a server's state (it crashed, is restarting, is up again, stayed down)
 * is appended as an {@code mcp_status} with that one server ({@code cause} {@code change}). {@link #tools} gives the
 * task agents the servers' tools; {@link #close} stops the servers when the session ends.
 *
 * <p>Invariant: the first {@code mcp_status} of a session holds every server, and no change event of the session
 * comes before it (a change the hub reports while {@link #start} runs is part of that first event).
 *
 * <p>Thread-safety: {@link #start} and {@link #close} belong to the session's thread; {@link #tools} may be called
 * from agents' threads; the hub reports changes from its own threads.
 */
final class McpPhase implements AutoCloseable {
    private final RunContext ctx;
    /** The latest status of each server, in the order of the specs; guarded by itself. */
    private final Map<String, McpServerStatus> latest = new LinkedHashMap<>();
    /** Whether the session's first {@code mcp_status} was appended; guarded by {@link #latest}. */
    private boolean reported;
    /** Whether the session ended: what the servers do while they stop is not the run's; guarded by {@link #latest}. */
    private boolean closed;
    private volatile McpServers hub;

    McpPhase(RunContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Starts the session's MCP servers and appends the first {@code mcp_status} (with no servers configured, a new
     * run still records {@code none}; a resumed one records nothing).
     *
     * @param cause {@code start} for a new run, {@code resume} for a resumed one
     * @return why the run cannot go on: a required server that is down, with its error; empty when it can
     * @throws InterruptedException when the session is interrupted while the servers start (they are stopped)
     */
    Optional<String> start(String cause) throws InterruptedException {
        List<McpServerSpec> specs = ctx.session.mcpServers();
        if (specs.isEmpty()) {
            if (cause.equals("start")) {
                ctx.emit(new RunEvent.McpStatus("none", List.of(), cause));
            }
            return Optional.empty();
        }
        synchronized (latest) {
            specs.forEach(s -> latest.put(s.name(), null));
        }
        hub = McpServers.start(specs, new McpServers.Launch(ctx.session.sandbox(), ctx.worktree, ctx.session.env()),
                this::changed);
        List<RunEvent.McpStatus.Server> servers = new ArrayList<>();
        synchronized (latest) {
            for (McpServerStatus s : hub.statuses()) {
                latest.put(s.name(), s);
            }
            latest.values().stream().filter(java.util.Objects::nonNull).forEach(s -> servers.add(server(s)));
            ctx.emit(new RunEvent.McpStatus(overall(), servers, cause));
            reported = true;
        }
        for (McpServerSpec spec : specs) {
            McpServerStatus s = hub.status(spec.name()).orElse(null);
            if (spec.required() && (s == null || !s.up())) {
                return Optional.of("the required MCP server '" + spec.name() + "' (" + spec.describe() + ") is "
                        + (s == null ? "missing" : s.state().label()) + (s == null || s.error() == null ? ""
                        : ": " + s.error()) + "; see munero mcp servers check " + spec.name());
            }
        }
        return Optional.empty();
    }

    /** The tools of every server that was up when the session started them; none without servers. */
    List<Tool> tools() {
        McpServers h = hub;
        return h == null ? List.of() : h.tools();
    }

    /** Stops the servers with their process trees. Idempotent. */
    @Override
    public void close() {
        synchronized (latest) {
            closed = true;
        }
        McpServers h = hub;
        if (h != null) {
            h.close();
        }
    }

    private void changed(McpServerStatus status) {
        synchronized (latest) {
            if (!latest.containsKey(status.name())) {
                return; // not a server of this session
            }
            latest.put(status.name(), status);
            if (reported && !closed) {
                ctx.emit(new RunEvent.McpStatus(overall(), List.of(server(status)), "change"));
            }
        }
    }

    /** {@code ready} when every server is up, else {@code degraded}; call holding {@link #latest}. */
    private String overall() {
        return latest.values().stream().allMatch(s -> s != null && s.up()) ? "ready" : "degraded";
    }

    private RunEvent.McpStatus.Server server(McpServerStatus s) {
        McpServers h = hub;
        String prefix = McpTool.toolName(s.name(), "");
        prefix = prefix.substring(0, prefix.length() - 1); // toolName writes an empty tool name as "_"
        List<String> names = new ArrayList<>();
        if (h != null && s.up()) {
            for (Tool t : h.tools()) {
                if (t.name().startsWith(prefix)) {
                    names.add(t.name());
                }
            }
        }
        String version = s.serverName() == null ? s.serverVersion()
                : s.serverVersion() == null ? s.serverName() : s.serverName() + " " + s.serverVersion();
        return new RunEvent.McpStatus.Server(s.name(), s.state().label(), s.required(), version, s.tools(), names,
                s.latencyMs() < 0 ? null : s.latencyMs(), s.error(), s.restarts());
    }
}
