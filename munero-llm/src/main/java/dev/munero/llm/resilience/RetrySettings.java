package dev.munero.llm.resilience;

import java.time.Duration;

/**
 * How model calls are retried.
 *
 * @param maxRetries    retries after the first attempt, at least 0
 * @param initialDelay  the first backoff delay; each next one doubles
 * @param maxDelay      the longest backoff delay
 * @param jitter        the random share (0 to 1) added or removed from each backoff delay
 * @param maxRetryAfter the longest {@code retry-after} honoured; a server asking for more fails the call
 */
public record RetrySettings(int maxRetries, Duration initialDelay, Duration maxDelay, double jitter,
                            Duration maxRetryAfter) {
    /** 4 retries, 1 s doubling to 30 s, ±20 % jitter, retry-after honoured up to 5 min. */
    public static final RetrySettings DEFAULTS = new RetrySettings(4, Duration.ofSeconds(1), Duration.ofSeconds(30),
            0.2, Duration.ofMinutes(5));

    public RetrySettings {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries cannot be negative: " + maxRetries);
        }
        if (initialDelay.isNegative() || initialDelay.isZero() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("need 0 < initialDelay <= maxDelay, got " + initialDelay + " and "
                    + maxDelay);
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within 0..1, was " + jitter);
        }
    }
}
