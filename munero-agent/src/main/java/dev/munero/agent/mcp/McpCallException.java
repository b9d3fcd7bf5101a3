package dev.munero.agent.mcp;

/**
 * A request to a running server that did not get a result: the server is {@link Kind#GONE gone} (exited, broke
 * the protocol), answered with a JSON-RPC {@link Kind#ERROR error}, or did not answer in time ({@link Kind#TIMEOUT}).
 * The message is a sentence without the server's name.
 */
final class McpCallException extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind { GONE, ERROR, TIMEOUT }

    private final Kind kind;

    McpCallException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
