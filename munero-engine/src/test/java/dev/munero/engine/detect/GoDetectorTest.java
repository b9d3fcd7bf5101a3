package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.config.StepSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoDetectorTest extends DetectorContractTest {

    @Override
    Detector detector() {
        return new GoDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        writeModules(repo);
    }

    /** A root module that requires tools/lint (major version 2) through a local replace. */
    private static void writeModules(TestRepo repo) {
        repo.file("go.mod", """
                module example.com/shop // the shop

                go 1.22

                require (
                	example.com/tools/lint/v2 v2.0.0
                	golang.org/x/text v0.14.0
                )

                replace example.com/tools/lint/v2 => ./tools/lint
                """);
        repo.file("main.go", "package main\nfunc main() {}\n");
        repo.file("tools/lint/go.mod", "module example.com/tools/lint/v2\n\ngo 1.22\n");
    }

    @Test
    void buildsAndTestsEveryModuleWithGoToolCommands() throws Exception {
        // given
        writeModules(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("lint:build", "lint:test", "shop:build", "shop:test");
        assertThat(argv(steps, "shop:build")).containsExactly("go", "build", "./...");
        assertThat(argv(steps, "lint:test")).containsExactly("go", "test", "./...");
        assertThat(step(steps, "lint:build").cwd()).isEqualTo("tools/lint");
        assertThat(step(steps, "shop:test").dependsOn()).containsExactly("shop:build");
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.cache()).isTrue();
            assertThat(s.outputs()).isEmpty();
        });
    }

    @Test
    void dependsOnLocallyReplacedModulesAndTakesTheirSourcesButNotNestedModulesOwn() throws Exception {
        // given
        writeModules(repo());

        // when
        StepSpec shop = step(detect(), "shop:build");

        // then
        assertThat(shop.dependsOn()).containsExactly("lint:build");
        assertThat(shop.inputs()).containsExactly(
                "**/*.go", "go.mod", "go.sum", "/tools/lint/**/*.go", "/tools/lint/go.mod", "!tools/lint/**");
    }

    @Test
    void namesModulesByDirectoryWhenTheirLastPathElementsClash() throws Exception {
        // given
        repo().file("api/go.mod", "module example.com/a/server\n");
        repo().file("web/go.mod", "module example.com/b/server\n");
        repo().file("vendor/example.com/c/go.mod", "module example.com/c\n");

        // when / then
        assertThat(names(detect())).containsExactly("api:build", "api:test", "web:build", "web:test");
    }

    @Test
    void shortensModulePathsToTheirLastElementWithoutMajorVersion() {
        assertThat(GoDetector.shortName("example.com/tools/lint/v2")).isEqualTo("lint");
        assertThat(GoDetector.shortName("example.com/tools/lint")).isEqualTo("lint");
        assertThat(GoDetector.shortName("shop")).isEqualTo("shop");
    }
}
