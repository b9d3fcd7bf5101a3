package dev.munero.temporal;

import dev.munero.llm.ChatModel;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.temporal.wire.RunInput;

/**
 * Makes the model an activity's phase calls (issue 16.2): the worker's provider behind the workflow's budget
 * ({@link RunWorkflow#reserve} before each call, {@link RunWorkflow#settle} after) and the call cache (a call an
 * earlier attempt completed, {@link Heartbeats#previous()}, is answered from the remote cache and neither reserved
 * nor sent; a call completed now goes to the remote cache and its digest into the heartbeat).
 *
 * <p>Implementations are thread-safe; the model they return is used by one activity attempt.
 */
public interface ActivityModels {
    /**
     * @param run        the run (its workflow id, remote cache, budget)
     * @param provider   the worker's provider of {@link RunInput#model()}, its key from the worker's environment
     * @param prices     the model's prices (worst cases and costs)
     * @param heartbeats the activity attempt's heartbeats
     * @param callPrefix unique per activity attempt, {@code <activity id>/<attempt>}, the prefix of its call ids
     * @return the model the phase calls
     */
    ChatModel open(RunInput run, ChatModel provider, ModelInfo prices, Heartbeats heartbeats, String callPrefix);
}
