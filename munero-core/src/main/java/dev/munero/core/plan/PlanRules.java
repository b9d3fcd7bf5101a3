package dev.munero.core.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules a plan's tasks and checks keep, as problem messages that point into the plan's JSON
 * ({@code /tasks/2/depends_on/0: ...}). {@link Plan}'s constructor enforces them and {@link PlanValidator} reports
 * them to the model, so both say the same thing.
 */
final class PlanRules {
    /** What a task id looks like: short, lowercase, usable in a branch name. */
    static final Pattern TASK_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final Pattern ABSOLUTE = Pattern.compile("^([/\\\\~]|[A-Za-z]:)");
    private static final Pattern PARENT = Pattern.compile("(^|[/\\\\])\\.\\.([/\\\\]|$)");

    private PlanRules() {
    }

    /**
     * {@code current} with each task of {@code revisions} whose id it has replaced in place, and the others
     * appended in their order.
     */
    static List<PlanTask> merge(List<PlanTask> current, List<PlanTask> revisions) {
        Map<String, PlanTask> byId = new LinkedHashMap<>();
        for (PlanTask task : current) {
            byId.put(task.id(), task);
        }
        for (PlanTask task : revisions) {
            byId.put(task.id(), task);
        }
        return List.copyOf(byId.values());
    }

    /**
     * The problems of {@code added} (a plan's tasks, or a reflection's revised and new ones) on top of
     * {@code current} (empty for a new plan, or a valid plan's tasks): ids of the right form and unique among
     * {@code added}, files relative to the repository root, dependencies that name a task of either list, and no
     * cycle in {@link #merge merged} tasks. Pointers are {@code /tasks/<index in added>/...}.
     */
    static List<String> taskProblems(List<PlanTask> current, List<PlanTask> added) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < added.size(); i++) {
            PlanTask task = added.get(i);
            String at = "/tasks/" + i;
            if (!TASK_ID.matcher(task.id()).matches()) {
                problems.add(at + "/id: '" + task.id() + "' is not a valid task id: use 1 to 40 lowercase letters, "
                        + "digits and hyphens, starting with a letter or digit (^" + TASK_ID + "$)");
            } else {
                Integer first = firstIndex.putIfAbsent(task.id(), i);
                if (first != null) {
                    problems.add(at + "/id: '" + task.id() + "' is also the id of /tasks/" + first
                            + "; task ids must be unique");
                }
            }
            for (int f = 0; f < task.files().size(); f++) {
                String file = task.files().get(f);
                if (ABSOLUTE.matcher(file).find() || PARENT.matcher(file).find()) {
                    problems.add(at + "/files/" + f + ": '" + file + "' is not a path inside the repository; write "
                            + "it relative to the repository root, without '..'");
                }
            }
        }
        Set<String> known = new LinkedHashSet<>();
        current.forEach(t -> known.add(t.id()));
        added.forEach(t -> known.add(t.id()));
        for (int i = 0; i < added.size(); i++) {
            List<String> dependsOn = added.get(i).dependsOn();
            for (int d = 0; d < dependsOn.size(); d++) {
                if (!known.contains(dependsOn.get(d))) {
                    String where = current.isEmpty() ? "the plan" : "the plan or of this answer";
                    problems.add("/tasks/" + i + "/depends_on/" + d + ": '" + dependsOn.get(d) + "' is not a task of "
                            + where + "; the tasks are: " + String.join(", ", known));
                }
            }
        }
        if (problems.isEmpty()) {
            for (List<String> cycle : cycles(merge(current, added))) {
                problems.add("dependency cycle: " + String.join(" -> ", cycle)
                        + " (each task depends on the next); remove one of these depends_on entries");
            }
        }
        return problems;
    }

    /** The problems of a plan's checks that need no knowledge of the repository: names unique. */
    static List<String> checkProblems(List<Check> checks) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            Integer first = firstIndex.putIfAbsent(checks.get(i).name(), i);
            if (first != null) {
                problems.add("/checks/" + i + "/name: '" + checks.get(i).name() + "' is also the name of /checks/"
                        + first + "; check names must be unique");
            }
        }
        return problems;
    }

    /**
     * Every cycle a depth-first search meets, visiting tasks and their dependencies in list order, each as its
     * members in dependency order with the first repeated at the end ({@code [a, b, a]}: a depends on b, b on
     * a). Dependencies on unknown ids are ignored.
     */
    static List<List<String>> cycles(List<PlanTask> tasks) {
        Map<String, PlanTask> byId = new HashMap<>();
        tasks.forEach(t -> byId.put(t.id(), t));
        Search search = new Search(byId);
        for (PlanTask task : tasks) {
            search.visit(task.id());
        }
        return search.cycles;
    }

    /** Invariant: {@code path} holds exactly the tasks whose state is {@code ON_PATH}, in visiting order. */
    private static final class Search {
        private enum State { ON_PATH, DONE }

        private final Map<String, PlanTask> byId;
        private final Map<String, State> states = new HashMap<>();
        private final List<String> path = new ArrayList<>();
        private final List<List<String>> cycles = new ArrayList<>();

        Search(Map<String, PlanTask> byId) {
            this.byId = byId;
        }

        void visit(String id) {
            State state = states.get(id);
            if (state == State.ON_PATH) {
                List<String> cycle = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
                cycle.add(id);
                cycles.add(List.copyOf(cycle));
                return;
            }
            if (state == State.DONE) {
                return;
            }
            states.put(id, State.ON_PATH);
            path.add(id);
            for (String dependency : byId.get(id).dependsOn()) {
                if (byId.containsKey(dependency)) {
                    visit(dependency);
                }
            }
            path.removeLast();
            states.put(id, State.DONE);
        }
    }
}
