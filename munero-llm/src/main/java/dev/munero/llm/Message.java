package dev.munero.llm;

import java.util.List;
import java.util.Objects;

/**
 * One message of a conversation.
 *
 * <p>Invariants: an assistant message holds text and tool calls; a user message holds text and tool results.
 *
 * @param role    who speaks
 * @param content the blocks, at least one
 */
public record Message(Role role, List<ContentBlock> content) {

    /** The speaker. The system prompt is not a message: it is {@link ChatRequest#system()}. */
    public enum Role { USER, ASSISTANT }

    public Message {
        Objects.requireNonNull(role, "role");
        content = List.copyOf(content);
        if (content.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one content block");
        }
        for (ContentBlock block : content) {
            boolean ok = switch (block) {
                case ContentBlock.Text t -> true;
                case ContentBlock.ToolCall c -> role == Role.ASSISTANT;
                case ContentBlock.ToolResult r -> role == Role.USER;
            };
            if (!ok) {
                throw new IllegalArgumentException(block.getClass().getSimpleName() + " cannot be in a " + role
                        + " message");
            }
        }
    }

    public static Message user(String text) {
        return new Message(Role.USER, List.of(new ContentBlock.Text(text)));
    }

    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, List.of(new ContentBlock.Text(text)));
    }

    /** The concatenated text blocks, or "" when there are none. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock block : content) {
            if (block instanceof ContentBlock.Text t) {
                sb.append(t.text());
            }
        }
        return sb.toString();
    }

    /** The tool calls in order; empty for user messages. */
    public List<ContentBlock.ToolCall> toolCalls() {
        return content.stream().filter(ContentBlock.ToolCall.class::isInstance)
                .map(ContentBlock.ToolCall.class::cast).toList();
    }
}
