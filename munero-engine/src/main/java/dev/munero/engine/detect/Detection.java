package dev.munero.engine.detect;

import dev.munero.engine.config.StepSpec;
import java.util.List;
import java.util.Objects;

/**
 * What one detector found: its steps and the problems it worked around.
 *
 * @param steps    steps with unique names whose {@code dependsOn} only names steps of this list
 * @param warnings human-readable messages, each naming the build file concerned
 */
record Detection(List<StepSpec> steps, List<String> warnings) {

    Detection {
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }
}
