package dev.munero.engine.build;

/** The outcome of one step in one build. */
public enum StepStatus {
    /** Ran and exited 0 (possibly after retries). */
    PASSED,
    /** Ran and failed: non-zero exit, timeout, or could not be started. */
    FAILED,
    /** Not run: its cache key matched a stored result, whose outputs and log were restored. */
    CACHED,
    /** Not run: a {@code skipIf} condition held, a dependency failed, or the build stopped first. */
    SKIPPED,
    /** Was running when the build was cancelled (Ctrl-C) and was killed. */
    CANCELLED;

    /** Whether dependents may run after this outcome. */
    public boolean satisfiesDependents() {
        return this == PASSED || this == CACHED || this == SKIPPED;
    }
}
