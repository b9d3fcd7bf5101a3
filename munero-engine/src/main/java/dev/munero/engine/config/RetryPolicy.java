package dev.munero.engine.config;

import java.time.Duration;

/**
 * How often a failed step is run again: attempt {@code n} (1-based, after the first) waits
 * {@code initialBackoff * 2^(n-1)}, capped at {@link #MAX_BACKOFF}, with up to 20 % random jitter.
 *
 * @param retries        extra attempts after the first, 0..20
 * @param initialBackoff wait before the first retry; not negative
 */
public record RetryPolicy(int retries, Duration initialBackoff) {

    /** No retry. */
    public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ofSeconds(1));

    /** Upper bound of one wait between attempts. */
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    public RetryPolicy {
        if (retries < 0 || retries > 20) {
            throw new IllegalArgumentException("retries must be 0..20, was " + retries);
        }
        if (initialBackoff == null || initialBackoff.isNegative()) {
            throw new IllegalArgumentException("retry backoff must not be negative, was " + initialBackoff);
        }
    }

    /**
     * The wait before retry {@code retry} (1-based), without jitter.
     *
     * @throws IllegalArgumentException when {@code retry < 1}
     */
    public Duration backoff(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry is 1-based, was " + retry);
        }
        long millis = initialBackoff.toMillis() << Math.min(retry - 1, 20);
        return Duration.ofMillis(Math.min(millis, MAX_BACKOFF.toMillis()));
    }
}
