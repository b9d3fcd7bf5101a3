package dev.munero.core.plan;

import java.util.List;
import java.util.Objects;

/**
 * A step of the repository's build graph, as the planner is shown it: a plan's check without {@code run} names
 * one of these.
 *
 * @param name      the step's name
 * @param command   its command as one line (a script, or the argv joined with spaces); may be empty
 * @param dependsOn the steps it runs after; may be empty
 */
public record StepInfo(String name, String command, List<String> dependsOn) {
    /**
     * @throws NullPointerException     when an argument or a list element is null
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public StepInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(command, "command");
        dependsOn = List.copyOf(dependsOn);
        if (name.isBlank()) {
            throw new IllegalArgumentException("a build step needs a name");
        }
    }
}
