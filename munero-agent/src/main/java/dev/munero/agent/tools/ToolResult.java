package dev.munero.agent.tools;

import java.util.Objects;

/**
 * What a tool call returns to the model.
 *
 * @param content the text the model reads (already capped by the tool where output can be large)
 * @param error   true when the call failed; the model sees it as an error result and can try something else
 */
public record ToolResult(String content, boolean error) {
    public ToolResult {
        Objects.requireNonNull(content, "content");
    }

    public static ToolResult ok(String content) {
        return new ToolResult(content, false);
    }

    public static ToolResult error(String message) {
        return new ToolResult(message, true);
    }
}
