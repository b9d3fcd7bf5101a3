package dev.munero.core.swarm;

import dev.munero.core.plan.PlanTask;
import java.util.Map;
import java.util.Objects;

/**
 * A ready task given to an agent profile by the {@link AgentScheduler}, with why: the shape of the
 * {@code task_assigned} event.
 *
 * @param agent   the agent's slot in the iteration (1, 2, ...), as in {@code task_started}
 * @param score   the weighted sum of the factors, 0 to 1
 * @param factors each factor before weighting, 0 to 1: availability, expertise, workload, success, affinity
 * @param weights each factor's configured weight, same keys
 * @param others  the other candidate profiles' scores, by name
 */
public record Assignment(PlanTask task, AgentProfile profile, int agent, double score, Map<String, Double> factors,
                         Map<String, Double> weights, Map<String, Double> others) {
    /** @throws NullPointerException when an argument is null */
    public Assignment {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(profile, "profile");
        factors = Map.copyOf(factors);
        weights = Map.copyOf(weights);
        others = Map.copyOf(others);
    }
}
