package dev.munero.core.plan;

import java.util.List;
import java.util.Objects;

/**
 * One task of a {@link Plan}: work that one coding agent does in one session. In the plan's JSON (the
 * {@code submit_plan} tool's input) it is {@code {"id", "description", "files", "depends_on"}}, plus {@code "role"} and
 * {@code "skills"} when the run has agent profiles ({@code agents:} in munero.yaml, issue 14).
 *
 * <p>The rules on ids, files and dependencies (an id's form and uniqueness, relative paths, known dependencies, no
 * cycle) are the {@link Plan}'s invariants, not the task's, so that {@link PlanValidator} can build the tasks of any
 * schema-valid input and then report every broken rule at once.
 *
 * @param id          in a plan: unique and matching {@code ^[a-z0-9][a-z0-9-]{0,39}$} (e.g. {@code parse-config})
 * @param description what the agent must do, self-contained: the agent sees this task only
 * @param files       the files the task will create or change, relative to the repository root; may be empty
 * @param dependsOn   ids of the tasks that must be done before this one starts; may be empty
 * @param role        the role of the agent that should do it (coder, tester, ... as the profiles name them); null
 *                    when the planner gave none (plans without agent profiles)
 * @param skills      the skills (tags) the task needs, matched against the profiles' skills; may be empty
 */
public record PlanTask(String id, String description, List<String> files, List<String> dependsOn, String role,
                       List<String> skills) {
    /**
     * @throws NullPointerException     when an argument or a list element is null
     * @throws IllegalArgumentException when {@code description} is blank
     */
    public PlanTask {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(description, "description");
        files = List.copyOf(files);
        dependsOn = List.copyOf(dependsOn);
        skills = List.copyOf(skills);
        if (description.isBlank()) {
            throw new IllegalArgumentException("task '" + id + "' has a blank description");
        }
    }

    /** A task with no role and no skills (a plan without agent profiles). */
    public PlanTask(String id, String description, List<String> files, List<String> dependsOn) {
        this(id, description, files, dependsOn, null, List.of());
    }
}
