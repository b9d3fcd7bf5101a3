package dev.munero.llm;

import java.util.Objects;

/**
 * The model's answer to one {@link ChatRequest}.
 *
 * @param message    the assistant message (text and tool calls)
 * @param stopReason why generation stopped
 * @param usage      the call's token counts
 * @param model      the model id the provider reports having used (may differ from the requested alias)
 * @param id         the provider's response id, "" when it sent none
 */
public record ChatResponse(Message message, StopReason stopReason, Usage usage, String model, String id) {
    public ChatResponse {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(stopReason, "stopReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(model, "model");
        id = id == null ? "" : id;
        if (message.role() != Message.Role.ASSISTANT) {
            throw new IllegalArgumentException("a response message must be an assistant message");
        }
    }
}
