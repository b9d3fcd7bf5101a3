package dev.munero.agent;

import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.TokenEstimator;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the conversation inside the model's context window. Before each call the loop asks it to {@link #fit}
 * the messages: when the estimate ({@link TokenEstimator}) passes {@value #HIGH_WATER_PERCENT}% of the room
 * (the context window minus the max output tokens), the oldest tool results are replaced by a one-line note of
 * what was dropped until the estimate is under {@value #LOW_WATER_PERCENT}%. The first message (the task) and the
 * last two messages (the current turn) are never touched.
 *
 * <p>Trimming in one large step, rarely, rather than a little every turn, keeps each request's prefix equal to
 * the previous one's on all other calls, so prompt caching keeps hitting. Stateless and thread-safe.
 */
final class ContextManager {
    static final int HIGH_WATER_PERCENT = 80;
    static final int LOW_WATER_PERCENT = 50;
    private static final int KEEP_BELOW_CHARS = 300;

    /** The messages, trimmed or not, and how many results were trimmed. */
    record Fitted(List<Message> messages, int trimmed, long tokensBefore, long tokensAfter) { }

    private final long room;

    /**
     * @param contextWindow   the model's context window in tokens
     * @param maxOutputTokens the output reserved for each answer
     * @param fixedTokens     the system prompt and tool definitions, which are always sent
     */
    ContextManager(long contextWindow, int maxOutputTokens, long fixedTokens) {
        this.room = Math.max(1_000, contextWindow - maxOutputTokens - fixedTokens);
    }

    Fitted fit(List<Message> messages) {
        long before = estimate(messages);
        if (before * 100 <= room * HIGH_WATER_PERCENT) {
            return new Fitted(messages, 0, before, before);
        }
        List<Message> result = new ArrayList<>(messages);
        long tokens = before;
        int trimmed = 0;
        for (int i = 1; i < result.size() - 2 && tokens * 100 > room * LOW_WATER_PERCENT; i++) {
            Message message = result.get(i);
            if (message.role() != Message.Role.USER) {
                continue;
            }
            List<ContentBlock> blocks = new ArrayList<>();
            boolean changed = false;
            for (ContentBlock block : message.content()) {
                if (block instanceof ContentBlock.ToolResult r && r.content().length() > KEEP_BELOW_CHARS) {
                    blocks.add(new ContentBlock.ToolResult(r.toolCallId(), "[older tool output dropped to fit the "
                            + "context window: it was " + r.content().length() + " characters]", r.error()));
                    changed = true;
                    trimmed++;
                } else {
                    blocks.add(block);
                }
            }
            if (changed) {
                Message shorter = new Message(message.role(), blocks);
                tokens += TokenEstimator.tokens(shorter) - TokenEstimator.tokens(message);
                result.set(i, shorter);
            }
        }
        return new Fitted(trimmed == 0 ? messages : List.copyOf(result), trimmed, before, tokens);
    }

    static long estimate(List<Message> messages) {
        long tokens = 0;
        for (Message message : messages) {
            tokens += TokenEstimator.tokens(message);
        }
        return tokens;
    }
}
