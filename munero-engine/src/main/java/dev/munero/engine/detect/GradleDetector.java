package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Detects one Gradle build: the directory of the shallowest settings.gradle(.kts), or when there is
 * none, of the shallowest build.gradle(.kts) (a single-project build).
 *
 * <p>Per project with a build script or a {@code src/} directory, run from the build's root:
 * {@code <name>:build} = {@code ./gradlew :<path>:build -x test} ({@code gradle} when there is no
 * executable gradlew), storing {@code <dir>/build/**}; and, when the project has {@code src/test},
 * {@code <name>:test} = {@code ./gradlew :<path>:test} after it. The name is the project's own name (the
 * last path segment; {@code rootProject.name} or the directory name for the root project), or its full
 * path without the leading colon when two projects share a name. The root project gets steps when it
 * has a build script and either includes no project or has a {@code src/} directory. A build depends
 * on the builds of the projects its build script names ({@code project(':x')},
 * {@code projects.x}).
 *
 * <p>Limitations: settings and build scripts are matched with regular expressions, not evaluated (see
 * {@link GradleScripts}); composite builds ({@code includeBuild}) are not followed.
 *
 * <p>Stateless and thread-safe.
 */
final class GradleDetector implements Detector {

    private static final List<String> SETTINGS = List.of("settings.gradle", "settings.gradle.kts");
    private static final List<String> BUILD_SCRIPTS = List.of("build.gradle", "build.gradle.kts");

    /** One Gradle project that gets steps. */
    private record Project(String path, Path dir, String name, Optional<Path> buildScript) {
    }

    @Override
    public String id() {
        return "gradle";
    }

    @Override
    public Set<String> buildFileNames() {
        Set<String> names = new LinkedHashSet<>(SETTINGS);
        names.addAll(BUILD_SCRIPTS);
        return names;
    }

    @Override
    public Detection scan(RepoTree tree) throws DetectionException {
        List<Path> settingsFiles = filesNamed(tree, SETTINGS);
        List<Path> candidates = settingsFiles.isEmpty() ? filesNamed(tree, BUILD_SCRIPTS) : settingsFiles;
        if (candidates.isEmpty()) {
            return new Detection(List.of(), List.of());
        }
        List<String> warnings = new ArrayList<>();
        Path root = RelPaths.parentOf(candidates.get(0));
        for (Path other : candidates) {
            Path otherDir = RelPaths.parentOf(other);
            if (!otherDir.equals(root) && RepoTree.depth(otherDir) == RepoTree.depth(root)) {
                warnings.add(RelPaths.str(other) + " belongs to another Gradle build than the one at "
                        + RelPaths.str(root) + "; only that one is built (describe the other one in a munero.yaml)");
            }
        }
        GradleScripts.Settings settings = settingsFiles.isEmpty()
                ? new GradleScripts.Settings(Optional.empty(), Set.of(), Map.of())
                : GradleScripts.settings(BuildFiles.read(tree, candidates.get(0)));

        List<Project> projects = new ArrayList<>();
        Optional<Path> rootScript = buildScript(tree, root);
        if (rootScript.isPresent() && (settings.includes().isEmpty() || tree.isDirectory(root.resolve("src")))) {
            String name = settings.rootProjectName().orElse(RelPaths.dirName(tree.root(), root));
            projects.add(new Project(":", root, name, rootScript));
        }
        Map<String, String> accessors = new LinkedHashMap<>();
        for (String path : settings.includes()) {
            accessors.put(GradleScripts.accessor(path), path);
            String dirText = settings.projectDirs().getOrDefault(path, path.substring(1).replace(':', '/'));
            Path dir = RelPaths.resolveWithin(root, dirText);
            if (dir == null || !tree.isDirectory(dir)) {
                warnings.add(RelPaths.str(candidates.get(0)) + " includes " + path + " but its directory "
                        + (dir == null ? dirText : RelPaths.str(dir)) + " does not exist; skipped it");
                continue;
            }
            Optional<Path> script = buildScript(tree, dir);
            if (script.isPresent() || tree.isDirectory(dir.resolve("src"))) {
                projects.add(new Project(path, dir, path.substring(path.lastIndexOf(':') + 1), script));
            }
        }
        return new Detection(steps(tree, root, projects, accessors), warnings);
    }

    private static List<Path> filesNamed(RepoTree tree, List<String> names) {
        List<Path> files = new ArrayList<>();
        names.forEach(n -> files.addAll(tree.files(n)));
        files.sort(RepoTree.SHALLOWEST_FIRST);
        return files;
    }

    private static Optional<Path> buildScript(RepoTree tree, Path dir) {
        return BUILD_SCRIPTS.stream().map(dir::resolve).filter(tree::isFile).findFirst();
    }

    private static List<StepSpec> steps(RepoTree tree, Path root, List<Project> projects, Map<String, String> accessors)
            throws DetectionException {
        Map<Project, String> preferred = new LinkedHashMap<>();
        projects.forEach(p -> preferred.put(p, p.name()));
        Map<Project, String> names = StepNames.unique(preferred,
                p -> p.path().equals(":") ? p.name() : p.path().substring(1));
        Map<String, Project> byPath = new LinkedHashMap<>();
        projects.forEach(p -> byPath.put(p.path(), p));
        String gradle = tree.isExecutable(root.resolve("gradlew")) ? "./gradlew" : "gradle";

        List<StepSpec> steps = new ArrayList<>();
        for (Project p : projects) {
            String name = names.get(p);
            String taskPrefix = p.path().equals(":") ? ":" : p.path() + ":";
            Set<String> deps = new TreeSet<>();
            if (p.buildScript().isPresent()) {
                for (String depPath : GradleScripts.projectDependencies(BuildFiles.read(tree, p.buildScript().get()), accessors)) {
                    Project dep = byPath.get(depPath);
                    if (dep != null && dep != p) {
                        deps.add(names.get(dep) + ":build");
                    }
                }
            }
            List<String> inputs = inputs(root, p.dir());
            steps.add(StepSpec.builder(name + ":build",
                            new Command.Argv(List.of(gradle, taskPrefix + "build", "-x", "test")))
                    .cwd(RelPaths.str(root))
                    .packageDir(RelPaths.str(p.dir()))
                    .dependsOn(List.copyOf(deps))
                    .inputs(inputs)
                    .outputs(List.of(RelPaths.from(root, p.dir(), "build/**")))
                    .build());
            if (tree.isDirectory(p.dir().resolve("src/test"))) {
                steps.add(StepSpec.builder(name + ":test", new Command.Argv(List.of(gradle, taskPrefix + "test")))
                        .cwd(RelPaths.str(root))
                        .packageDir(RelPaths.str(p.dir()))
                        .dependsOn(List.of(name + ":build"))
                        .inputs(inputs)
                        .outputs(List.of(RelPaths.from(root, p.dir(), "build/test-results/**")))
                        .build());
            }
        }
        steps.sort(Comparator.comparing(StepSpec::name));
        return steps;
    }

    /** The project's sources and scripts, plus the build-wide files every project's build reads. */
    private static List<String> inputs(Path root, Path dir) {
        Set<String> inputs = new LinkedHashSet<>();
        inputs.add(RelPaths.from(root, dir, "src/**"));
        BUILD_SCRIPTS.forEach(s -> inputs.add(RelPaths.from(root, dir, s)));
        inputs.addAll(SETTINGS);
        inputs.addAll(BUILD_SCRIPTS);
        inputs.addAll(List.of("gradle.properties", "gradle/**", "buildSrc/**", "!buildSrc/build/**", "!buildSrc/.gradle/**"));
        return List.copyOf(inputs);
    }
}
