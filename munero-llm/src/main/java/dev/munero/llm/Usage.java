package dev.munero.llm;

/**
 * Token counts of one model call, or a sum of calls.
 *
 * <p>The four counts are disjoint, so their sum is every token the call processed. Mapping (API references:
 * https://docs.anthropic.com/en/api/messages, https://platform.openai.com/docs/api-reference/chat/object):
 * <ul>
 *   <li>Anthropic: {@code input_tokens} (which already excludes cached tokens), {@code output_tokens},
 *       {@code cache_creation_input_tokens}, {@code cache_read_input_tokens}.</li>
 *   <li>OpenAI: {@code prompt_tokens - prompt_tokens_details.cached_tokens}, {@code completion_tokens}, 0,
 *       {@code prompt_tokens_details.cached_tokens}.</li>
 * </ul>
 *
 * @param inputTokens      input tokens neither written to nor read from a prompt cache
 * @param outputTokens     generated tokens (including reasoning tokens)
 * @param cacheWriteTokens input tokens written to the prompt cache
 * @param cacheReadTokens  input tokens read from the prompt cache
 */
public record Usage(long inputTokens, long outputTokens, long cacheWriteTokens, long cacheReadTokens) {
    public static final Usage ZERO = new Usage(0, 0, 0, 0);

    public Usage {
        if (inputTokens < 0 || outputTokens < 0 || cacheWriteTokens < 0 || cacheReadTokens < 0) {
            throw new IllegalArgumentException("token counts cannot be negative: " + inputTokens + ", "
                    + outputTokens + ", " + cacheWriteTokens + ", " + cacheReadTokens);
        }
    }

    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheWriteTokens + other.cacheWriteTokens, cacheReadTokens + other.cacheReadTokens);
    }

    /** Every input token: uncached, cache-written and cache-read. */
    public long totalInputTokens() {
        return inputTokens + cacheWriteTokens + cacheReadTokens;
    }
}
