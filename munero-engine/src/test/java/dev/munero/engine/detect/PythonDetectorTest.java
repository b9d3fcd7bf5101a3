package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.engine.config.StepSpec;
import java.util.List;
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

    @Test
    void buildsWithPep517AndTestsWithPytest() throws Exception {
        // given
        writeTypicalProject(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("inventory:build", "inventory:test");
        assertThat(argv(steps, "inventory:build")).containsExactly("python3", "-m", "build");
        assertThat(argv(steps, "inventory:test")).containsExactly("python3", "-m", "pytest");
        assertThat(step(steps, "inventory:build").outputs()).containsExactly("dist/**");
        assertThat(step(steps, "inventory:test").inputs())
                .contains("**", "!.venv/**", "!dist/**", "!**/__pycache__/**", "!.pytest_cache/**");
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
