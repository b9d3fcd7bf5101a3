package dev.munero.agent;

import dev.munero.llm.Usage;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * How an agent run ended.
 *
 * @param condition     why it stopped
 * @param summary       the model's {@code finish} summary, or its last text
 * @param detail        what the stop condition was about, for the user (e.g. "next call projected $0.42 with $0.30
 *                      left")
 * @param turns         model calls made
 * @param toolCalls     tool calls run
 * @param usage         tokens of every call
 * @param costUsd       the total cost; empty when the model's price is unknown
 * @param prefixReuse   per call from the second on, the share of the request that repeated the previous one's
 *                      prefix
 * @param duration      wall time of the run
 */
public record AgentResult(StopCondition condition, String summary, String detail, int turns, int toolCalls,
                          Usage usage, OptionalDouble costUsd, List<Double> prefixReuse, Duration duration) {
    public AgentResult {
        prefixReuse = List.copyOf(prefixReuse);
    }

    /** The mean of {@link #prefixReuse()}, or 0 with fewer than two calls. */
    public double meanPrefixReuse() {
        return prefixReuse.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    }
}
