package dev.munero.agent.worker;

import dev.munero.agent.Agent;
import dev.munero.agent.AgentEvent;
import dev.munero.agent.AgentListener;
import dev.munero.agent.AgentResult;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The built-in agent ({@link Agent}) as a {@link Worker}: the caller builds the agent for the task (model, tools,
 * sandbox, limits) with the listener this adapter passes, and the adapter maps its events and its result. The
 * task's home, session id, MCP file and CLI-only limits (inactivity, grace) do not apply to it: the agent runs in
 * this process, with its own timeout and cost limit.
 *
 * <p>Thread-safe when the factory is.
 */
public final class AgentWorker implements Worker {

    /** Builds the agent for one task, with {@code listener} as its listener. */
    @FunctionalInterface
    public interface Factory {
        Agent create(WorkerTask task, AgentListener listener);
    }

    private final Factory factory;

    public AgentWorker(Factory factory) {
        this.factory = Objects.requireNonNull(factory, "factory");
    }

    @Override
    public String name() {
        return Workers.AGENT;
    }

    @Override
    public WorkerResult run(WorkerTask task, WorkerListener listener) {
        dev.munero.llm.Usage[] total = {dev.munero.llm.Usage.ZERO};
        Agent agent = factory.create(task, event -> {
            map(event, listener);
            if (event instanceof AgentEvent.ModelResponded m) {
                total[0] = total[0].plus(m.usage());
                listener.onEvent(new WorkerEvent.UsageUpdate(total[0], m.totalCostUsd(),
                        m.totalCostUsd().isPresent() ? CostSource.PRICED : CostSource.UNPRICED));
            }
        });
        AgentResult r = agent.run(task.prompt());
        WorkerOutcome outcome = switch (r.condition()) {
            case FINISHED, END_TURN -> WorkerOutcome.FINISHED;
            case MAX_TURNS, MAX_COST, TIMEOUT, MAX_OUTPUT_TOKENS -> WorkerOutcome.LIMIT;
            case LOOP_DETECTED, PROVIDER_ERROR, PERMISSION_REQUIRED, INTERRUPTED -> WorkerOutcome.ERROR;
        };
        return new WorkerResult(outcome, r.summary(), r.condition().id() + (r.detail().isBlank() ? "" : ": "
                + r.detail()), r.usage(), r.costUsd(),
                r.costUsd().isPresent() ? CostSource.PRICED : CostSource.UNPRICED, r.turns(), Optional.empty(),
                OptionalInt.empty(), Optional.empty(), Optional.empty(), 0, r.duration());
    }

    private static void map(AgentEvent event, WorkerListener listener) {
        switch (event) {
            case AgentEvent.ModelResponded m -> {
                if (!m.text().isBlank()) {
                    listener.onEvent(new WorkerEvent.AssistantText(m.text()));
                }
            }
            case AgentEvent.ToolCallStarted s -> listener.onEvent(new WorkerEvent.ToolUse(s.id(), s.name(),
                    s.argumentsJson()));
            case AgentEvent.ToolCallFinished f -> listener.onEvent(new WorkerEvent.ToolResult(f.id(), f.name(),
                    f.error(), f.output()));
            case AgentEvent.Stopped s -> listener.onEvent(new WorkerEvent.Note("debug", "agent stopped: "
                    + s.condition().id()));
            case AgentEvent.TurnStarted t -> { }
            case AgentEvent.TextDelta t -> { }
            case AgentEvent.Retrying r -> listener.onEvent(new WorkerEvent.Note("warn", "retrying in " + r.delay()
                    + ": " + r.reason()));
            case AgentEvent.ContextTrimmed c -> listener.onEvent(new WorkerEvent.Note("debug", "trimmed "
                    + c.resultsTrimmed() + " old tool result(s)"));
        }
    }
}
