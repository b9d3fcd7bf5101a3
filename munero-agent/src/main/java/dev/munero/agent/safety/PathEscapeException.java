package dev.munero.agent.safety;

/**
 * A path the agent may not use: outside the workspace (through {@code ..}, an absolute path or a symbolic
 * link), malformed, or, for writes, inside {@code .git}. An expected outcome: tools turn it into an error result
 * whose text is {@link #getMessage()}, which names the path and the workspace.
 */
public final class PathEscapeException extends Exception {
    private static final long serialVersionUID = 1L;

    public PathEscapeException(String message) {
        super(message);
    }
}
