package dev.munero.engine.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A repository's build definition with one profile applied: the steps, the settings and the
 * artifacts to verify.
 *
 * @param root     absolute, normalised repository root
 * @param steps    steps in declaration order; names are unique
 * @param settings global settings
 * @param verify   artifacts (paths or globs relative to the root) that must exist after the build;
 *                 only filled for the {@code production} profile or a profile that declares its own
 * @param profile  the active profile
 * @param origin   where the definition came from, e.g. {@code munero.yaml} or {@code auto-detected: maven, npm}
 */
public record Project(Path root, List<StepSpec> steps, BuildSettings settings, List<String> verify, String profile,
                      String origin) {
    public Project {
        steps = List.copyOf(steps);
        verify = List.copyOf(verify);
    }
}
