package dev.munero.agent.mcp;

/**
 * A server that could not be started, initialized or listed: the message says why in words ("did not answer
 * initialize within 60 s", "exited with code 1; its last stderr lines: ..."). {@link #retriable()} is false for
 * what another try cannot change (an unset {@code ${VAR}}, a program that does not exist).
 */
final class McpStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean retriable;

    McpStartException(String message, boolean retriable) {
        super(message);
        this.retriable = retriable;
    }

    boolean retriable() {
        return retriable;
    }
}
