package dev.munero.core.plan;

import static dev.munero.core.plan.PlanFixtures.ENGINE_STEPS;
import static dev.munero.core.plan.PlanFixtures.planJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** Plans tagged with a role and skills for the agent profiles (issue 14), and untouched without profiles. */
class TaggedPlanTest {
    static final Roster ROSTER = new Roster(List.of(new Roster.Member("lead", "planner", List.of()),
            new Roster.Member("coder-1", "coder", List.of("java", "parser")),
            new Roster.Member("qa", "tester", List.of()), new Roster.Member("rev", "reviewer", List.of())));

    private static ObjectNode tagged(String role) {
        ObjectNode plan = planJson();
        for (var task : plan.withArray("tasks")) {
            ((ObjectNode) task).put("role", role).putArray("skills").add("java");
        }
        return plan;
    }

    @Test
    void withoutProfilesTheToolAndTheRequestAreThoseOfBefore() {
        assertThat(PlanSchemas.submitPlanTool(Roster.NONE)).isEqualTo(PlanSchemas.submitPlanTool());
        assertThat(PlanSchemas.submitPlanTool().inputSchema().toString()).doesNotContain("\"role\"", "skills");
        assertThat(PlanPrompts.planRequest("spec", PlanFixtures.STEPS, List.of("a.txt"), List.of(), Roster.NONE))
                .isEqualTo(PlanPrompts.planRequest("spec", PlanFixtures.STEPS, List.of("a.txt"), List.of()))
                .doesNotContain("Agent profiles");
    }

    @Test
    void withProfilesEachTaskNeedsARoleOfTheRolesThatTakeTasksAndSkills() {
        String schema = PlanSchemas.submitPlanTool(ROSTER).inputSchema().toString();
        assertThat(schema).contains("\"enum\":[\"coder\",\"tester\"]", "\"required\":[\"id\",\"description\","
                + "\"files\",\"depends_on\",\"role\",\"skills\"]");
        String request = PlanPrompts.planRequest("spec", PlanFixtures.STEPS, List.of(), List.of(), ROSTER);
        assertThat(request).contains("# Agent profiles", "(coder, tester)", "- lead: role planner (takes no tasks)",
                "- coder-1: role coder, skills java, parser", "- qa: role tester\n");

        var valid = PlanValidator.validatePlan(tagged("tester"), ENGINE_STEPS, ROSTER);
        assertThat(valid).isInstanceOfSatisfying(PlanValidator.Result.Valid.class, v -> {
            Plan plan = (Plan) v.value();
            assertThat(plan.tasks()).allSatisfy(t -> {
                assertThat(t.role()).isEqualTo("tester");
                assertThat(t.skills()).containsExactly("java");
            });
        });
        assertThat(PlanValidator.validatePlan(tagged("reviewer"), ENGINE_STEPS, ROSTER))
                .isInstanceOfSatisfying(PlanValidator.Result.Invalid.class, i -> assertThat(i.problems())
                        .contains("/tasks/0/role: 'reviewer' is not a role of the agent profiles; use one of coder, "
                                + "tester"));
        assertThat(PlanValidator.validatePlan(planJson(), ENGINE_STEPS, ROSTER))
                .isInstanceOfSatisfying(PlanValidator.Result.Invalid.class, i -> assertThat(i.problems().toString())
                        .contains("/tasks/0", "role"));
    }
}
