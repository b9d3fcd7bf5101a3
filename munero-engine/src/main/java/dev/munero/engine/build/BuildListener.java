package dev.munero.engine.build;

import java.util.List;

/**
 * Receives a build's progress. Calls for different steps may come from different threads at once;
 * implementations must be thread-safe and fast (they run on the build's threads).
 */
public interface BuildListener {
    /** The build is about to start {@code total} steps; {@code order} is the planned start order. */
    default void buildStarted(String runId, int total, List<String> order) {
    }

    /** A step started work (hashing, restoring or running). */
    default void stepStarted(String step) {
    }

    /** A line of a step's output (only with output streaming on). */
    default void stepOutput(String step, String line) {
    }

    /** A step finished. */
    default void stepFinished(StepResult result) {
    }

    /** Something the user should know that is not a step result (e.g. a corrupt cache entry). */
    default void warning(String message) {
    }

    /** The build finished; the report is complete. */
    default void buildFinished(BuildReport report) {
    }

    /** A listener that ignores everything. */
    BuildListener NONE = new BuildListener() {
    };
}
