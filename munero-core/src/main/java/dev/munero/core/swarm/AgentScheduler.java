package dev.munero.core.swarm;

import dev.munero.core.plan.PlanTask;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the agent profile for a ready task (issue 14). The scoring implementation weighs availability, expertise,
 * workload, measured success rate and affinity; {@link #single()} is the scheduler of a run without an
 * {@code agents:} section.
 *
 * <p>Implementations are called by the coordinating thread only; they need not be thread-safe.
 */
public interface AgentScheduler {
    /** The profiles it chooses among, in declaration order. */
    List<AgentProfile> profiles();

    /**
     * The best profile that can take {@code task} now.
     *
     * @param busy  how many tasks each profile runs now, by profile name (absent means 0)
     * @param agent the slot number the assignment gets
     * @return empty when every profile that could take it is at its {@code maxConcurrent}
     */
    Optional<Assignment> assign(PlanTask task, Map<String, Integer> busy, int agent);

    /**
     * The scheduler of a run without agent profiles: every task to {@link AgentProfile#DEFAULT}, available while the
     * run has a free slot (the caller bounds the slots by {@code --agents}).
     */
    static AgentScheduler single() {
        return new AgentScheduler() {
            @Override
            public List<AgentProfile> profiles() {
                return List.of(AgentProfile.DEFAULT);
            }

            @Override
            public Optional<Assignment> assign(PlanTask task, Map<String, Integer> busy, int agent) {
                Map<String, Double> factors = Map.of("availability", 1.0);
                return Optional.of(new Assignment(task, AgentProfile.DEFAULT, agent, 1.0, factors,
                        Map.of("availability", 1.0), Map.of()));
            }
        };
    }
}
