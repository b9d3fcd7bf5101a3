package dev.munero.agent;

/**
 * Receives an agent run's events, in order, on the run's thread (or, for {@link AgentEvent.TextDelta}, a provider
 * thread). Implementations must not throw; a slow listener slows the run.
 */
@FunctionalInterface
public interface AgentListener {
    AgentListener NONE = event -> { };

    void onEvent(AgentEvent event);
}
