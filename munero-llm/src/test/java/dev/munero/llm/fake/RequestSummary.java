package dev.munero.llm.fake;

import java.util.List;
import java.util.Optional;

/**
 * A request read in protocol-neutral terms, so one {@link RequestCheck} works against every fake. Each fake
 * fills it from its own wire format; a body that does not have the expected shape yields empty values (the strict
 * validation reports the shape problem).
 *
 * @param systemText    Anthropic's {@code system} (string or text blocks joined with "\n"); OpenAI's
 *                      {@code system} and {@code developer} messages joined with "\n"
 * @param lastUserText  the text of the last user message that has any text (tool results are not user text)
 * @param toolNames     the names of the tools the request offers, in order
 * @param toolCalls     every tool call of an assistant turn in the history, in order; {@code argumentsJson} is the
 *                      compact JSON of Anthropic's {@code input} or OpenAI's {@code arguments} string as sent
 * @param toolResults   every tool result in the history, in order
 */
public record RequestSummary(String model, boolean streaming, String systemText, String lastUserText,
        List<String> toolNames, List<ToolCall> toolCalls, List<ToolResult> toolResults) {

    static final RequestSummary EMPTY = new RequestSummary("", false, "", "", List.of(), List.of(), List.of());

    public RequestSummary {
        toolNames = List.copyOf(toolNames);
        toolCalls = List.copyOf(toolCalls);
        toolResults = List.copyOf(toolResults);
    }

    /** A tool call of an earlier assistant turn, as the client sent it back in the history. */
    public record ToolCall(String id, String name, String argumentsJson) {}

    /**
     * A tool result as the client sent it back.
     *
     * @param text    the result's text (text blocks joined when it is a list)
     * @param isError Anthropic's {@code is_error}; always false for OpenAI, which has no such flag
     */
    public record ToolResult(String toolCallId, String text, boolean isError) {}

    public Optional<ToolResult> toolResult(String toolCallId) {
        return toolResults.stream().filter(r -> r.toolCallId().equals(toolCallId)).findFirst();
    }
}
