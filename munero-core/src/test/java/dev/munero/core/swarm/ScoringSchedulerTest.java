package dev.munero.core.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.munero.core.plan.PlanTask;
import dev.munero.store.AgentTaskRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The five factors and the choice they make (issue 14). */
class ScoringSchedulerTest {
    static final AgentProfile PLANNER = new AgentProfile("lead", "planner", null, List.of(), List.of(), 1, "t");
    static final AgentProfile JAVA = new AgentProfile("java", "coder", null, List.of(), List.of("java"), 2, "t");
    static final AgentProfile DOCS = new AgentProfile("docs", "coder", null, List.of(), List.of("docs"), 1, "t");
    static final AgentProfile QA = new AgentProfile("qa", "tester", null, List.of(), List.of("java"), 1, "t");

    final List<AgentTaskRecord> rows = new ArrayList<>();
    final ScoringScheduler scheduler = new ScoringScheduler(List.of(PLANNER, JAVA, DOCS, QA), ScoringWeights.DEFAULTS,
            () -> rows);

    static PlanTask task(String role, List<String> skills, String... files) {
        return new PlanTask("t", "do it", List.of(files), List.of(), role, skills);
    }

    void history(String profile, Boolean passed, String... files) {
        rows.add(new AgentTaskRecord("r0", 1, "x" + rows.size(), profile, "coder", Instant.EPOCH,
                Optional.of(Instant.EPOCH), Optional.of("finished"), OptionalDouble.empty(), OptionalLong.of(1),
                List.of(files), Optional.ofNullable(passed)));
    }

    @Test
    void theProfileWhoseRoleAndSkillsMatchTakesTheTaskWithEveryFactorSaid() {
        Assignment a = scheduler.assign(task("coder", List.of("docs")), Map.of(), 1).orElseThrow();
        assertThat(a.profile()).isEqualTo(DOCS);
        assertThat(a.factors()).containsExactlyInAnyOrderEntriesOf(Map.of("availability", 1.0, "expertise", 1.0,
                "workload", 1.0, "success", 0.5, "affinity", 0.0));
        assertThat(a.score()).isCloseTo(0.15 + 0.35 + 0.15 + 0.1, within(1e-9));
        assertThat(a.others()).containsOnlyKeys("java", "qa"); // the planner takes no tasks
        assertThat(a.others().get("java")).isCloseTo(0.15 + 0.35 * 0.5 + 0.15 + 0.1, within(1e-9));
        assertThat(a.weights()).isEqualTo(ScoringWeights.DEFAULTS.asMap());
    }

    @Test
    void aFullProfileIsSkippedAndAHalfBusyOneLosesAvailabilityAndWorkload() {
        PlanTask t = task("coder", List.of("java"));
        assertThat(ScoringScheduler.factors(JAVA, t, 1, 1, rows)).containsEntry("availability", 0.5)
                .containsEntry("workload", 0.0);
        assertThat(ScoringScheduler.factors(JAVA, t, 1, 4, rows)).containsEntry("workload", 0.75);
        // java, half busy (0.525), loses to docs and qa (0.575 each: half the expertise, all the availability);
        // docs is declared first
        Assignment a = scheduler.assign(t, Map.of("java", 1), 2).orElseThrow();
        assertThat(a.profile()).isEqualTo(DOCS);
        assertThat(a.others().get("java")).isCloseTo(0.525, within(1e-9));
        assertThat(scheduler.assign(t, Map.of("java", 2, "docs", 1), 3).orElseThrow().profile()).isEqualTo(QA);
        assertThat(scheduler.assign(t, Map.of("java", 2, "docs", 1, "qa", 1), 4)).isEmpty();
    }

    @Test
    void measuredSuccessAndAffinityComeFromHistoryAcrossRuns() {
        history("docs", true, "README.md");
        history("docs", true);
        history("java", false, "src/A.java");
        history("java", null, "src/B.java"); // checks not run yet: not judged, but its files count
        Map<String, Double> java = ScoringScheduler.factors(JAVA, task(null, List.of(), "src/A.java", "src/B.java",
                "src/C.java", "src/D.java"), 0, 0, rows);
        assertThat(java.get("success")).isCloseTo(1 / 3.0, within(1e-9));
        assertThat(java.get("affinity")).isEqualTo(0.5);
        assertThat(java.get("expertise")).isEqualTo(1.0); // no role, no skills asked: anyone fits
        Map<String, Double> docs = ScoringScheduler.factors(DOCS, task(null, List.of()), 0, 0, rows);
        assertThat(docs.get("success")).isCloseTo(0.75, within(1e-9));
        assertThat(docs.get("affinity")).isZero();
    }

    @Test
    void aTieGoesToTheProfileDeclaredFirst() {
        ScoringScheduler twins = new ScoringScheduler(List.of(DOCS, new AgentProfile("docs-2", "coder", null,
                List.of(), List.of("docs"), 1, "t")), ScoringWeights.DEFAULTS, List::of);
        assertThat(twins.assign(task("coder", List.of()), Map.of(), 1).orElseThrow().profile()).isEqualTo(DOCS);
    }
}
