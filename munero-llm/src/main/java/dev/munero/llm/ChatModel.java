package dev.munero.llm;

/**
 * A chat model behind one provider: sends a {@link ChatRequest}, returns the whole {@link ChatResponse}.
 *
 * <p>Decorators add what every provider shares: retries ({@code resilience.RetryingChatModel}), rate limits
 * ({@code resilience.RateLimitedChatModel}), recording and replay ({@code record}). {@link Providers} builds the
 * usual stack.
 *
 * <p>Implementations are thread-safe: parallel agents share one model.
 */
public interface ChatModel {

    /** The model this sends to. */
    ModelRef model();

    /**
     * Sends one request and waits for the whole answer.
     *
     * @param request  the conversation so far
     * @param listener receives text as it streams in when the model streams; may be {@link StreamListener#NONE}
     * @return the answer with its usage
     * @throws ProviderException    when the provider fails; {@link ProviderException#retriable()} says whether to
     *                              try again
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException;

    /** {@link #chat(ChatRequest, StreamListener)} without a listener. */
    default ChatResponse chat(ChatRequest request) throws InterruptedException {
        return chat(request, StreamListener.NONE);
    }
}
