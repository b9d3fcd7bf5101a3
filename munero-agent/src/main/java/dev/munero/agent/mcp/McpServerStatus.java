package dev.munero.agent.mcp;

import java.util.Objects;

/**
 * One MCP server's status in an {@link McpServers} hub, as the {@code mcp_status} event records it.
 *
 * @param name          the server's configured name (the key in {@code mcpServers})
 * @param state         {@link State#UP}, {@link State#DOWN} or {@link State#RESTARTING}
 * @param required      whether the configuration says the run needs it ({@link McpServerSpec#required()})
 * @param serverName    the name the server gave in its {@code initialize} answer ({@code serverInfo.name}), or null
 *                      while it never answered
 * @param serverVersion the version it gave ({@code serverInfo.version}), or null while it never answered
 * @param tools         how many tools it listed at its last successful start (0 while it never started)
 * @param latencyMs     milliseconds its last successful start took: process start (or connection), {@code
 *                      initialize} and {@code tools/list}; -1 while it never started
 * @param error         why it is down or restarting (e.g. "did not answer initialize within 30 s"), null when up
 * @param restarts      how many times it was restarted after it had been up (crashes, failed health pings)
 */
public record McpServerStatus(String name, State state, boolean required, String serverName, String serverVersion,
                              int tools, long latencyMs, String error, int restarts) {

    /** The state of a server. */
    public enum State {
        /** Initialized, its tools listed, answering pings. */
        UP,
        /** Could not be started after every attempt, or crashed too often; its tools fail with its error. */
        DOWN,
        /** Crashed or stopped answering; a restart with backoff is under way. */
        RESTARTING;

        /** The lower-case name used in events and on the command line: {@code up}, {@code down}, {@code restarting}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public McpServerStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        if (tools < 0 || restarts < 0 || latencyMs < -1) {
            throw new IllegalArgumentException("negative count in the status of " + name + ": tools " + tools
                    + ", restarts " + restarts + ", latencyMs " + latencyMs);
        }
    }

    /** Whether the server is up. */
    public boolean up() {
        return state == State.UP;
    }
}
