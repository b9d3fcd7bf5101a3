package dev.munero.core.plan;

import java.util.List;

/**
 * The model gave no valid plan (or reflection) within the {@link Planner}'s attempts: an expected outcome of a run
 * (it fails, saying why), not a bug.
 */
public final class PlanningException extends Exception {
    private final int attempts;
    private final List<String> problems;

    /**
     * @param what     {@code plan} or {@code reflection}
     * @param attempts the model calls made
     * @param problems the problems of the last answer
     */
    PlanningException(String what, int attempts, List<String> problems) {
        super("the model gave no valid " + what + " after " + attempts + " attempts: " + String.join("; ", problems));
        this.attempts = attempts;
        this.problems = List.copyOf(problems);
    }

    /** The model calls made. */
    public int attempts() {
        return attempts;
    }

    /** The problems of the model's last answer. */
    public List<String> problems() {
        return problems;
    }
}
