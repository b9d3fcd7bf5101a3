package dev.munero.agent.mcp;

/**
 * Receives every change of an MCP server's state in an {@link McpServers} hub: the result of its start ({@code up}
 * or {@code down}), and later {@code restarting}, {@code up} again or {@code down}.
 *
 * <p>Called from the hub's own threads (a server's start and supervision thread, the health thread), one call at a
 * time per server, never while the hub holds a lock; calls for different servers may run concurrently, so an
 * implementation must be thread-safe. It must not block for long and must not throw (what it throws is ignored).
 */
@FunctionalInterface
public interface McpStatusListener {
    /** A listener that ignores every change. */
    McpStatusListener NONE = status -> { };

    /**
     * One server's new status.
     *
     * @param status the server's whole status after the change
     */
    void onStatus(McpServerStatus status);
}
