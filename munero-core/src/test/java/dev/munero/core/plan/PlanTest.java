package dev.munero.core.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
    private static final List<Check> CHECKS = List.of(Check.step("test"));

    private static PlanTask task(String id, String... dependsOn) {
        return new PlanTask(id, "Do " + id + ".", List.of("src/" + id + ".java"), List.of(dependsOn));
    }

    @Test
    void findsATaskById() {
        Plan plan = PlanFixtures.plan();

        assertThat(plan.task("cli")).get().extracting(PlanTask::dependsOn).isEqualTo(List.of("greeter"));
        assertThat(plan.task("nope")).isEmpty();
    }

    @Test
    void aPlanCannotHoldACycleOrAnUnknownDependency() {
        assertThatThrownBy(() -> new Plan("s", List.of(task("a", "b"), task("b", "a")), CHECKS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dependency cycle: a -> b -> a");
        assertThatThrownBy(() -> new Plan("s", List.of(task("a", "c")), CHECKS))
                .hasMessageContaining("/tasks/0/depends_on/0: 'c' is not a task of the plan");
    }

    @Test
    void aPlanNeedsATaskAndACheck() {
        assertThatThrownBy(() -> new Plan("s", List.of(), List.of()))
                .hasMessage("invalid plan: a plan needs at least one task; a plan needs at least one check");
    }

    @Test
    void withTasksKeepsTheSummaryAndChecks() {
        // given
        Plan plan = PlanFixtures.plan();

        // when
        Plan other = plan.withTasks(List.of(task("only")));

        // then
        assertThat(other.tasks()).extracting(PlanTask::id).containsExactly("only");
        assertThat(other.summary()).isEqualTo(plan.summary());
        assertThat(other.checks()).isEqualTo(plan.checks());
    }

    @Test
    void reviseReplacesKnownTasksInPlaceAndAppendsNewOnes() {
        // given
        Plan plan = new Plan("s", List.of(task("a"), task("b", "a"), task("c", "b")), CHECKS);

        // when
        Plan revised = plan.revise(List.of(task("d"), task("b", "a", "d")));

        // then
        assertThat(revised.tasks()).extracting(PlanTask::id).containsExactly("a", "b", "c", "d");
        assertThat(revised.task("b")).get().extracting(PlanTask::dependsOn).isEqualTo(List.of("a", "d"));
    }

    @Test
    void reviseRejectsACycleItWouldMake() {
        Plan plan = new Plan("s", List.of(task("a"), task("b", "a")), CHECKS);

        assertThatThrownBy(() -> plan.revise(List.of(task("a", "b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a -> b -> a");
    }

    @Test
    void recordsRejectWhatCannotBeRight() {
        assertThatThrownBy(() -> new PlanTask("a", " ", List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
        assertThatThrownBy(() -> Check.step("two words")).hasMessageContaining("'two words'");
        assertThatThrownBy(() -> Check.command("smoke", " ")).hasMessageContaining("'smoke'");
        assertThatThrownBy(() -> new Reflection("x", List.of(), List.of(task("a"), task("a"))))
                .hasMessageContaining("'a'");
        assertThatThrownBy(() -> new Lesson("test", "x", "", "z", List.of())).hasMessageContaining("why");
    }
}
