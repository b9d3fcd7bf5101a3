package dev.munero.engine.detect;

import dev.munero.engine.config.StepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a step graph from the build files of a repository that has no munero.yaml.
 *
 * <p>The repository is walked once (skipping {@code .git}, {@code node_modules}, {@code target},
 * {@code build}, {@code dist}, {@code .munero}, {@code .venv}, {@code venv}, {@code vendor}, every other
 * hidden directory, and anything more than 6 levels deep), then each detector looks at the build files
 * found, in this order: Maven, Gradle, npm (also pnpm and yarn), Cargo, Go, Python. All their steps go
 * into one graph, so a Maven back end at the root and an npm front end in {@code frontend/} build
 * together. A root makefile is used only when none of those found anything.
 *
 * <p>Step names are unique: when a detector yields a name an earlier detector already used, every
 * step of the later detector is renamed to {@code <id>/<name>} (and its {@code dependsOn} with it), and
 * a warning says so. The result is deterministic for a given tree of files.
 *
 * <p>Stateless and thread-safe; each call reads the file system afresh.
 */
public final class AutoDetector {

    private static final List<Detector> DETECTORS = List.of(
            new MavenDetector(),
            new GradleDetector(),
            new NodeWorkspaceDetector(),
            new CargoDetector(),
            new GoDetector(),
            new PythonDetector());
    private static final Detector FALLBACK = new MakeDetector();

    private AutoDetector() {
    }

    /**
     * Detects the build systems of the repository at {@code root} and merges their steps.
     *
     * @param root the repository root directory; relative paths are resolved against the current
     *             directory and symbolic links are resolved
     * @return the steps, the ids of the systems found, and warnings; empty steps when nothing was found
     * @throws DetectionException when {@code root} is not a readable directory, or a build file exists but
     *                            cannot be read or parsed (the message names the file, with line and
     *                            column where the parser gives them)
     */
    public static DetectionResult detect(Path root) throws DetectionException {
        return detect(root, DETECTORS, FALLBACK, new ArrayList<>());
    }

    /**
     * Like {@link #detect(Path)}, and adds to {@code watched} the absolute paths whose change can change the
     * result: every directory walked (its modification time changes when an entry is added or removed) and
     * every build file recorded. A caller that keeps the result can re-stat these to know it is still valid.
     *
     * @throws DetectionException see {@link #detect(Path)}
     */
    public static DetectionResult detect(Path root, List<Path> watched) throws DetectionException {
        return detect(root, DETECTORS, FALLBACK, watched);
    }

    static DetectionResult detect(Path root, List<Detector> detectors, Detector fallback) throws DetectionException {
        return detect(root, detectors, fallback, new ArrayList<>());
    }

    private static DetectionResult detect(Path root, List<Detector> detectors, Detector fallback, List<Path> watched)
            throws DetectionException {
        Path realRoot = realDirectory(root);
        Set<String> fileNames = new LinkedHashSet<>();
        detectors.forEach(d -> fileNames.addAll(d.buildFileNames()));
        fileNames.addAll(fallback.buildFileNames());
        RepoTree tree = RepoTree.scan(realRoot, fileNames);
        tree.dirs().forEach(d -> watched.add(realRoot.resolve(d)));
        fileNames.forEach(name -> tree.files(name).forEach(f -> watched.add(realRoot.resolve(f))));

        List<String> warnings = new ArrayList<>(tree.warnings());
        List<String> systems = new ArrayList<>();
        Map<String, StepSpec> steps = new LinkedHashMap<>();
        for (Detector detector : detectors) {
            merge(detector, detector.scan(tree), steps, systems, warnings);
        }
        if (steps.isEmpty()) {
            merge(fallback, fallback.scan(tree), steps, systems, warnings);
        }
        return new DetectionResult(List.copyOf(steps.values()), systems, warnings);
    }

    private static Path realDirectory(Path root) throws DetectionException {
        if (!Files.isDirectory(root)) {
            throw new DetectionException(root + " is not a directory; pass the repository root");
        }
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new DetectionException("cannot resolve the repository root " + root + ": " + e.getMessage(), e);
        }
    }

    private static void merge(Detector detector, Detection found, Map<String, StepSpec> into, List<String> systems,
                              List<String> warnings) {
        warnings.addAll(found.warnings());
        if (found.steps().isEmpty()) {
            return;
        }
        checkContract(detector, found.steps());
        List<StepSpec> steps = found.steps();
        String clash = steps.stream().map(StepSpec::name).filter(into::containsKey).findFirst().orElse(null);
        if (clash != null) {
            steps = prefixed(detector.id() + "/", steps);
            warnings.add("step " + clash + " of " + detector.id() + " has the name of an earlier detected step; "
                    + "named all " + detector.id() + " steps " + detector.id() + "/<name>");
        }
        for (StepSpec step : steps) {
            if (into.putIfAbsent(step.name(), step) != null) {
                throw new IllegalStateException("step " + step.name() + " of detector " + detector.id()
                        + " is still taken after prefixing; detector ids must be unique");
            }
        }
        systems.add(detector.id());
    }

    private static List<StepSpec> prefixed(String prefix, List<StepSpec> steps) {
        Map<String, String> renamed = new HashMap<>();
        steps.forEach(s -> renamed.put(s.name(), prefix + s.name()));
        List<StepSpec> out = new ArrayList<>();
        for (StepSpec s : steps) {
            out.add(s.toBuilder()
                    .name(renamed.get(s.name()))
                    .dependsOn(s.dependsOn().stream().map(renamed::get).toList())
                    .build());
        }
        return out;
    }

    /** The {@link BuildSystemDetector} contract; a breach is a bug in the detector. */
    private static void checkContract(Detector detector, List<StepSpec> steps) {
        Set<String> names = new LinkedHashSet<>();
        for (StepSpec s : steps) {
            if (!names.add(s.name())) {
                throw new IllegalStateException("detector " + detector.id() + " yielded step " + s.name() + " twice");
            }
        }
        for (StepSpec s : steps) {
            for (String dep : s.dependsOn()) {
                if (!names.contains(dep)) {
                    throw new IllegalStateException("step " + s.name() + " of detector " + detector.id()
                            + " depends on " + dep + ", which that detector did not yield");
                }
            }
        }
    }
}
