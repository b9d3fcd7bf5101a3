package dev.munero.core.plan;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A check (or a build step it needs) that failed, as the reflection sees it.
 *
 * @param step         the failed step's or check's name
 * @param exitCode     the process's exit code; empty when no process exited (a timeout, a step that could not start)
 * @param logTail      the end of its output; may be empty
 * @param failingTests names of the failing tests the output reports, in its order; may be empty
 */
public record CheckFailure(String step, OptionalInt exitCode, String logTail, List<String> failingTests) {
    /**
     * @throws NullPointerException     when an argument or a list element is null
     * @throws IllegalArgumentException when {@code step} is blank
     */
    public CheckFailure {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(exitCode, "exitCode");
        Objects.requireNonNull(logTail, "logTail");
        failingTests = List.copyOf(failingTests);
        if (step.isBlank()) {
            throw new IllegalArgumentException("a check failure needs the step's name");
        }
    }
}
