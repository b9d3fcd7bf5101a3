package dev.munero.core.plan;

import static dev.munero.core.plan.PlanFixtures.ENGINE_STEPS;
import static dev.munero.core.plan.PlanFixtures.JSON;
import static dev.munero.core.plan.PlanFixtures.check;
import static dev.munero.core.plan.PlanFixtures.dependsOn;
import static dev.munero.core.plan.PlanFixtures.planJson;
import static dev.munero.core.plan.PlanFixtures.reflectionJson;
import static dev.munero.core.plan.PlanFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class PlanValidatorTest {

    private static List<String> planProblems(JsonNode input) {
        return planProblems(input, ENGINE_STEPS);
    }

    private static List<String> planProblems(JsonNode input, Set<String> steps) {
        return switch (PlanValidator.validatePlan(input, steps)) {
            case PlanValidator.Result.Valid<Plan> valid -> throw new AssertionError("accepted: " + valid.value());
            case PlanValidator.Result.Invalid<Plan> invalid -> invalid.problems();
        };
    }

    private static List<String> reflectionProblems(JsonNode input) {
        return switch (PlanValidator.validateReflection(input, PlanFixtures.plan())) {
            case PlanValidator.Result.Valid<Reflection> valid -> throw new AssertionError("accepted: " + valid.value());
            case PlanValidator.Result.Invalid<Reflection> invalid -> invalid.problems();
        };
    }

    @Test
    void acceptsAValidPlanAndMapsEveryField() {
        // when
        var result = PlanValidator.validatePlan(planJson(), ENGINE_STEPS);

        // then
        assertThat(result).isInstanceOf(PlanValidator.Result.Valid.class);
        Plan plan = ((PlanValidator.Result.Valid<Plan>) result).value();
        assertThat(plan.summary()).startsWith("A greeting CLI");
        assertThat(plan.tasks()).extracting(PlanTask::id).containsExactly("greeter", "cli", "docs");
        assertThat(plan.task("cli")).get().satisfies(t -> {
            assertThat(t.files()).containsExactly("src/Main.java");
            assertThat(t.dependsOn()).containsExactly("greeter");
        });
        assertThat(plan.checks()).containsExactly(Check.step("test"),
                Check.command("cli-smoke", "java src/Main.java Ada | grep -q 'Hello, Ada'"));
    }

    @Test
    void reportsSchemaProblemsWithTheJsonPointerOfTheBadValue() {
        // given: no summary, an unknown field in a task, files as a string
        ObjectNode json = planJson();
        json.remove("summary");
        task(json, 1).put("priority", 1);
        task(json, 2).put("files", "README.md");

        // when
        List<String> problems = planProblems(json);

        // then
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("(top level): ").contains("summary"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("/tasks/1: ").contains("priority"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("/tasks/2/files: ").contains("array"));
    }

    @Test
    void rejectsInputThatIsNotAnObject() {
        assertThat(planProblems(JSON.getNodeFactory().stringNode("a plan")))
                .singleElement().asString().startsWith("(top level): ").contains("object");
    }

    @Test
    void rejectsBlankDescriptionsInPlainWords() {
        // given
        ObjectNode json = planJson();
        task(json, 0).put("description", "  ");

        // then
        assertThat(planProblems(json)).containsExactly("/tasks/0/description: must not be empty or blank");
    }

    @Test
    void needsAtLeastOneTaskAndOneCheck() {
        // given
        ObjectNode json = planJson();
        json.putArray("tasks");
        json.putArray("checks");

        // then
        assertThat(planProblems(json)).hasSize(2)
                .anySatisfy(p -> assertThat(p).startsWith("/tasks: "))
                .anySatisfy(p -> assertThat(p).startsWith("/checks: "));
    }

    @Test
    void rejectsTaskIdsOfTheWrongForm() {
        // given: upper case and underscore, and too long
        ObjectNode json = planJson();
        task(json, 0).put("id", "Greeter_1");
        task(json, 2).put("id", "d".repeat(41));
        dependsOn(json, 1, "Greeter_1");

        // then
        assertThat(planProblems(json)).containsExactly(
                "/tasks/0/id: 'Greeter_1' is not a valid task id: use 1 to 40 lowercase letters, digits and "
                        + "hyphens, starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,39}$)",
                "/tasks/2/id: '" + "d".repeat(41) + "' is not a valid task id: use 1 to 40 lowercase letters, "
                        + "digits and hyphens, starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,39}$)");
    }

    @Test
    void rejectsDuplicateTaskIds() {
        // given
        ObjectNode json = planJson();
        task(json, 2).put("id", "greeter");
        dependsOn(json, 2);

        // then
        assertThat(planProblems(json)).containsExactly(
                "/tasks/2/id: 'greeter' is also the id of /tasks/0; task ids must be unique");
    }

    @Test
    void rejectsADependencyOnAnUnknownTaskListingTheTasks() {
        // given
        ObjectNode json = planJson();
        dependsOn(json, 1, "greeter", "greter");

        // then
        assertThat(planProblems(json)).containsExactly(
                "/tasks/1/depends_on/1: 'greter' is not a task of the plan; the tasks are: greeter, cli, docs");
    }

    @Test
    void namesTheMembersOfADependencyCycleInOrder() {
        // given: greeter -> docs -> cli -> greeter
        ObjectNode json = planJson();
        dependsOn(json, 0, "docs");

        // then
        assertThat(planProblems(json)).containsExactly("dependency cycle: greeter -> docs -> cli -> greeter "
                + "(each task depends on the next); remove one of these depends_on entries");
    }

    @Test
    void aTaskThatDependsOnItselfIsACycle() {
        // given
        ObjectNode json = planJson();
        dependsOn(json, 0, "greeter");

        // then
        assertThat(planProblems(json)).singleElement().asString().startsWith("dependency cycle: greeter -> greeter ");
    }

    @Test
    void rejectsFilesOutsideTheRepository() {
        // given
        ObjectNode json = planJson();
        task(json, 0).putArray("files").add("/etc/hosts").add("src/../../secret").add("src/a..b/ok.java");

        // then
        assertThat(planProblems(json)).containsExactly(
                "/tasks/0/files/0: '/etc/hosts' is not a path inside the repository; write it relative to the "
                        + "repository root, without '..'",
                "/tasks/0/files/1: 'src/../../secret' is not a path inside the repository; write it relative to "
                        + "the repository root, without '..'");
    }

    @Test
    void rejectsDuplicateCheckNames() {
        // given
        ObjectNode json = planJson();
        json.withArray("checks").addObject().put("name", "test");

        // then
        assertThat(planProblems(json)).containsExactly(
                "/checks/2/name: 'test' is also the name of /checks/0; check names must be unique");
    }

    @Test
    void aCheckWithoutRunMustNameAnEngineStepAndTheMessageListsThem() {
        // given
        ObjectNode json = planJson();
        check(json, 0).put("name", "tests");

        // then
        assertThat(planProblems(json)).containsExactly("/checks/0/name: 'tests' is not a build step of the "
                + "repository; name one of compile, lint, test, or give the check a run command");
    }

    @Test
    void saysSoWhenTheRepositoryHasNoBuildSteps() {
        assertThat(planProblems(planJson(), Set.of())).containsExactly("/checks/0/name: 'test' is not a build step "
                + "of the repository; it has none, so give the check a run command");
    }

    @Test
    void aCheckWithRunMustNotReuseAnEngineStepName() {
        // given
        ObjectNode json = planJson();
        check(json, 1).put("name", "lint");

        // then
        assertThat(planProblems(json)).containsExactly("/checks/1/name: 'lint' is the name of a build step of the "
                + "repository; give the new check another name, or leave out run to use the step");
    }

    @Test
    void aCheckNameWithSpacesIsRejectedInPlainWords() {
        // given
        ObjectNode json = planJson();
        check(json, 1).put("name", "cli smoke");

        // then
        assertThat(planProblems(json)).containsExactly(
                "/checks/1/name: a check name must not be empty or contain spaces or commas");
    }

    @Test
    void reportsEveryBrokenRuleAtOnce() {
        // given: a bad id, an unknown dependency and an unknown step
        ObjectNode json = planJson();
        task(json, 2).put("id", "Docs");
        dependsOn(json, 1, "nothing");
        check(json, 0).put("name", "tests");

        // then
        assertThat(planProblems(json)).hasSize(3);
    }

    @Test
    void acceptsAReflectionThatRevisesATaskAndAddsOne() {
        // when
        var result = PlanValidator.validateReflection(reflectionJson(), PlanFixtures.plan());

        // then
        Reflection reflection = ((PlanValidator.Result.Valid<Reflection>) result).value();
        assertThat(reflection.analysis()).startsWith("The smoke check failed");
        assertThat(reflection.lessons()).containsExactly(new Lesson("cli-smoke", "grep found no 'Hello, Ada'",
                "Main read args[1] instead of args[0]", "read the first argument, args[0]", List.of("src/Main.java")));
        assertThat(reflection.tasks()).extracting(PlanTask::id).containsExactly("cli", "escape");
    }

    @Test
    void aReflectionsDependenciesMayNameTasksOfThePlanOrOfTheAnswerOnly() {
        // given
        ObjectNode json = reflectionJson();
        dependsOn(json, 1, "greeter", "unknown");

        // then
        assertThat(reflectionProblems(json)).containsExactly("/tasks/1/depends_on/1: 'unknown' is not a task of "
                + "the plan or of this answer; the tasks are: greeter, cli, docs, escape");
    }

    @Test
    void rejectsAReflectionThatMakesACycleWithThePlan() {
        // given: the revised greeter depends on docs, which depends on cli, which depends on greeter
        ObjectNode json = reflectionJson();
        task(json, 0).put("id", "greeter");
        dependsOn(json, 0, "docs");
        dependsOn(json, 1);

        // then
        assertThat(reflectionProblems(json)).containsExactly("dependency cycle: greeter -> docs -> cli -> greeter "
                + "(each task depends on the next); remove one of these depends_on entries");
    }

    @Test
    void rejectsAReflectionWithTwoTasksOfOneIdOrABadId() {
        // given
        ObjectNode json = reflectionJson();
        dependsOn(json, 0, "greeter");
        task(json, 1).put("id", "cli");
        json.withArray("tasks").addObject().put("id", "New task").put("description", "x")
                .set("files", JSON.createArrayNode());
        task(json, 2).set("depends_on", JSON.createArrayNode());

        // then
        assertThat(reflectionProblems(json)).containsExactly(
                "/tasks/1/id: 'cli' is also the id of /tasks/0; task ids must be unique",
                "/tasks/2/id: 'New task' is not a valid task id: use 1 to 40 lowercase letters, digits and "
                        + "hyphens, starting with a letter or digit (^[a-z0-9][a-z0-9-]{0,39}$)");
    }

    @Test
    void checksAReflectionAgainstItsSchema() {
        // given
        ObjectNode json = reflectionJson();
        ((ObjectNode) json.get("lessons").get(0)).remove("why");
        json.putArray("tasks");

        // then
        assertThat(reflectionProblems(json))
                .anySatisfy(p -> assertThat(p).startsWith("/lessons/0: ").contains("why"))
                .anySatisfy(p -> assertThat(p).startsWith("/tasks: "));
    }

    @Test
    void aCheckRunIsOptional() {
        // given
        ObjectNode json = planJson();

        // when
        Plan plan = ((PlanValidator.Result.Valid<Plan>) PlanValidator.validatePlan(json, ENGINE_STEPS)).value();

        // then
        assertThat(plan.checks().get(0).run()).isEqualTo(Optional.empty());
    }
}
