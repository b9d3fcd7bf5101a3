package dev.munero.engine;

import dev.munero.engine.cache.GitFiles;
import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigProblem;
import dev.munero.engine.config.Project;
import dev.munero.engine.config.SourceLocation;
import dev.munero.engine.detect.AutoDetector;
import dev.munero.engine.detect.DetectionException;
import dev.munero.engine.detect.DetectionResult;
import dev.munero.engine.detect.TrackedOutputs;
import dev.munero.engine.graph.BuildGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A repository opened for building: its {@link Project} (from {@code munero.yaml}, else
 * auto-detected) and the checked {@link BuildGraph}. The entry point of the engine's API.
 *
 * @param project  the definition with the profile applied
 * @param graph    the checked task graph of all its steps
 * @param warnings things detection could not use, for the user
 */
public record Workspace(Project project, BuildGraph graph, List<String> warnings) {
    private static final String DETECTED = "auto-detected: ";

    /**
     * The tasks {@code munero build} selects when no target is named (see {@link
     * dev.munero.engine.graph.TargetSelection}): {@code build} on a detected graph, as {@code turbo run build} and
     * {@code mvn install -DskipTests} do; none (every step) with a munero.yaml, whose author chose its steps.
     */
    public List<String> defaultTasks() {
        return project.origin().startsWith(DETECTED) ? List.of(dev.munero.engine.graph.TargetSelection.BUILD_TASK) : List.of();
    }

    /**
     * Opens {@code root}.
     *
     * @param root    repository root (made absolute and normalised)
     * @param profile profile to apply, e.g. {@code development}
     * @throws ConfigException when munero.yaml is invalid, detection finds nothing or fails, or the graph
     *                         has unknown dependencies or a cycle
     */
    public static Workspace open(Path root, String profile) throws ConfigException {
        return open(root, profile, new java.util.ArrayList<>());
    }

    /**
     * Like {@link #open(Path, String)}, adding to {@code watched} the paths whose change can change the result (the
     * root, {@code munero.yaml}, the folders detection walked and the build files it read, git's index).
     *
     * @throws ConfigException see {@link #open(Path, String)}
     */
    public static Workspace open(Path root, String profile, List<Path> watched) throws ConfigException {
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new ConfigException(new ConfigProblem(new SourceLocation(abs, 0, 0), "",
                    "not a directory; pass the repository with -C DIR"));
        }
        Path file = abs.resolve(ConfigLoader.FILE_NAME);
        watched.add(abs);
        watched.add(file);
        if (Files.isRegularFile(file)) {
            Project project = ConfigLoader.load(abs, file, profile);
            return new Workspace(project, BuildGraph.of(project.steps(), file), List.of());
        }
        return detect(abs, profile, watched);
    }

    /**
     * Opens {@code root} from its build files alone, ignoring any munero.yaml (for {@code munero init}).
     *
     * @throws ConfigException when detection finds nothing or fails, the profile is not built in, or the
     *                         detected graph is inconsistent
     */
    public static Workspace detect(Path root, String profile) throws ConfigException {
        return detect(root, profile, new java.util.ArrayList<>());
    }

    private static Workspace detect(Path root, String profile, List<Path> watched) throws ConfigException {
        Path abs = root.toAbsolutePath().normalize();
        if (!ConfigLoader.BUILT_IN_PROFILES.contains(profile)) {
            throw new ConfigException(new ConfigProblem(new SourceLocation(abs, 0, 0), "profile",
                    "unknown profile '" + profile + "': without a munero.yaml only development, production and test exist"));
        }
        DetectionResult detected;
        try {
            detected = AutoDetector.detect(abs, watched);
        } catch (DetectionException e) {
            throw new ConfigException(new ConfigProblem(new SourceLocation(abs, 0, 0), "", e.getMessage()));
        }
        if (detected.steps().isEmpty()) {
            String yaml = Files.isRegularFile(abs.resolve(ConfigLoader.FILE_NAME))
                    ? "munero.yaml is there, but detection reads only build files, and found none" : null;
            throw new ConfigException(new ConfigProblem(new SourceLocation(abs, 0, 0), "", yaml != null
                    ? yaml + " (looked for pom.xml, package.json, Cargo.toml, go.mod, pyproject.toml, settings.gradle, Makefile)" :
                    "no munero.yaml and no build system found (looked for pom.xml, package.json, Cargo.toml, go.mod, "
                            + "pyproject.toml, settings.gradle, Makefile); write a munero.yaml (see README)"));
        }
        // issue 9.2: a guessed output glob must never claim a file git tracks
        List<String> warnings = new java.util.ArrayList<>(detected.warnings());
        List<dev.munero.engine.config.StepSpec> steps = TrackedOutputs.narrow(detected.steps(), GitFiles.snapshot(abs), warnings);
        GitFiles.indexFile(abs).ifPresent(watched::add);
        Project project = new Project(abs, steps, BuildSettings.DEFAULTS, List.of(), profile,
                DETECTED + String.join(", ", detected.systems()));
        return new Workspace(project, BuildGraph.of(project.steps(), abs), List.copyOf(warnings));
    }
}
