package dev.munero.llm.resilience;

import dev.failsafe.RateLimiter;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.llm.TokenEstimator;
import java.time.Duration;

/**
 * Holds each call until it fits the client-side {@link RateLimits}: a smooth limiter of requests per minute
 * (Failsafe's {@link RateLimiter}, which spreads calls evenly over the minute) and a bursty one of estimated input
 * tokens per minute (a fixed one-minute window, as providers count them). A request estimated above the whole
 * token budget waits for a full minute's worth, not forever.
 *
 * <p>Thread-safe; share one instance across agents that share a key.
 */
public final class RateLimitedChatModel implements ChatModel {
    private final ChatModel delegate;
    private final RateLimiter<Object> requests;
    private final RateLimiter<Object> tokens;
    private final int tokensPerMinute;

    public RateLimitedChatModel(ChatModel delegate, RateLimits limits) {
        this.delegate = delegate;
        this.requests = limits.requestsPerMinute() > 0
                ? RateLimiter.smoothBuilder(limits.requestsPerMinute(), Duration.ofMinutes(1)).build() : null;
        // bursty for tokens: a smooth limiter would meter each token and make even the first large request wait
        this.tokens = limits.tokensPerMinute() > 0
                ? RateLimiter.burstyBuilder(limits.tokensPerMinute(), Duration.ofMinutes(1)).build() : null;
        this.tokensPerMinute = limits.tokensPerMinute();
    }

    @Override
    public ModelRef model() {
        return delegate.model();
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        if (requests != null) {
            requests.acquirePermit();
        }
        if (tokens != null) {
            long estimate = TokenEstimator.inputTokens(request);
            tokens.acquirePermits((int) Math.min(Math.max(1, estimate), tokensPerMinute));
        }
        return delegate.chat(request, listener);
    }
}
