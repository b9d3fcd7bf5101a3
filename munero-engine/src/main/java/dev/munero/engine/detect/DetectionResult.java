package dev.munero.engine.detect;

import dev.munero.engine.config.StepSpec;
import java.util.List;
import java.util.Objects;

/**
 * The step graph {@link AutoDetector} built for a repository without munero.yaml.
 *
 * <p>Immutable and thread-safe.
 *
 * @param steps    every detected step, grouped by build system in {@link #systems()} order and sorted by
 *                 name within each; names are unique and every {@code dependsOn} entry names a step of
 *                 this list
 * @param systems  ids of the build systems that yielded at least one step ({@code maven}, {@code gradle},
 *                 {@code npm}, {@code cargo}, {@code go}, {@code python}, or {@code make}), in detection
 *                 order; empty when nothing was found
 * @param warnings human-readable notes about build files that were skipped or steps that were renamed,
 *                 each naming the file or step concerned
 */
public record DetectionResult(List<StepSpec> steps, List<String> systems, List<String> warnings) {

    /**
     * @throws NullPointerException when a list is null
     */
    public DetectionResult {
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        systems = List.copyOf(Objects.requireNonNull(systems, "systems"));
        warnings = List.copyOf(Objects.requireNonNull(warnings, "warnings"));
    }

    /** Whether no build system was found. */
    public boolean isEmpty() {
        return steps.isEmpty();
    }
}
