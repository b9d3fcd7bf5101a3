package dev.munero.engine.build;

import java.util.List;

/**
 * One line of a dry run or an explanation.
 *
 * @param name     step name
 * @param action   what the build would do
 * @param cacheKey the step's current cache key, null when skipped
 * @param command  the command, as text
 * @param cwd      repository-relative working directory
 * @param reasons  why
 */
public record PlannedStep(String name, Action action, String cacheKey, String command, String cwd, List<String> reasons) {
    public PlannedStep {
        reasons = List.copyOf(reasons);
    }

    /** What a build would do with a step. */
    public enum Action {
        /** Run the command: not up to date. */
        RUN,
        /** Restore from the cache: up to date. */
        RESTORE,
        /** Skip: a skipIf condition holds. */
        SKIP
    }
}
