package dev.munero.agent.tools;

/**
 * A tool call that cannot be done as asked: bad arguments, a missing file, text not found. An expected outcome;
 * {@link AbstractTool} turns it into {@link ToolResult#error} with {@link #getMessage()}, which says what was wrong
 * and what the model can do instead.
 */
public final class ToolFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param message the tool error the model sees: what was wrong and what to do instead */
    public ToolFailure(String message) {
        super(message);
    }
}
