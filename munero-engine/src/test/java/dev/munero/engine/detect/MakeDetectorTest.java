package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.config.StepSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class MakeDetectorTest extends DetectorContractTest {

    @Override
    Detector detector() {
        return new MakeDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        repo.file("Makefile", """
                CC := gcc
                FLAGS ::= -O2
                URL = http://example.com
                .PHONY: all build test

                all build: app
                \t@echo built

                test:: build
                \t./app --self-test
                """);
    }

    @Test
    void runsTheBuildAndTestTargetsWhenTheMakefileHasThem() throws Exception {
        // given
        writeTypicalProject(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("make:build", "make:test");
        assertThat(argv(steps, "make:build")).containsExactly("make", "build");
        assertThat(argv(steps, "make:test")).containsExactly("make", "test");
        assertThat(step(steps, "make:test").dependsOn()).containsExactly("make:build");
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.cwd()).isEqualTo(".");
            assertThat(s.inputs()).containsExactly("**");
            assertThat(s.outputs()).isEmpty();
            assertThat(s.cache()).isTrue();
        });
    }

    @Test
    void runsTheDefaultGoalWhenThereIsNoBuildTarget() throws Exception {
        // given
        repo().file("makefile", "app: main.c\n\tcc -o app main.c\n");

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("make:build");
        assertThat(argv(steps, "make:build")).containsExactly("make");
    }

    @Test
    void readsRuleTargetsButNotVariableAssignments() {
        assertThat(MakeDetector.targets("A := 1\nB ::= 2\nC = x:y\nbuild test: dep\n\tcmd: not a rule\nclean::\n"))
                .containsExactly("build", "test", "clean");
    }
}
