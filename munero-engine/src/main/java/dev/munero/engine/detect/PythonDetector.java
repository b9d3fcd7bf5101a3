package dev.munero.engine.detect;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * <p>Per project, run in its directory: {@code <name>:build} when the file has a {@code [build-system]}
 * table (PEP 517), storing {@code dist/**}; {@code <name>:test} when the project has a {@code tests/} or
 * {@code test/} directory, a {@code pytest.ini}, or a {@code [tool.pytest]} / {@code [tool.pytest.ini_options]}
 * table.
 *
 * <p>The commands depend on what is installed (issue 9.6: {@code python3 -m build} failed out of the box
 * with "No module named build"). The interpreter is the project's {@code .venv/bin/python}, else the
 * repository's, else {@code python3} on {@code PATH}; one child process asks it which of {@code build},
 * {@code pip}, {@code pytest} and the build back end's top-level module it can import. The build step is
 * {@code <python> -m build} (pypa/build) when installed; else
 * {@code <python> -m pip wheel --no-deps --wheel-dir dist .} (pip builds the same PEP 517 wheel), with
 * {@code --no-build-isolation} when the back end is installed, so it needs no network; else a step that
 * fails saying what to install, and a detection warning. The test step is {@code <python> -m pytest} when
 * pytest is installed, else a step that fails saying what to install. The name is
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
    private record Project(Path dir, String name, boolean buildable, boolean testable, List<String> requires) {
    }

    /**
     * The modules a PEP 517 build without isolation imports: each {@code build-system.requires} entry's module
     * (distribution name lower-cased, {@code -} to {@code _}; poetry-core is {@code poetry.core}), and for
     * setuptools older than 70.1 also {@code wheel} (probed as either module). Without {@code requires}, PEP 517
     * means setuptools. An unknown mapping makes the build isolated, which is slower, never wrong.
     */
    private static List<String> buildRequirements(JsonNode toml) {
        List<String> modules = new ArrayList<>();
        JsonNode requires = toml.path("build-system").path("requires");
        if (!requires.isArray()) {
            modules.add("setuptools");
        }
        for (JsonNode r : requires) {
            String dist = r.asString("").split("[\\s<>=!~;\\[(@]", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
            if (!dist.isEmpty()) {
                modules.add(dist.equals("poetry-core") ? "poetry.core" : dist.replace('-', '_').replace('.', '_'));
            }
        }
        return modules;
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
            projects.add(new Project(dir, name, buildable, testable, buildRequirements(toml)));
            if (RepoTree.depth(dir) > 0) {
                hidden.add(dir);
            }
        }
        Map<Project, String> preferred = new LinkedHashMap<>();
        projects.forEach(p -> preferred.put(p, p.name()));
        Map<Project, String> names = StepNames.unique(preferred,
                p -> RelPaths.label(tree.root(), p.dir()));
        List<StepSpec> steps = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<Path, Interpreter> probed = new HashMap<>();
        for (Project p : projects) {
            String cwd = RelPaths.str(p.dir());
            Interpreter py = probed.computeIfAbsent(interpreter(tree.root(), p.dir()), exe -> Interpreter.probe(exe, modulesToProbe(projects)));
            String name = names.get(p);
            if (p.buildable()) {
                Command build;
                if (py.has("build")) {
                    build = py.module("build");
                } else if (py.has("pip")) {
                    List<String> argv = new ArrayList<>(List.of(py.exe(), "-m", "pip", "wheel", "--no-deps"));
                    boolean wheelSupport = !p.requires().contains("setuptools")
                            || py.has("wheel") || py.has("setuptools.command.bdist_wheel");
                    if (wheelSupport && p.requires().stream().allMatch(py::has)) {
                        argv.add("--no-build-isolation"); // everything is installed: no download, no network
                    }
                    argv.addAll(List.of("--wheel-dir", "dist", "."));
                    build = new Command.Argv(argv);
                } else {
                    String install = py.exe() + " -m ensurepip && " + py.exe() + " -m pip install build";
                    warnings.add(name + ":build: " + py.describe() + " has neither the build module nor pip; install one ("
                            + install + ", or your system's python3-build package)");
                    build = failing(name + ":build: cannot build: " + py.describe() + " has neither the build module "
                            + "nor pip; install them: " + install);
                }
                steps.add(StepSpec.builder(name + ":build", build)
                        .cwd(cwd)
                        .inputs(INPUTS)
                        .outputs(List.of("dist/**"))
                        .build());
            }
            if (p.testable()) {
                Command test;
                if (py.has("pytest")) {
                    test = py.module("pytest");
                } else {
                    String install = py.exe() + " -m pip install pytest";
                    warnings.add(name + ":test: pytest is not installed for " + py.describe() + "; install it: " + install);
                    test = failing(name + ":test: cannot run the tests: pytest is not installed for " + py.describe()
                            + "; install it: " + install);
                }
                steps.add(StepSpec.builder(name + ":test", test)
                        .cwd(cwd)
                        .inputs(INPUTS)
                        .build());
            }
        }
        steps.sort(Comparator.comparing(StepSpec::name));
        return new Detection(steps, warnings);
    }

    /** A step that fails at once, printing {@code message}: what cannot run and what to install. */
    private static Command failing(String message) {
        return new Command.Shell("echo " + shellQuote("munero: " + message) + " >&2; exit 127");
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static Set<String> modulesToProbe(List<Project> projects) {
        Set<String> modules = new java.util.TreeSet<>(List.of("build", "pip", "pytest", "wheel", "setuptools.command.bdist_wheel"));
        projects.forEach(p -> modules.addAll(p.requires()));
        return modules;
    }

    /** The project's virtual environment, else the repository's, else {@code python3} from PATH. */
    private static Path interpreter(Path root, Path projectDir) {
        for (Path dir : List.of(root.resolve(projectDir), root)) {
            Path venv = dir.resolve(".venv").resolve("bin").resolve("python");
            if (Files.isExecutable(venv)) {
                return venv;
            }
        }
        return Path.of("python3");
    }

    /** An interpreter and the modules it can import, among those asked about. */
    private record Interpreter(String exe, Set<String> modules, String problem) {
        private static final String SCRIPT = "import importlib.util,sys\n"
                + "for m in sys.argv[1:]:\n"
                + "    try:\n"
                + "        ok = importlib.util.find_spec(m) is not None\n"
                + "    except Exception:\n"
                + "        ok = False\n"
                + "    if ok: print(m)\n";

        /** Runs {@code exe} once; an interpreter that cannot start has no modules. */
        static Interpreter probe(Path exe, Set<String> modules) {
            String cmd = exe.toString();
            List<String> argv = new ArrayList<>(List.of(cmd, "-c", SCRIPT));
            argv.addAll(modules);
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
                p.getOutputStream().close();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                int code = p.waitFor();
                if (code != 0) {
                    return new Interpreter(cmd, Set.of(), cmd + " exited with " + code);
                }
                return new Interpreter(cmd, Set.copyOf(out.lines().map(String::strip).toList()), "");
            } catch (java.io.IOException e) {
                return new Interpreter(cmd, Set.of(), cmd + " cannot start (" + e.getMessage() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Interpreter(cmd, Set.of(), "interrupted while asking " + cmd);
            }
        }

        boolean has(String module) {
            return modules.contains(module);
        }

        Command module(String module) {
            return new Command.Argv(List.of(exe, "-m", module));
        }

        String describe() {
            return problem.isEmpty() ? exe : exe + " (" + problem + ")";
        }
    }
}
