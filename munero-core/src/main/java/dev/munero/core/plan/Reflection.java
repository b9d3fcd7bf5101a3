package dev.munero.core.plan;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the planner made of failed checks. The {@code submit_reflection} tool's input
 * ({@code reflection.schema.json}) is its JSON form:
 * <pre>{@code
 * {"analysis": "...",
 *  "lessons": [{"check": "test", "what_failed": "...", "why": "...", "fix": "...", "files": ["src/A.java"]}],
 *  "tasks": [{"id": "fix-parser", "description": "...", "files": ["src/A.java"], "depends_on": ["parse-config"]}]}
 * }</pre>
 *
 * @param analysis what the failures show
 * @param lessons  one per failed check, to keep for later runs
 * @param tasks    the work that fixes the failures: a task whose id exists in the current plan revises it (it will
 *                 be done again), a new id adds a task; apply them with {@link Plan#revise(List)}
 */
public record Reflection(String analysis, List<Lesson> lessons, List<PlanTask> tasks) {
    /**
     * @throws NullPointerException     when an argument or a list element is null
     * @throws IllegalArgumentException when two tasks have the same id
     */
    public Reflection {
        Objects.requireNonNull(analysis, "analysis");
        lessons = List.copyOf(lessons);
        tasks = List.copyOf(tasks);
        Set<String> ids = new HashSet<>();
        for (PlanTask task : tasks) {
            if (!ids.add(task.id())) {
                throw new IllegalArgumentException("the reflection has two tasks with id '" + task.id() + "'");
            }
        }
    }

    /**
     * The tasks the next iteration does: this reflection's, or, when it has none, one {@code fix-<iteration + 1>}
     * task naming the failed checks (with exit codes) and the analysis.
     *
     * @param iteration the iteration whose checks failed
     * @param failures  its failed checks
     */
    public List<PlanTask> tasksOrFix(int iteration, List<CheckFailure> failures) {
        if (!tasks.isEmpty()) {
            return tasks;
        }
        return List.of(new PlanTask("fix-" + (iteration + 1), "The acceptance checks fail: "
                + failures.stream().map(f -> f.step() + (f.exitCode().isPresent() ? " (exit " + f.exitCode()
                .getAsInt() + ")" : "")).collect(java.util.stream.Collectors.joining(", ")) + ". " + analysis
                + " Make them pass.", List.of(), List.of()));
    }
}
