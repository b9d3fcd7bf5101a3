package dev.munero.core.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the planner decided: tasks for coding agents and the checks that show the specification is met. The
 * {@code submit_plan} tool's input ({@code plan.schema.json}) is its JSON form:
 * <pre>{@code
 * {"summary": "...",
 *  "tasks": [{"id": "parse-config", "description": "...", "files": ["src/Config.java"], "depends_on": []}],
 *  "checks": [{"name": "test"}, {"name": "cli-smoke", "run": "./cli --help"}]}
 * }</pre>
 *
 * <p>Invariants: at least one task and one check; task ids unique and matching {@code ^[a-z0-9][a-z0-9-]{0,39}$};
 * task files relative to the repository root without {@code ..}; every dependency names a task of the plan; no
 * dependency cycle; check names unique. Whether a check without {@code run} names an engine step is the
 * {@link PlanValidator}'s concern: the plan does not know the repository.
 *
 * @param summary what will be built and how the work is split
 * @param tasks   the tasks, in the planner's order
 * @param checks  the acceptance criteria
 */
public record Plan(String summary, List<PlanTask> tasks, List<Check> checks) {
    /**
     * @throws NullPointerException     when an argument or a list element is null
     * @throws IllegalArgumentException when an invariant does not hold; the message lists every problem with its
     *                                  JSON pointer, e.g. {@code /tasks/1/depends_on/0}
     */
    public Plan {
        Objects.requireNonNull(summary, "summary");
        tasks = List.copyOf(tasks);
        checks = List.copyOf(checks);
        List<String> problems = new ArrayList<>();
        if (tasks.isEmpty()) {
            problems.add("a plan needs at least one task");
        }
        if (checks.isEmpty()) {
            problems.add("a plan needs at least one check");
        }
        problems.addAll(PlanRules.taskProblems(List.of(), tasks));
        problems.addAll(PlanRules.checkProblems(checks));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid plan: " + String.join("; ", problems));
        }
    }

    /** The task with this id, if the plan has one. */
    public Optional<PlanTask> task(String id) {
        return tasks.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /**
     * This plan with other tasks (same summary and checks).
     *
     * @throws IllegalArgumentException when the tasks break an invariant
     */
    public Plan withTasks(List<PlanTask> newTasks) {
        return new Plan(summary, newTasks, checks);
    }

    /**
     * This plan revised by a reflection's tasks: a task whose id the plan has replaces that task in place (it is to
     * be done again); a task with a new id is appended, in the given order.
     *
     * @throws IllegalArgumentException when the merged tasks break an invariant (e.g. a cycle)
     */
    public Plan revise(List<PlanTask> revisedOrNew) {
        return withTasks(PlanRules.merge(tasks, revisedOrNew));
    }
}
