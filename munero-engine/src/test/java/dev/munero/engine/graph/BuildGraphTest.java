package dev.munero.engine.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.munero.engine.config.Command;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigProblem;
import dev.munero.engine.config.SourceLocation;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildGraphTest {
    static final Path ORIGIN = Path.of("/repo/munero.yaml");

    private static StepSpec step(String name, String... deps) {
        return StepSpec.of(name, new Command.Argv(List.of("run", name)), List.of(deps));
    }

    private static List<String> names(BuildGraph g) {
        return g.steps().stream().map(StepSpec::name).toList();
    }

    private static List<String> names(BuildGraph g, int[] indices) {
        return Arrays.stream(indices).mapToObj(i -> g.step(i).name()).toList();
    }

    private static List<ConfigProblem> problems(List<StepSpec> steps) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BuildGraph.of(steps, ORIGIN));
        assertThat(e).as("graph should be rejected").isNotNull();
        return e.problems();
    }

    @Test
    void keepsDeclarationOrderWhereTheEdgesAllow() throws Exception {
        // given independent steps and one edge
        List<StepSpec> steps = List.of(step("lint"), step("test", "compile"), step("docs"), step("compile"));

        // when
        BuildGraph g = BuildGraph.of(steps, ORIGIN);

        // then: compile moves before test, the rest keeps its order
        assertThat(names(g)).containsExactly("lint", "docs", "compile", "test");
    }

    @Test
    void anAlreadyOrderedDeclarationIsUnchanged() throws Exception {
        // given
        List<StepSpec> steps = List.of(step("a"), step("b", "a"), step("c"), step("d", "b", "c"), step("e"));

        // when
        BuildGraph g = BuildGraph.of(steps, ORIGIN);

        // then
        assertThat(names(g)).containsExactly("a", "b", "c", "d", "e");
    }

    @Test
    void everyStepComesAfterAllItsDependencies() throws Exception {
        // given a diamond declared backwards
        List<StepSpec> steps = List.of(step("package", "test", "docs"), step("test", "compile"), step("docs", "compile"),
                step("compile"));

        // when
        BuildGraph g = BuildGraph.of(steps, ORIGIN);

        // then
        assertThat(names(g)).containsExactly("compile", "test", "docs", "package");
        for (int i = 0; i < g.size(); i++) {
            for (int d : g.dependenciesOf(i)) {
                assertThat(d).as("%s before %s", g.step(d).name(), g.step(i).name()).isLessThan(i);
            }
        }
    }

    @Test
    void exposesDependenciesDependentsAndSinksByIndex() throws Exception {
        // given
        BuildGraph g = BuildGraph.of(List.of(step("compile"), step("test", "compile"), step("docs", "compile"),
                step("package", "test")), ORIGIN);

        // when
        int compile = g.indexOf("compile");

        // then
        assertThat(names(g, g.dependentsOf(compile))).containsExactly("test", "docs");
        assertThat(names(g, g.dependenciesOf(g.indexOf("package")))).containsExactly("test");
        assertThat(names(g, g.sinks())).containsExactly("docs", "package");
        assertThat(g.indexOf("nope")).isEqualTo(-1);
    }

    @Test
    void anUnknownDependencyNamesTheMissingStepAndSuggestsTheCloseName() {
        // given
        SourceLocation where = new SourceLocation(ORIGIN, 7, 5);
        StepSpec test = StepSpec.builder("test", new Command.Argv(List.of("java")))
                .dependsOn(List.of("compil")).location(where).build();

        // when
        List<ConfigProblem> problems = problems(List.of(step("compile"), test));

        // then
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo(where);
            assertThat(p.field()).isEqualTo("dependsOn");
            assertThat(p.message()).isEqualTo("step 'test' depends on unknown step 'compil' (did you mean 'compile'?)");
        });
    }

    @Test
    void anUnknownDependencyFarFromEveryNameGetsNoSuggestion() {
        // when
        List<ConfigProblem> problems = problems(List.of(step("compile"), step("test", "deploy")));

        // then
        assertThat(problems).extracting(ConfigProblem::message)
                .containsExactly("step 'test' depends on unknown step 'deploy'");
    }

    @Test
    void everyUnknownDependencyIsReported() {
        // when
        List<ConfigProblem> problems = problems(List.of(step("lint", "x"), step("docs", "y", "lint")));

        // then
        assertThat(problems).extracting(ConfigProblem::message).containsExactly(
                "step 'lint' depends on unknown step 'x'", "step 'docs' depends on unknown step 'y'");
        assertThat(problems).extracting(ConfigProblem::location).containsOnly(new SourceLocation(ORIGIN, 0, 0));
    }

    @Test
    void neverSuggestsThatAStepDependOnItself() {
        // given a typo that is closest to the step's own name
        List<StepSpec> steps = List.of(step("lib:build"), step("lib:test", "lib:tset", "lib:biuld"));

        // when
        List<ConfigProblem> problems = problems(steps);

        // then
        assertThat(problems).extracting(ConfigProblem::message).containsExactly(
                "step 'lib:test' depends on unknown step 'lib:tset'",
                "step 'lib:test' depends on unknown step 'lib:biuld' (did you mean 'lib:build'?)");
    }

    @Test
    void aThreeStepCycleNamesEveryMemberInOrder() {
        // given a -> b -> c -> a (each depends on the next), after an unrelated step
        List<StepSpec> steps = List.of(step("setup"), step("a", "b"), step("b", "c"), step("c", "a"));

        // when
        List<ConfigProblem> problems = problems(steps);

        // then
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("dependsOn");
            assertThat(p.message()).isEqualTo("dependency cycle: a -> b -> c -> a (each depends on the next); "
                    + "remove one of these dependsOn edges");
        });
    }

    @Test
    void aCycleBehindAnAcyclicPrefixNamesOnlyItsMembers() {
        // given app -> lib -> util -> core -> util
        List<StepSpec> steps = List.of(step("app", "lib"), step("lib", "util"), step("util", "core"), step("core", "util"));

        // when
        List<ConfigProblem> problems = problems(steps);

        // then
        assertThat(problems).extracting(ConfigProblem::message).singleElement().asString()
                .startsWith("dependency cycle: util -> core -> util ");
    }

    @Test
    void aCycleIsReportedAtTheFirstMembersDeclaration(@TempDir Path dir) throws Exception {
        // given a real file, so steps have locations
        Path file = dir.resolve("munero.yaml");
        Files.writeString(file, """
                steps:
                  - name: a
                    command: [a]
                    dependsOn: [b]
                  - name: b
                    command: [b]
                    dependsOn: [a]
                """);
        List<StepSpec> steps = ConfigLoader.load(dir, file, "development").steps();

        // when
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BuildGraph.of(steps, file));

        // then
        assertThat(e).hasMessage(file + ":2:5: dependsOn: dependency cycle: a -> b -> a (each depends on the next); "
                + "remove one of these dependsOn edges");
    }

    @Test
    void aStepDependingOnItselfIsToldToRemoveIt() {
        // when
        List<ConfigProblem> problems = problems(List.of(step("a", "a")));

        // then
        assertThat(problems).extracting(ConfigProblem::message)
                .containsExactly("step 'a' depends on itself; remove it from its dependsOn");
    }

    @Test
    void aDependencyListedTwiceIsReported() {
        // when
        List<ConfigProblem> problems = problems(List.of(step("a"), step("b", "a", "a")));

        // then
        assertThat(problems).extracting(ConfigProblem::message).containsExactly("step 'b' lists 'a' twice in dependsOn");
    }

    @Test
    void aStepDeclaredTwiceIsReported() {
        // when
        List<ConfigProblem> problems = problems(List.of(step("a"), step("b"), step("a")));

        // then
        assertThat(problems).extracting(ConfigProblem::message).containsExactly("step 'a' is declared twice");
    }

    @Test
    void selectKeepsTheTargetsAndTheirTransitiveDependenciesOnly() throws Exception {
        // given
        BuildGraph g = BuildGraph.of(List.of(step("gen"), step("compile", "gen"), step("lint"), step("test", "compile"),
                step("docs", "gen"), step("package", "test")), ORIGIN);

        // when
        BuildGraph sub = g.select(List.of("test", "lint"));

        // then
        assertThat(names(sub)).containsExactly("gen", "compile", "lint", "test");
        assertThat(names(sub, sub.dependenciesOf(sub.indexOf("test")))).containsExactly("compile");
        assertThat(names(sub, sub.dependentsOf(sub.indexOf("test")))).as("package was not selected").isEmpty();
        assertThat(sub.indexOf("package")).isEqualTo(-1);
    }

    @Test
    void selectingNothingSelectsTheWholeGraph() throws Exception {
        // given
        BuildGraph g = BuildGraph.of(List.of(step("a"), step("b", "a")), ORIGIN);

        // when / then
        assertThat(g.select(List.of())).isSameAs(g);
    }

    @Test
    void selectingAnUnknownTargetNamesItSuggestsAndPointsToMuneroGraph() throws Exception {
        // given
        BuildGraph g = BuildGraph.of(List.of(step("compile"), step("test", "compile")), ORIGIN);

        // when
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> g.select(List.of("tests", "compile", "zzz")));

        // then
        assertThat(e.problems()).extracting(ConfigProblem::message).containsExactly(
                "unknown step 'tests' (did you mean 'test'?); 'munero graph' lists the steps",
                "unknown step 'zzz'; 'munero graph' lists the steps");
        assertThat(e.problems()).extracting(ConfigProblem::field).containsOnly("target");
    }

    @Test
    void anEmptyGraphIsValid() throws Exception {
        // when
        BuildGraph g = BuildGraph.of(List.of(), ORIGIN);

        // then
        assertThat(g.size()).isZero();
        assertThat(g.sinks()).isEmpty();
    }
}
