package dev.munero.agent;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * The limits that stop an agent run.
 *
 * @param maxTurns          model calls at most, at least 1
 * @param maxCostUsd        USD the run may spend, checked before each call against that call's projected cost;
 *                          empty for no limit
 * @param timeout           wall-clock time for the whole run
 * @param maxRepeatedFailures how many times the same failing tool call (same tool, same arguments, same error)
 *                          may occur before the run stops as a loop, at least 2
 * @param maxOutputTokens   the max output tokens of each call
 */
public record AgentLimits(int maxTurns, OptionalDouble maxCostUsd, Duration timeout, int maxRepeatedFailures,
                          int maxOutputTokens) {
    /** 50 turns, no cost limit, 30 minutes, 3 repeats, 8192 output tokens. */
    public static final AgentLimits DEFAULTS = new AgentLimits(50, OptionalDouble.empty(), Duration.ofMinutes(30), 3,
            8192);

    public AgentLimits {
        if (maxTurns < 1) {
            throw new IllegalArgumentException("max turns must be at least 1, was " + maxTurns);
        }
        if (maxCostUsd.isPresent() && !(maxCostUsd.getAsDouble() > 0)) {
            throw new IllegalArgumentException("max cost must be a positive number of USD, was "
                    + maxCostUsd.getAsDouble());
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxRepeatedFailures < 2) {
            throw new IllegalArgumentException("max repeated failures must be at least 2, was " + maxRepeatedFailures);
        }
        if (maxOutputTokens < 1) {
            throw new IllegalArgumentException("max output tokens must be at least 1, was " + maxOutputTokens);
        }
    }
}
