package dev.munero.llm;

import java.util.List;
import java.util.Objects;

/**
 * One request to a chat model.
 *
 * @param system          the system prompt; may be empty
 * @param messages        the conversation, starting with a user message, roles alternating
 * @param tools           tools the model may call, in a stable order (the order is part of the cached prefix)
 * @param maxOutputTokens the most tokens the model may generate, at least 1
 */
public record ChatRequest(String system, List<Message> messages, List<ToolDefinition> tools, int maxOutputTokens) {
    public ChatRequest {
        Objects.requireNonNull(system, "system");
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a chat request needs at least one message");
        }
        if (messages.getFirst().role() != Message.Role.USER) {
            throw new IllegalArgumentException("the first message must be a user message");
        }
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("maxOutputTokens must be at least 1, was " + maxOutputTokens);
        }
    }
}
