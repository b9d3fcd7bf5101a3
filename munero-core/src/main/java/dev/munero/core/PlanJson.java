package dev.munero.core;

import dev.munero.core.plan.Check;
import dev.munero.core.plan.Plan;
import dev.munero.core.plan.PlanTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** A plan in the event log: the same field names as the {@code submit_plan} tool's input. Thread-safe. */
public final class PlanJson {
    private PlanJson() {
    }

    /**
     * The plan as the {@code plan} of a {@code plan_accepted} event: {@code summary}, {@code tasks} (each
     * {@code id}, {@code description}, {@code files}, {@code depends_on}, and {@code role} and {@code skills} when
     * the task has them) and {@code checks} (each {@code name},
     * and {@code run} for a command), in that order.
     */
    public static Map<String, Object> toMap(Plan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", plan.summary());
        List<Map<String, Object>> tasks = new ArrayList<>();
        for (PlanTask t : plan.tasks()) {
            Map<String, Object> task = new LinkedHashMap<>();
            task.put("id", t.id());
            task.put("description", t.description());
            task.put("files", t.files());
            task.put("depends_on", t.dependsOn());
            if (t.role() != null) {
                task.put("role", t.role());
            }
            if (!t.skills().isEmpty()) {
                task.put("skills", t.skills());
            }
            tasks.add(task);
        }
        m.put("tasks", tasks);
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Check c : plan.checks()) {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("name", c.name());
            c.run().ifPresent(r -> check.put("run", r));
            checks.add(check);
        }
        m.put("checks", checks);
        return m;
    }

    /**
     * The plan {@link #toMap} wrote, read back (from an event's payload or a distributed run's wire record).
     * Missing fields read as empty; the plan is not validated again.
     */
    public static Plan fromJson(JsonNode node) {
        List<PlanTask> tasks = new ArrayList<>();
        for (JsonNode t : node.path("tasks")) {
            tasks.add(new PlanTask(t.path("id").asString(), t.path("description").asString(), strings(t.path("files")),
                    strings(t.path("depends_on")), t.hasNonNull("role") ? t.path("role").asString() : null,
                    strings(t.path("skills"))));
        }
        List<Check> checks = new ArrayList<>();
        for (JsonNode c : node.path("checks")) {
            checks.add(new Check(c.path("name").asString(),
                    c.hasNonNull("run") ? Optional.of(c.path("run").asString()) : Optional.empty()));
        }
        return new Plan(node.path("summary").asString(""), tasks, checks);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asString()));
        return out;
    }
}
