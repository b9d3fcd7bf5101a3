package dev.munero.llm.resilience;

/**
 * Client-side limits on model calls, below the provider's own, so a parallel run does not spend its time in
 * 429 retries.
 *
 * @param requestsPerMinute calls per minute; 0 for no limit
 * @param tokensPerMinute   estimated input tokens per minute ({@link dev.munero.llm.TokenEstimator}); 0 for no
 *                          limit
 */
public record RateLimits(int requestsPerMinute, int tokensPerMinute) {
    public static final RateLimits NONE = new RateLimits(0, 0);

    public RateLimits {
        if (requestsPerMinute < 0 || tokensPerMinute < 0) {
            throw new IllegalArgumentException("rate limits cannot be negative: " + requestsPerMinute + " requests, "
                    + tokensPerMinute + " tokens per minute");
        }
    }

    public boolean any() {
        return requestsPerMinute > 0 || tokensPerMinute > 0;
    }
}
