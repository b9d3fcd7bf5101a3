package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Detects Python projects by their pyproject.toml (none under .venv/, venv/ or node_modules/, which the
 * walk skips).
 *
 * <p>Per project, run in its directory: {@code <name>:build} = {@code python3 -m build} when the file has
 * a {@code [build-system]} table (PEP 517), storing {@code dist/**}; {@code <name>:test} =
 * {@code python3 -m pytest} when the project has a {@code tests/} or {@code test/} directory, a
 * {@code pytest.ini}, or a {@code [tool.pytest]} / {@code [tool.pytest.ini_options]} table. The name is
 * {@code [project] name}, else {@code [tool.poetry] name}, else the directory name. Tests run against the
 * sources, not the built wheel, so the test step does not depend on the build.
 *
 * <p>A pyproject.toml that yields no step (a file holding only tool settings) is ignored. One in a
 * subdirectory that yields steps hides the pyproject.toml files below it (fixtures, vendored copies).
 *
 * <p>Stateless and thread-safe.
 */
final class PythonDetector implements Detector {

    private static final String PYPROJECT = "pyproject.toml";
    private static final List<String> INPUTS = List.of("**", "!.venv/**", "!venv/**", "!dist/**", "!build/**",
            "!**/__pycache__/**", "!.pytest_cache/**", "!**/*.egg-info/**");

    @Override
    public String id() {
        return "python";
    }

    @Override
    public Set<String> buildFileNames() {
        return Set.of(PYPROJECT);
    }

    /** One pyproject.toml that yields steps. */
    private record Project(Path dir, String name, boolean buildable, boolean testable) {
    }

    @Override
    public Detection scan(RepoTree tree) throws DetectionException {
        List<Project> projects = new ArrayList<>();
        Set<Path> hidden = new HashSet<>();
        for (Path file : tree.files(PYPROJECT)) {
            Path dir = RelPaths.parentOf(file);
            if (RelPaths.isAtOrBelowAny(dir, hidden)) {
                continue;
            }
            JsonNode toml = BuildFiles.toml(tree, file);
            boolean buildable = Nodes.isObject(toml, "build-system");
            boolean testable = tree.isDirectory(dir.resolve("tests"))
                    || tree.isDirectory(dir.resolve("test"))
                    || tree.isFile(dir.resolve("pytest.ini"))
                    || Nodes.isObject(toml, "tool", "pytest");
            if (!buildable && !testable) {
                continue;
            }
            String name = Nodes.string(toml, "project", "name")
                    .or(() -> Nodes.string(toml, "tool", "poetry", "name"))
                    .filter(n -> !n.isBlank())
                    .orElse(RelPaths.dirName(tree.root(), dir));
            projects.add(new Project(dir, name, buildable, testable));
            if (RepoTree.depth(dir) > 0) {
                hidden.add(dir);
            }
        }
        Map<Project, String> preferred = new LinkedHashMap<>();
        projects.forEach(p -> preferred.put(p, p.name()));
        Map<Project, String> names = StepNames.unique(preferred,
                p -> RelPaths.label(tree.root(), p.dir()));
        List<StepSpec> steps = new ArrayList<>();
        for (Project p : projects) {
            String cwd = RelPaths.str(p.dir());
            if (p.buildable()) {
                steps.add(StepSpec.builder(names.get(p) + ":build", python("build"))
                        .cwd(cwd)
                        .inputs(INPUTS)
                        .outputs(List.of("dist/**"))
                        .build());
            }
            if (p.testable()) {
                steps.add(StepSpec.builder(names.get(p) + ":test", python("pytest"))
                        .cwd(cwd)
                        .inputs(INPUTS)
                        .build());
            }
        }
        steps.sort(Comparator.comparing(StepSpec::name));
        return new Detection(steps, List.of());
    }

    private static Command python(String module) {
        return new Command.Argv(List.of("python3", "-m", module));
    }
}
