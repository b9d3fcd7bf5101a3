package dev.munero.core.swarm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weight of each factor in a profile's score ({@link ScoringScheduler}), from munero.yaml's
 * {@code run: scheduler: weights:} (issue 14). The score is the weighted mean of the factors: the weighted sum
 * divided by the weights' sum, so it stays in [0, 1] whatever the weights add up to.
 *
 * @param availability weight of the profile's free slots (free / max_concurrent)
 * @param expertise    weight of the skills and role match with the task
 * @param workload     weight of how little of the run's running tasks the profile holds
 * @param success      weight of the profile's measured success rate across runs
 * @param affinity     weight of the share of the task's files the profile changed before
 */
public record ScoringWeights(double availability, double expertise, double workload, double success,
                             double affinity) {
    /** The factors' names, in the order of the record, as in events and munero.yaml. */
    public static final java.util.List<String> FACTORS = java.util.List.of("availability", "expertise", "workload",
            "success", "affinity");

    /** The defaults: expertise first, then measured success, then the rest alike. Their sum is 1. */
    public static final ScoringWeights DEFAULTS = new ScoringWeights(0.15, 0.35, 0.15, 0.2, 0.15);

    /**
     * @throws IllegalArgumentException when a weight is negative or not a number, or all are 0
     */
    public ScoringWeights {
        double[] all = {availability, expertise, workload, success, affinity};
        double sum = 0;
        for (int i = 0; i < all.length; i++) {
            if (!(all[i] >= 0) || Double.isInfinite(all[i])) {
                throw new IllegalArgumentException("the weight of " + FACTORS.get(i) + " must be 0 or more, was "
                        + all[i]);
            }
            sum += all[i];
        }
        if (sum == 0) {
            throw new IllegalArgumentException("every weight is 0; give at least one factor a weight above 0");
        }
    }

    /**
     * These weights with the ones given in {@code values} replaced.
     *
     * @param values factor name → weight; a key not in {@link #FACTORS} is an error
     * @throws IllegalArgumentException for an unknown factor or a weight the constructor refuses
     */
    public ScoringWeights with(Map<String, Double> values) {
        Map<String, Double> m = new LinkedHashMap<>(asMap());
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (!m.containsKey(e.getKey())) {
                throw new IllegalArgumentException("no factor is named '" + e.getKey() + "'; the factors are "
                        + String.join(", ", FACTORS));
            }
            m.put(e.getKey(), e.getValue());
        }
        return new ScoringWeights(m.get("availability"), m.get("expertise"), m.get("workload"), m.get("success"),
                m.get("affinity"));
    }

    /** Factor name → weight, in the order of {@link #FACTORS}. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("availability", availability);
        m.put("expertise", expertise);
        m.put("workload", workload);
        m.put("success", success);
        m.put("affinity", affinity);
        return m;
    }

    /** The weighted mean of {@code factors} (factor name → value in [0, 1]; a missing factor counts 0). */
    public double score(Map<String, Double> factors) {
        double sum = 0;
        double weights = 0;
        for (Map.Entry<String, Double> w : asMap().entrySet()) {
            sum += w.getValue() * factors.getOrDefault(w.getKey(), 0.0);
            weights += w.getValue();
        }
        return sum / weights;
    }
}
