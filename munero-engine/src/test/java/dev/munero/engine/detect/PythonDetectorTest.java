package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.config.StepSpec;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PythonDetectorTest extends DetectorContractTest {

    @Override
    Detector detector() {
        return new PythonDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        repo.file("pyproject.toml", """
                [build-system]
                requires = ["hatchling"]
                build-backend = "hatchling.build"

                [project]
                name = "inventory"
                version = "1.0"
                """);
        repo.dir("tests");
    }

    /** The modules among {@code names} that {@code python} can import, asked the same way a user would. */
    private static Set<String> importable(String python, String... names) throws Exception {
        Set<String> found = new java.util.HashSet<>();
        for (String name : names) {
            Process p = new ProcessBuilder(python, "-c", "import " + name).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor() == 0) {
                found.add(name);
            }
        }
        return found;
    }

    @Test
    void picksTheBuildAndTestCommandsThatTheInstalledPythonCanRun() throws Exception {
        // issue 9.6: 'python3 -m build' failed with "No module named build" where pip could build the wheel
        assumeTrue(StepRunner.onPath("python3"), "python3 is not installed");
        Set<String> has = importable("python3", "build", "pip", "pytest", "hatchling");
        writeTypicalProject(repo());

        List<StepSpec> steps = detect();

        assertThat(names(steps)).containsExactly("inventory:build", "inventory:test");
        List<String> build = argv(steps, "inventory:build");
        if (has.contains("build")) {
            assertThat(build).containsExactly("python3", "-m", "build");
        } else if (has.contains("pip")) {
            assertThat(build).startsWith("python3", "-m", "pip", "wheel", "--no-deps").endsWith("--wheel-dir", "dist", ".");
            assertThat(build.contains("--no-build-isolation")).as("offline when hatchling is installed")
                    .isEqualTo(has.contains("hatchling"));
        } else {
            assertThat(String.join(" ", build)).contains("has neither the build module nor pip; install them");
        }
        List<String> test = argv(steps, "inventory:test");
        if (has.contains("pytest")) {
            assertThat(test).containsExactly("python3", "-m", "pytest");
        } else {
            assertThat(String.join(" ", test)).contains("python3 -m pip install pytest");
        }
        assertThat(step(steps, "inventory:build").outputs()).containsExactly("dist/**");
        assertThat(step(steps, "inventory:test").inputs())
                .contains("**", "!.venv/**", "!dist/**", "!**/__pycache__/**", "!.pytest_cache/**");
    }

    @Test
    void theDetectedBuildMakesAWheelOutOfTheBoxWithWhatIsInstalled() throws Exception {
        // issue 9.6: run the detected command for real; the PEP 517 back end is in the tree (backend-path), so
        // the build needs only pip or build, and no network
        assumeTrue(StepRunner.onPath("python3"), "python3 is not installed");
        Set<String> has = importable("python3", "build", "pip");
        assumeTrue(!has.isEmpty(), "python3 has neither pip nor build");
        repo().file("pyproject.toml", """
                [build-system]
                requires = []
                build-backend = "backend"
                backend-path = ["."]

                [project]
                name = "tiny"
                version = "0.1"
                """);
        repo().file("backend.py", """
                import os, zipfile
                def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
                    name = "tiny-0.1-py3-none-any.whl"
                    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as z:
                        z.write("tiny/__init__.py")
                        z.writestr("tiny-0.1.dist-info/METADATA", "Metadata-Version: 2.1\\nName: tiny\\nVersion: 0.1\\n")
                        z.writestr("tiny-0.1.dist-info/WHEEL", "Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
                        z.writestr("tiny-0.1.dist-info/RECORD", "")
                    return name
                def build_sdist(sdist_directory, config_settings=None):
                    import io, tarfile
                    name = "tiny-0.1.tar.gz"
                    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
                        for f in ("pyproject.toml", "backend.py", "tiny/__init__.py"):
                            t.add(f, "tiny-0.1/" + f)
                        info = b"Metadata-Version: 2.1\\nName: tiny\\nVersion: 0.1\\n"
                        entry = tarfile.TarInfo("tiny-0.1/PKG-INFO")
                        entry.size = len(info)
                        t.addfile(entry, io.BytesIO(info))
                    return name
                """);
        repo().file("tiny/__init__.py", "VALUE = 1\n");

        List<StepSpec> steps = detect();
        if (!has.contains("build")) {
            assertThat(argv(steps, "tiny:build")).as("nothing to install: no isolation, no download")
                    .contains("--no-build-isolation");
        }
        StepRunner.runAll(repo().root(), steps.stream().filter(s -> s.name().endsWith(":build")).toList(),
                Duration.ofMinutes(5));

        try (var dist = Files.list(repo().root().resolve("dist"))) {
            assertThat(dist.map(f -> f.getFileName().toString()).toList()).contains("tiny-0.1-py3-none-any.whl");
        }
    }

    @Test
    void aVirtualEnvironmentWithoutPipGetsAStepThatSaysWhatToInstall() throws Exception {
        // issue 9.6: say exactly what to install; the project's .venv is the interpreter it uses
        assumeTrue(StepRunner.onPath("python3"), "python3 is not installed");
        Process venv = new ProcessBuilder("python3", "-m", "venv", "--without-pip", repo().root().resolve(".venv").toString())
                .redirectErrorStream(true).start();
        String out = new String(venv.getInputStream().readAllBytes());
        assumeTrue(venv.waitFor() == 0, "python3 -m venv is not available: " + out);
        writeTypicalProject(repo());
        String python = repo().root().toRealPath().resolve(".venv/bin/python").toString();

        DetectionResult result = AutoDetector.detect(repo().root());

        StepSpec build = step(result.steps(), "inventory:build");
        assertThat(build.command().display()).contains(python + " -m ensurepip && " + python + " -m pip install build");
        assertThat(result.warnings()).anyMatch(w -> w.startsWith("inventory:build: " + python
                + " has neither the build module nor pip"));
        assertThat(result.warnings()).anyMatch(w -> w.equals("inventory:test: pytest is not installed for " + python
                + "; install it: " + python + " -m pip install pytest"));
        Process run = new ProcessBuilder(build.command().toArgv()).directory(repo().root().toFile())
                .redirectErrorStream(true).start();
        String said = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor()).as("the step fails rather than pretending").isEqualTo(127);
        assertThat(said).contains("munero: inventory:build: cannot build:").contains("pip install build");
    }

    @Test
    void testsWithoutBuildWhenThereIsNoBuildSystemButPytestConfiguration() throws Exception {
        // given a poetry-named project in a subdirectory, with pytest settings and no [build-system]
        repo().file("scripts/pyproject.toml", """
                [tool.poetry]
                name = "ops-scripts"

                [tool.pytest.ini_options]
                addopts = "-q"
                """);

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("ops-scripts:test");
        assertThat(step(steps, "ops-scripts:test").cwd()).isEqualTo("scripts");
    }

    @Test
    void ignoresToolOnlyConfigurationVirtualEnvironmentsAndNestedFixtures() throws Exception {
        // given
        repo().file("pyproject.toml", "[tool.ruff]\nline-length = 100\n");
        repo().file(".venv/lib/site/pkg/pyproject.toml", "[build-system]\nrequires = []\n");
        repo().file("venv/pkg/pyproject.toml", "[build-system]\nrequires = []\n");
        repo().file("svc/pyproject.toml", "[build-system]\nrequires = []\n[project]\nname = \"svc\"\n");
        repo().file("svc/tests/data/pyproject.toml", "[build-system]\nrequires = []\n[project]\nname = \"fixture\"\n");

        // when / then
        assertThat(names(detect())).containsExactly("svc:build", "svc:test");
    }

    @Test
    void rejectsMalformedPyprojectNamingTheFile() {
        // given
        repo().file("pyproject.toml", "[project]\nname = \n");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("pyproject.toml")
                .hasMessageContaining("not valid TOML");
    }
}
