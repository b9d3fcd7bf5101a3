package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.pkg;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoDetectorTest {

    @TempDir
    Path root;

    private TestRepo repo() {
        return new TestRepo(root);
    }

    private static final String SINGLE_POM = """
            <project xmlns="http://maven.apache.org/POM/4.0.0">
              <modelVersion>4.0.0</modelVersion>
              <groupId>g</groupId><artifactId>%s</artifactId><version>1</version>
            </project>
            """;

    @Test
    void mergesAMavenBackEndAndAnNpmFrontEndIntoOneGraph() throws Exception {
        // given
        MavenDetectorTest.writeReactor(repo(), false);
        repo().json("frontend/package.json", pkg("web", Map.of("build", "vite build", "test", "vitest run"), Map.of()));

        // when
        DetectionResult result = AutoDetector.detect(root);

        // then
        assertThat(result.systems()).containsExactly("maven", "npm");
        assertThat(names(result.steps())).containsExactly(
                "app:build", "core:build", "parent:build", "util:build", "web:build", "web:test");
        assertThat(step(result.steps(), "web:build").cwd()).isEqualTo("frontend");
        assertThat(step(result.steps(), "core:build").cwd()).isEqualTo(".");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void usesTheMakefileOnlyWhenNoOtherBuildSystemIsFound() throws Exception {
        // given a makefile next to a pom
        repo().file("Makefile", "build:\n\tmvn package\n");
        repo().file("pom.xml", SINGLE_POM.formatted("svc"));

        // when
        DetectionResult withMaven = AutoDetector.detect(root);

        // then
        assertThat(withMaven.systems()).containsExactly("maven");
        assertThat(names(withMaven.steps())).containsExactly("svc:build");
    }

    @Test
    void fallsBackToTheMakefileWhenItIsTheOnlyBuildFile() throws Exception {
        // given
        repo().file("Makefile", "build:\n\tcc -o app app.c\ntest: build\n\t./app\n");

        // when
        DetectionResult result = AutoDetector.detect(root);

        // then
        assertThat(result.systems()).containsExactly("make");
        assertThat(names(result.steps())).containsExactly("make:build", "make:test");
    }

    @Test
    void prefixesTheLaterSystemsStepsWhenNamesClash() throws Exception {
        // given a Maven project and an npm package both called ui
        repo().file("pom.xml", SINGLE_POM.formatted("ui"));
        repo().json("ui/package.json", pkg("ui", Map.of("build", "vite build", "test", "vitest run"), Map.of()));

        // when
        DetectionResult result = AutoDetector.detect(root);

        // then
        assertThat(names(result.steps())).containsExactly("ui:build", "npm/ui:build", "npm/ui:test");
        assertThat(step(result.steps(), "npm/ui:test").dependsOn()).containsExactly("npm/ui:build");
        assertThat(result.warnings()).singleElement().asString().contains("ui:build", "npm/<name>");
    }

    @Test
    void findsNothingInARepositoryWithoutBuildFiles() throws Exception {
        // given
        repo().file("README.md", "# nothing to build\n");

        // when
        DetectionResult result = AutoDetector.detect(root);

        // then
        assertThat(result.isEmpty()).isTrue();
        assertThat(result.systems()).isEmpty();
    }

    @Test
    void listsSystemsInDetectionOrderWithEachSystemsStepsSorted() throws Exception {
        // given
        repo().file("pyproject.toml", "[build-system]\nrequires = []\n[project]\nname = \"py\"\n");
        repo().file("svc/go.mod", "module example.com/svc\n");
        repo().file("native/Cargo.toml", "[package]\nname = \"native\"\n");
        repo().file("android/settings.gradle", "include 'app'\n");
        repo().file("android/app/build.gradle", "");

        // when
        DetectionResult result = AutoDetector.detect(root);

        // then
        assertThat(result.systems()).containsExactly("gradle", "cargo", "go", "python");
        assertThat(names(result.steps())).containsExactly(
                "app:build", "native:build", "native:test", "svc:build", "svc:test", "py:build");
        List<StepSpec> again = AutoDetector.detect(root).steps();
        assertThat(again).isEqualTo(result.steps());
    }

    @Test
    void reportsAMalformedBuildFileByName() {
        // given
        repo().file("pom.xml", SINGLE_POM.formatted("svc"));
        repo().file("web/package.json", "{\"name\": }");

        // when / then
        assertThatThrownBy(() -> AutoDetector.detect(root))
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("web/package.json:1:");
    }

    @Test
    void rejectsARootThatIsNotADirectory() {
        // given
        repo().file("file.txt", "x");

        // when / then
        assertThatThrownBy(() -> AutoDetector.detect(root.resolve("file.txt")))
                .isInstanceOf(DetectionException.class)
                .hasMessageContaining("file.txt is not a directory");
    }
}
