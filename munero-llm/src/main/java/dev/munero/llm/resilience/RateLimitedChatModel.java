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
 * Holds each call until it fits the client-side {@link RateLimits}: a smooth limiter of requests per minute and
 * one of estimated input tokens per minute (Failsafe's {@link RateLimiter}, which spreads permits evenly over the
 * minute). A request estimated above the whole token budget waits for a full minute's worth, not forever.
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
        this.tokens = limits.tokensPerMinute() > 0
                ? RateLimiter.smoothBuilder(limits.tokensPerMinute(), Duration.ofMinutes(1)).build() : null;
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
