package dev.munero.llm;

import java.util.Objects;

/**
 * One block of a message's content, after the Anthropic Messages API's content-block model
 * (https://docs.anthropic.com/en/api/messages): text, a tool call the model made, or the result of one.
 * OpenAI Chat Completions maps onto it: an assistant message's {@code content} and {@code tool_calls}, and
 * {@code role: tool} messages for results.
 */
public sealed interface ContentBlock {

    /** Plain text. */
    record Text(String text) implements ContentBlock {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A tool call the model asked for.
     *
     * @param id            the provider's call id ({@code toolu_...}, {@code call_...}); results refer to it
     * @param name          the tool's name
     * @param argumentsJson the arguments as a JSON object text, exactly as the model produced it
     */
    record ToolCall(String id, String name, String argumentsJson) implements ContentBlock {
        public ToolCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            argumentsJson = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
        }
    }

    /**
     * The result of a tool call, sent back in a user message.
     *
     * @param toolCallId the {@link ToolCall#id()} it answers
     * @param content    the text the model reads
     * @param error      true when the call failed
     */
    record ToolResult(String toolCallId, String content, boolean error) implements ContentBlock {
        public ToolResult {
            Objects.requireNonNull(toolCallId, "toolCallId");
            Objects.requireNonNull(content, "content");
        }
    }
}
