package dev.munero.temporal;

import dev.munero.core.events.RunEvents;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The plan as the workflow holds it (issue 16.2): the plan's JSON as {@code PlanJson} writes it (the
 * {@code submit_plan} tool's shape: {@code summary}, {@code tasks} with {@code id}, {@code description},
 * {@code files}, {@code depends_on}, and {@code checks}) and the ids of the tasks done. It answers which tasks are
 * ready (not done, not running, every dependency done) in the plan's order, as the local loop's dispatcher does.
 *
 * <p>Deterministic (JSON parsing only) and not thread-safe: the workflow's code only.
 */
final class PlanState {
    private ObjectNode plan;
    private final Set<String> done = new LinkedHashSet<>();

    /**
     * @throws IllegalArgumentException when {@code planJson} is not a JSON object with a {@code tasks} array
     */
    PlanState(String planJson) {
        replace(planJson);
    }

    /**
     * Replaces the plan (a reflection's revision); what is done stays done unless {@link #redo} says otherwise.
     *
     * @throws IllegalArgumentException when {@code planJson} is not a JSON object with a {@code tasks} array
     */
    void replace(String planJson) {
        JsonNode node;
        try {
            node = RunEvents.JSON.readTree(planJson == null ? "" : planJson);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the plan is not JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode o) || !o.path("tasks").isArray()) {
            throw new IllegalArgumentException("the plan has no tasks array: " + cut(planJson));
        }
        this.plan = o;
    }

    /** The tasks to do again: no longer done. */
    void redo(List<String> ids) {
        ids.forEach(done::remove);
    }

    /** Marks a task done (merged, or handed to a follow-up). */
    void done(String id) {
        done.add(id);
    }

    /** The ids of the tasks done, in the order they were done. */
    List<String> doneIds() {
        return List.copyOf(done);
    }

    /** The plan's JSON text. */
    String json() {
        return RunEvents.JSON.writeValueAsString(plan);
    }

    /** The plan as a map, for a {@code plan_accepted} event. */
    @SuppressWarnings("unchecked")
    Map<String, Object> map() {
        return RunEvents.JSON.treeToValue(plan, Map.class);
    }

    /** The plan's {@code checks} array as JSON text. */
    String checksJson() {
        return RunEvents.JSON.writeValueAsString(plan.path("checks"));
    }

    /** How many tasks the plan has. */
    int size() {
        return plan.path("tasks").size();
    }

    /** The task with this id as JSON text, or null. */
    String taskJson(String id) {
        JsonNode t = task(id);
        return t == null ? null : RunEvents.JSON.writeValueAsString(t);
    }

    /** The ids of the tasks that may start now, in plan order: not done, not running, dependencies done. */
    List<String> ready(Set<String> running) {
        List<String> out = new ArrayList<>();
        for (JsonNode t : plan.path("tasks")) {
            String id = t.path("id").asString();
            if (done.contains(id) || running.contains(id)) {
                continue;
            }
            boolean ready = true;
            for (JsonNode d : t.path("depends_on")) {
                if (!done.contains(d.asString())) {
                    ready = false;
                    break;
                }
            }
            if (ready) {
                out.add(id);
            }
        }
        return out;
    }

    /**
     * Adds the follow-up of a task whose branch did not merge, as the local loop's merge coordinator does: id
     * {@code <task>-merge} ({@code -merge2}, ... when taken), no dependencies, the conflicting files.
     *
     * @return the follow-up's id
     */
    String addFollowUp(String taskId, String taskBranch, String taskCommit, List<String> files) {
        String stem = (taskId.length() > 30 ? taskId.substring(0, 30) : taskId) + "-merge";
        String id = stem;
        for (int n = 2; task(id) != null; n++) {
            id = stem + n;
        }
        JsonNode original = task(taskId);
        String description = original == null ? "" : original.path("description").asString("");
        ObjectNode follow = RunEvents.JSON.createObjectNode();
        follow.put("id", id);
        follow.put("description", "Task " + taskId + " (\"" + description + "\") was done on its own branch, but "
                + "its change conflicts with work merged meanwhile in " + String.join(", ", files) + ". Re-apply "
                + "its intent on top of the current code. Its change is commit " + taskCommit + " on branch "
                + taskBranch + " of the run's git remote.");
        ArrayNode f = follow.putArray("files");
        files.forEach(f::add);
        follow.putArray("depends_on");
        if (original != null && original.hasNonNull("role")) {
            follow.set("role", original.get("role"));
        }
        if (original != null && original.path("skills").isArray() && !original.path("skills").isEmpty()) {
            follow.set("skills", original.get("skills"));
        }
        ((ArrayNode) plan.get("tasks")).add(follow);
        return id;
    }

    private JsonNode task(String id) {
        for (JsonNode t : plan.path("tasks")) {
            if (t.path("id").asString().equals(id)) {
                return t;
            }
        }
        return null;
    }

    private static String cut(String s) {
        return s == null ? "null" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
