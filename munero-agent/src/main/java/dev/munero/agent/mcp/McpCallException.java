package dev.munero.agent.mcp;

/**
 * A request to a running server that did not get a result: the server is {@link Kind#GONE gone} (exited, broke
 * the protocol), answered with a JSON-RPC {@link Kind#ERROR error}, did not answer in time ({@link Kind#TIMEOUT}), or
 * refused the credentials ({@link Kind#REFUSED}).
 * The message is a sentence without the server's name.
 */
final class McpCallException extends Exception {
    private static final long serialVersionUID = 1L;

    /** GONE: exited or broke the protocol; ERROR: a JSON-RPC error; TIMEOUT; REFUSED: HTTP 401/403. */
    enum Kind { GONE, ERROR, TIMEOUT, REFUSED }

    private final Kind kind;

    McpCallException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
