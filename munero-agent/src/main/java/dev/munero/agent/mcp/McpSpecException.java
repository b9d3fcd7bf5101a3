package dev.munero.agent.mcp;

/**
 * A configured MCP server that cannot be used as written: the message names the server and the key and says what
 * is expected, e.g. {@code MCP server 'fs': 'args' must be an array of strings, got 3}. The caller adds where the
 * configuration came from (file and line).
 */
public final class McpSpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String server;
    private final String key;

    /**
     * @param server the server's name (the key in {@code mcpServers})
     * @param key    the offending key, e.g. {@code args}, or null when the problem is the server's entry as a whole
     * @param what   what is wrong and what is expected
     */
    public McpSpecException(String server, String key, String what) {
        super("MCP server '" + server + "': " + (key == null ? "" : "'" + key + "' ") + what);
        this.server = server;
        this.key = key;
    }

    /** The server's name. */
    public String server() {
        return server;
    }

    /** The offending key, or null when the entry as a whole is wrong. */
    public String key() {
        return key;
    }
}
