package dev.munero.agent;

import dev.munero.llm.Usage;
import java.time.Duration;
import java.util.OptionalDouble;

/**
 * Everything an agent run does, in order, for a listener to print, persist or stream. Sealed: a listener
 * switches over the variants. Events never contain an API key; tool arguments and outputs are the model's and
 * the workspace's own.
 */
public sealed interface AgentEvent {

    /** The turn number, from 1; 0 for events outside a turn. */
    int turn();

    /** A turn begins: the conversation is about to be sent. */
    record TurnStarted(int turn, long estimatedInputTokens, int messages) implements AgentEvent { }

    /** Text streamed from the model (streaming providers only), in pieces. */
    record TextDelta(int turn, String text) implements AgentEvent { }

    /** A call failed and will be retried after {@code delay}. */
    record Retrying(int turn, int attempt, Duration delay, String reason) implements AgentEvent { }

    /**
     * The model answered.
     *
     * @param text          its text, "" when it only called tools
     * @param toolCalls     how many tool calls it asked for
     * @param usage         the call's tokens
     * @param costUsd       the call's cost, empty when the model's price is unknown
     * @param totalCostUsd  the run's cost so far, empty when any call's price was unknown
     * @param prefixReuse   the share (0-1) of this request that repeated the previous request's prefix
     * @param duration      the call's wall time, retries included
     */
    record ModelResponded(int turn, String text, int toolCalls, String stopReason, Usage usage, OptionalDouble costUsd,
                          OptionalDouble totalCostUsd, double prefixReuse, Duration duration) implements AgentEvent { }

    /** A tool call starts. */
    record ToolCallStarted(int turn, String id, String name, String argumentsJson) implements AgentEvent { }

    /**
     * A tool call ended.
     *
     * @param error   true when the result went back to the model as an error
     * @param output  the result text the model sees
     */
    record ToolCallFinished(int turn, String id, String name, boolean error, String output, Duration duration)
            implements AgentEvent { }

    /** Older tool results were shortened to fit the context window. */
    record ContextTrimmed(int turn, int resultsTrimmed, long tokensBefore, long tokensAfter) implements AgentEvent { }

    /** The run ended. */
    record Stopped(int turn, StopCondition condition, String detail) implements AgentEvent { }
}
