package dev.munero.agent.worker;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * The limits a worker runs under.
 *
 * @param remainingBudgetUsd what the run may still spend on this task, in USD; empty for no limit. A CLI that takes a
 *                           budget flag gets it, and Munero stops the worker when the spend it reports would cross it
 * @param inactivity         how long the stream may stay silent (no line on stdout) before the task counts as hung
 *                           and its process tree is killed
 * @param grace              how long the process may live on after its final event before its tree is killed
 * @param timeout            wall-clock time for the whole task
 */
public record WorkerLimits(OptionalDouble remainingBudgetUsd, Duration inactivity, Duration grace, Duration timeout) {
    /** No budget, 10 minutes of silence, 10 seconds of grace, 30 minutes in all. */
    public static final WorkerLimits DEFAULTS = new WorkerLimits(OptionalDouble.empty(), Duration.ofMinutes(10),
            Duration.ofSeconds(10), Duration.ofMinutes(30));

    public WorkerLimits {
        if (remainingBudgetUsd.isPresent() && !(remainingBudgetUsd.getAsDouble() > 0)) {
            throw new IllegalArgumentException("the remaining budget must be a positive number of USD, was "
                    + remainingBudgetUsd.getAsDouble());
        }
        positive("inactivity", inactivity);
        positive("grace", grace);
        positive("timeout", timeout);
    }

    /** These limits with {@code usd} as the remaining budget. */
    public WorkerLimits withBudget(OptionalDouble usd) {
        return new WorkerLimits(usd, inactivity, grace, timeout);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
