package dev.munero.mcp;

/**
 * What a caller of the MCP server may do, as the HTTP front end ({@code /mcp} in {@code munero serve}) knows it from
 * the caller's token: {@link #VIEWER} reads (graph, explain, run status, events, cost, the runs list, resources),
 * {@link #OPERATOR} also builds and starts, pauses and resumes runs. Over stdio ({@code munero mcp}) there is no role:
 * the host that spawned the process is its user, and every tool is allowed.
 */
public enum McpRole {
    /** Reads only. */
    VIEWER,
    /** Also builds and starts, pauses and resumes runs. */
    OPERATOR;

    /** Whether a caller with this role may call a tool that needs {@code required}. */
    public boolean includes(McpRole required) {
        return ordinal() >= required.ordinal();
    }

    /** The name in messages: lower case. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
