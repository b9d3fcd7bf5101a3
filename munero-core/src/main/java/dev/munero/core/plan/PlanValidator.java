package dev.munero.core.plan;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.path.NodePath;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Checks what a model sent as a planning tool's input, and builds the {@link Plan} or {@link Reflection} when it is
 * valid. First the JSON Schema ({@link PlanSchemas}); when that passes, the rules of the plan (see {@link Plan}'s
 * invariants) and of the repository. Every problem is one sentence that starts with the JSON pointer of the bad
 * value ({@code /tasks/2/id: ...}), or {@code (top level)}, and says what to do: the model reads them as the tool
 * result and tries again. Thread-safe.
 */
public final class PlanValidator {
    /** Friendlier words for the schema's patterns, by pattern, than "does not match the regex pattern". */
    private static final Map<String, String> PATTERN_MESSAGES = Map.of(
            "\\S", "must not be empty or blank",
            "^[^\\s,]+$", "a check name must not be empty or contain spaces or commas");

    private PlanValidator() {
    }

    /**
     * The outcome of a validation: the value, or why there is none.
     *
     * @param <T> {@link Plan} or {@link Reflection}
     */
    public sealed interface Result<T> {
        /** The input was valid. */
        record Valid<T>(T value) implements Result<T> {
            public Valid {
                Objects.requireNonNull(value, "value");
            }
        }

        /**
         * The input was invalid.
         *
         * @param problems at least one, each naming where and what
         */
        record Invalid<T>(List<String> problems) implements Result<T> {
            public Invalid {
                problems = List.copyOf(problems);
                if (problems.isEmpty()) {
                    throw new IllegalArgumentException("an invalid result needs at least one problem");
                }
            }
        }
    }

    /**
     * Validates the input a model sent to {@code submit_plan}: the schema ({@code plan.schema.json}), then task ids
     * unique and of the form {@code ^[a-z0-9][a-z0-9-]{0,39}$}, files relative to the repository root, every
     * {@code depends_on} naming a task, no dependency cycle (the message names the members in order:
     * {@code a -> b -> a}), check names unique, a check without {@code run} naming one of {@code engineSteps} (the
     * message lists them), and a check with {@code run} not reusing an engine step's name.
     *
     * @param input       the tool call's arguments, any JSON value
     * @param engineSteps the names of the repository's build steps; may be empty
     * @return the plan, or every problem found
     */
    public static Result<Plan> validatePlan(JsonNode input, Set<String> engineSteps) {
        return validatePlan(input, engineSteps, Roster.NONE);
    }

    /**
     * {@link #validatePlan(JsonNode, Set)} for a run with agent profiles (issue 14): with members in
     * {@code roster}, every task must also have a {@code role} that is one of {@link Roster#taskRoles()} (an
     * unknown one is named, with the roles it may be) and {@code skills}.
     */
    public static Result<Plan> validatePlan(JsonNode input, Set<String> engineSteps, Roster roster) {
        Objects.requireNonNull(input, "input");
        Set<String> steps = new TreeSet<>(engineSteps);
        List<String> problems = schemaProblems(PlanSchemas.planSchema(roster), input);
        if (!problems.isEmpty()) {
            return new Result.Invalid<>(problems);
        }
        List<PlanTask> tasks;
        List<Check> checks;
        try {
            tasks = tasks(input.get("tasks"));
            checks = checks(input.get("checks"));
        } catch (IllegalArgumentException e) {
            return new Result.Invalid<>(List.of(e.getMessage()));
        }
        problems.addAll(PlanRules.taskProblems(List.of(), tasks));
        List<String> roles = roster.taskRoles();
        for (int i = 0; i < tasks.size() && !roster.isEmpty(); i++) {
            String role = tasks.get(i).role();
            if (!roles.contains(role)) {
                problems.add("/tasks/" + i + "/role: '" + role + "' is not a role of the agent profiles; use one of "
                        + String.join(", ", roles));
            }
        }
        problems.addAll(PlanRules.checkProblems(checks));
        for (int i = 0; i < checks.size(); i++) {
            Check check = checks.get(i);
            String at = "/checks/" + i + "/name: '" + check.name() + "' ";
            if (check.run().isEmpty() && !steps.contains(check.name())) {
                problems.add(at + "is not a build step of the repository; "
                        + (steps.isEmpty() ? "it has none, so give the check a run command"
                        : "name one of " + String.join(", ", steps) + ", or give the check a run command"));
            } else if (check.run().isPresent() && steps.contains(check.name())) {
                problems.add(at + "is the name of a build step of the repository; give the new check another "
                        + "name, or leave out run to use the step");
            }
        }
        if (!problems.isEmpty()) {
            return new Result.Invalid<>(problems);
        }
        return new Result.Valid<>(new Plan(input.get("summary").asString(), tasks, checks));
    }

    /**
     * Validates the input a model sent to {@code submit_reflection} against the {@code current} plan: the schema
     * ({@code reflection.schema.json}), then the tasks' ids (form, unique in the answer), files, dependencies
     * (tasks of the current plan or of the answer) and no cycle in the plan they make with the current one
     * ({@link Plan#revise}).
     *
     * @param input   the tool call's arguments, any JSON value
     * @param current the plan the failed checks belong to
     * @return the reflection, or every problem found
     */
    public static Result<Reflection> validateReflection(JsonNode input, Plan current) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(current, "current");
        List<String> problems = schemaProblems(PlanSchemas.reflectionSchema(), input);
        if (!problems.isEmpty()) {
            return new Result.Invalid<>(problems);
        }
        List<PlanTask> tasks;
        List<Lesson> lessons = new ArrayList<>();
        try {
            tasks = tasks(input.get("tasks"));
            for (JsonNode lesson : input.get("lessons")) {
                lessons.add(new Lesson(lesson.get("check").asString(), lesson.get("what_failed").asString(),
                        lesson.get("why").asString(), lesson.get("fix").asString(), strings(lesson.get("files"))));
            }
        } catch (IllegalArgumentException e) {
            return new Result.Invalid<>(List.of(e.getMessage()));
        }
        problems.addAll(PlanRules.taskProblems(current.tasks(), tasks));
        if (!problems.isEmpty()) {
            return new Result.Invalid<>(problems);
        }
        return new Result.Valid<>(new Reflection(input.get("analysis").asString(), lessons, tasks));
    }

    private static List<String> schemaProblems(Schema schema, JsonNode input) {
        Set<String> problems = new LinkedHashSet<>();
        for (Error e : schema.validate(input)) {
            String message = stripLocation(e.getMessage());
            if ("pattern".equals(e.getKeyword()) && e.getSchemaNode() != null) {
                message = PATTERN_MESSAGES.getOrDefault(e.getSchemaNode().asString(""), message);
            }
            String pointer = pointer(e.getInstanceLocation());
            problems.add((pointer.isEmpty() ? "(top level)" : pointer) + ": " + message);
        }
        return new ArrayList<>(problems);
    }

    /** networknt messages start with the instance location ({@code /tasks/0: ...} or {@code $.tasks[0]: ...}). */
    private static String stripLocation(String message) {
        int colon = message.indexOf(": ");
        return colon > 0 && (message.startsWith("/") || message.startsWith("$")) ? message.substring(colon + 2)
                : message;
    }

    private static String pointer(NodePath path) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            sb.append('/').append(String.valueOf(path.getElement(i)).replace("~", "~0").replace("/", "~1"));
        }
        return sb.toString();
    }

    private static List<PlanTask> tasks(JsonNode array) {
        List<PlanTask> tasks = new ArrayList<>();
        for (JsonNode task : array) {
            tasks.add(new PlanTask(task.get("id").asString(), task.get("description").asString(),
                    strings(task.get("files")), strings(task.get("depends_on")), task.hasNonNull("role")
                    ? task.get("role").asString() : null, task.has("skills") ? strings(task.get("skills"))
                    : List.of()));
        }
        return tasks;
    }

    private static List<Check> checks(JsonNode array) {
        List<Check> checks = new ArrayList<>();
        for (JsonNode check : array) {
            checks.add(new Check(check.get("name").asString(),
                    Optional.ofNullable(check.get("run")).map(JsonNode::asString)));
        }
        return checks;
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(s -> strings.add(s.asString()));
        return strings;
    }
}
