package dev.munero.llm;

/**
 * Why the model stopped generating. Anthropic's {@code stop_reason} ({@code end_turn}, {@code tool_use},
 * {@code max_tokens}, {@code stop_sequence}, {@code refusal}) and OpenAI's {@code finish_reason} ({@code stop},
 * {@code tool_calls}, {@code length}, {@code content_filter}) map onto these.
 */
public enum StopReason {
    /** The model finished its turn (or hit a stop sequence). */
    END_TURN,
    /** The model wants tool calls run. */
    TOOL_USE,
    /** The output hit the max output tokens. */
    MAX_TOKENS,
    /** The provider filtered or refused the output. */
    CONTENT_FILTER,
    /** Anything else the provider reported. */
    OTHER
}
