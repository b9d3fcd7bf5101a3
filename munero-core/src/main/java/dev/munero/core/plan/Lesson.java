package dev.munero.core.plan;

import java.util.List;
import java.util.Objects;

/**
 * What one failed check taught: kept across runs and shown to later planners and agents. In the reflection's
 * JSON it is {@code {"check", "what_failed", "why", "fix", "files"}}.
 *
 * @param check      the failed check's (or step's) name
 * @param whatFailed the error or the failing tests
 * @param why        the root cause
 * @param fix        what fixes it
 * @param files      the files involved, relative to the repository root; may be empty
 */
public record Lesson(String check, String whatFailed, String why, String fix, List<String> files) {
    /**
     * @throws NullPointerException     when an argument or a list element is null
     * @throws IllegalArgumentException when {@code check}, {@code whatFailed}, {@code why} or {@code fix} is blank
     */
    public Lesson {
        requireText(check, "check");
        requireText(whatFailed, "whatFailed");
        requireText(why, "why");
        requireText(fix, "fix");
        files = List.copyOf(files);
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException("a lesson's " + name + " is blank");
        }
    }
}
