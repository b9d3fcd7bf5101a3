package dev.munero.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 9.7 and 9.8: which steps a build picks from the names typed and the package the user stands in. */
class TargetSelectionTest {
    private static final List<String> BUILD = List.of(TargetSelection.BUILD_TASK);

    private static StepSpec step(String name, String dir, String... deps) {
        return StepSpec.builder(name, new Command.Argv(List.of("run", name))).cwd(dir).dependsOn(List.of(deps)).build();
    }

    /** An npm-style workspace: a <- b, each with build and test; b's test needs b's build. */
    private static BuildGraph workspace() throws ConfigException {
        return BuildGraph.of(List.of(
                step("a:build", "packages/a"), step("a:test", "packages/a", "a:build"),
                step("b:build", "packages/b", "a:build"), step("b:test", "packages/b", "b:build"),
                step("docs:build", "docs")), Path.of("/repo"));
    }

    @Test
    void theDefaultOfADetectedGraphIsTheBuildTaskOfEveryPackageNotItsTests() throws Exception {
        TargetSelection s = TargetSelection.resolve(workspace(), List.of(), ".", BUILD);

        assertThat(s.targets()).containsExactly("a:build", "b:build", "docs:build");
        assertThat(s.description()).isEqualTo("build");
    }

    @Test
    void aBareTaskNameSelectsThatTaskInEveryPackage() throws Exception {
        TargetSelection s = TargetSelection.resolve(workspace(), List.of("test"), ".", BUILD);

        assertThat(s.targets()).containsExactly("a:test", "b:test");
    }

    @Test
    void insideAPackageTheDefaultIsThatPackagesBuildAndItsDependenciesComeFromOtherPackages() throws Exception {
        BuildGraph g = workspace();
        String scope = TargetSelection.packageAt(g, "packages/b/src/lib");

        TargetSelection s = TargetSelection.resolve(g, List.of(), scope, BUILD);

        assertThat(scope).isEqualTo("packages/b");
        assertThat(s.targets()).containsExactly("b:build");
        assertThat(s.description()).isEqualTo("build in packages/b");
        assertThat(g.select(s.targets()).steps()).extracting(StepSpec::name).containsExactly("a:build", "b:build");
    }

    @Test
    void insideAPackageATaskNameMeansThatPackagesStepAndAnExactNameStaysExact() throws Exception {
        BuildGraph g = workspace();

        assertThat(TargetSelection.resolve(g, List.of("test"), "packages/b", BUILD).targets()).containsExactly("b:test");
        assertThat(TargetSelection.resolve(g, List.of("a:test"), "packages/b", BUILD).targets()).containsExactly("a:test");
    }

    @Test
    void aTaskThePackageLacksIsAnErrorNamingItsSteps() throws Exception {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> TargetSelection.resolve(workspace(), List.of("test"), "docs", BUILD));

        assertThat(e.getMessage()).contains("docs has no 'test' step (its steps: docs:build)");
    }

    @Test
    void anUnknownNameIsAnErrorWithASuggestion() throws Exception {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> TargetSelection.resolve(workspace(), List.of("tests"), ".", BUILD));

        assertThat(e.getMessage()).contains("unknown step or task 'tests' (did you mean 'test'?)");
    }

    @Test
    void withoutDefaultTasksEveryStepOfTheScopeIsSelected() throws Exception {
        // a munero.yaml: its author chose its steps, so all of them build, as before
        BuildGraph g = BuildGraph.of(List.of(step("compile", "."), step("test", ".", "compile")), Path.of("/repo"));

        TargetSelection s = TargetSelection.resolve(g, List.of(), TargetSelection.packageAt(g, "src/main"), List.of());

        assertThat(s.targets()).containsExactly("compile", "test");
        assertThat(s.description()).isEqualTo("every step");
    }

    @Test
    void aPackageWithoutABuildStepAsksForATargetInsteadOfGuessing() throws Exception {
        // a turbo package whose only tasks are clean and lint: running them unasked could delete files
        BuildGraph g = BuildGraph.of(List.of(step("a:build", "a"), step("lint:clean", "lint"), step("lint:check", "lint")),
                Path.of("/repo"));

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> TargetSelection.resolve(g, List.of(), "lint", BUILD));

        assertThat(e.getMessage()).contains("lint has no 'build' step to build by default",
                "its steps: lint:clean, lint:check", "munero build lint:clean");
        assertThat(TargetSelection.resolve(g, List.of("check"), "lint", BUILD).targets()).containsExactly("lint:check");
    }

    @Test
    void theTaskIsTheNameAfterTheFirstColonSoTurboTaskNamesWithAColonWork() throws Exception {
        assertThat(TargetSelection.task("npm/web:build")).isEqualTo("build");
        assertThat(TargetSelection.task("web:build:types")).isEqualTo("build:types");
        assertThat(TargetSelection.task("compile")).isEqualTo("compile");
        BuildGraph g = BuildGraph.of(List.of(step("web:build", "web"), step("web:build:types", "web")), Path.of("/repo"));
        assertThat(TargetSelection.resolve(g, List.of(), ".", BUILD).targets()).containsExactly("web:build");
        assertThat(TargetSelection.resolve(g, List.of("build:types"), ".", BUILD).targets())
                .containsExactly("web:build:types");
    }

    @Test
    void aStepsPackageDirectoryWinsOverItsCwdWhenScoping() throws Exception {
        // a Maven module builds from the reactor root but belongs to its own directory
        StepSpec core = StepSpec.builder("core:build", new Command.Argv(List.of("mvn"))).packageDir("core").build();
        StepSpec app = StepSpec.builder("app:build", new Command.Argv(List.of("mvn"))).packageDir("app")
                .dependsOn(List.of("core:build")).build();
        BuildGraph g = BuildGraph.of(List.of(core, app), Path.of("/repo"));

        assertThat(TargetSelection.packageAt(g, "app/src/main/java")).isEqualTo("app");
        assertThat(TargetSelection.resolve(g, List.of(), "app", BUILD).targets()).containsExactly("app:build");
        assertThat(TargetSelection.packageAt(g, "apple")).isEqualTo(".");
    }
}
