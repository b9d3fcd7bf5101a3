package dev.munero.core.plan;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One acceptance criterion of a {@link Plan}: something that passes when it exits 0. In the plan's JSON it is
 * {@code {"name"}} for a build step of the repository, or {@code {"name", "run"}} for a new command.
 *
 * @param name a build step's name when {@code run} is empty, else the new check's name; no spaces or commas (the
 *             rule of the engine's step names)
 * @param run  empty: the check is the repository's engine step {@code name}; present: a shell command, run in the
 *             repository root, that exits 0 when the criterion is met
 */
public record Check(String name, Optional<String> run) {
    static final Pattern NAME = Pattern.compile("[^\\s,]+");

    /**
     * @throws NullPointerException     when an argument is null
     * @throws IllegalArgumentException when {@code name} is empty or holds a space or comma, or {@code run} is blank
     */
    public Check {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(run, "run");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("check name '" + name + "' must be non-empty, without spaces or commas");
        }
        if (run.isPresent() && run.get().isBlank()) {
            throw new IllegalArgumentException("check '" + name + "' has a blank run command");
        }
    }

    /** A check that is the repository's engine step {@code name}. */
    public static Check step(String name) {
        return new Check(name, Optional.empty());
    }

    /** A new check that runs {@code command} in the repository root. */
    public static Check command(String name, String command) {
        return new Check(name, Optional.of(command));
    }
}
