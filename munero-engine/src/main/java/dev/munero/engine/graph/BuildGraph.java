package dev.munero.engine.graph;

import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigProblem;
import dev.munero.engine.config.SourceLocation;
import dev.munero.engine.config.StepSpec;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The task graph: steps and their {@code dependsOn} edges, checked to be complete and acyclic.
 *
 * <p>Invariants: every dependency names a step of the graph; there is no cycle; {@link #steps()} is a
 * topological order (each step after all its dependencies) that keeps declaration order where the
 * edges allow. Steps are addressed by name or by index into {@link #steps()}.
 *
 * <p>Immutable and thread-safe.
 */
public final class BuildGraph {
    private final List<StepSpec> steps;
    private final Map<String, Integer> index;
    private final int[][] deps;
    private final int[][] dependents;

    private BuildGraph(List<StepSpec> topo) {
        this.steps = List.copyOf(topo);
        this.index = new HashMap<>(topo.size() * 2);
        for (int i = 0; i < topo.size(); i++) {
            index.put(topo.get(i).name(), i);
        }
        this.deps = new int[topo.size()][];
        List<List<Integer>> rev = new ArrayList<>();
        for (int i = 0; i < topo.size(); i++) {
            rev.add(new ArrayList<>());
        }
        for (int i = 0; i < topo.size(); i++) {
            List<String> d = topo.get(i).dependsOn();
            int[] arr = new int[d.size()];
            for (int j = 0; j < arr.length; j++) {
                arr[j] = index.get(d.get(j));
                rev.get(arr[j]).add(i);
            }
            deps[i] = arr;
        }
        this.dependents = new int[topo.size()][];
        for (int i = 0; i < topo.size(); i++) {
            dependents[i] = rev.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /**
     * Builds and checks the graph.
     *
     * @param steps  steps in declaration order
     * @param origin file the steps came from, for messages of steps without a location
     * @throws ConfigException naming every duplicate step, every unknown {@code dependsOn} target (with a
     *                         suggestion), and the members of a cycle in order
     */
    public static BuildGraph of(List<StepSpec> steps, Path origin) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, StepSpec> byName = new HashMap<>();
        for (StepSpec s : steps) {
            if (byName.putIfAbsent(s.name(), s) != null) {
                problems.add(new ConfigProblem(where(s, origin), "", "step '" + s.name() + "' is declared twice"));
            }
        }
        for (StepSpec s : steps) {
            Set<String> seen = new java.util.HashSet<>();
            for (String d : s.dependsOn()) {
                if (!byName.containsKey(d)) {
                    problems.add(new ConfigProblem(where(s, origin), "dependsOn",
                            "step '" + s.name() + "' depends on unknown step '" + d + "'"
                                    + Names.suggest(d, others(byName.keySet(), s.name()))));
                } else if (d.equals(s.name())) {
                    problems.add(new ConfigProblem(where(s, origin), "dependsOn",
                            "step '" + s.name() + "' depends on itself; remove it from its dependsOn"));
                } else if (!seen.add(d)) {
                    problems.add(new ConfigProblem(where(s, origin), "dependsOn",
                            "step '" + s.name() + "' lists '" + d + "' twice in dependsOn"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        List<String> cycle = findCycle(steps, byName);
        if (!cycle.isEmpty()) {
            StepSpec first = byName.get(cycle.get(0));
            throw new ConfigException(new ConfigProblem(where(first, origin), "dependsOn",
                    "dependency cycle: " + String.join(" -> ", cycle) + " -> " + cycle.get(0)
                            + " (each depends on the next); remove one of these dependsOn edges"));
        }
        return new BuildGraph(topologicalOrder(steps, byName));
    }

    /** Candidates for a suggestion: never the step itself, which would suggest a self-dependency. */
    private static Set<String> others(Set<String> names, String self) {
        Set<String> out = new java.util.HashSet<>(names);
        out.remove(self);
        return out;
    }

    private static SourceLocation where(StepSpec s, Path origin) {
        return s.location().orElse(new SourceLocation(origin, 0, 0));
    }

    /** Depth-first search with colours; returns the members of the first cycle found, in edge order. */
    private static List<String> findCycle(List<StepSpec> steps, Map<String, StepSpec> byName) {
        Map<String, Integer> color = new HashMap<>(); // absent = white, 1 = on stack, 2 = done
        for (StepSpec start : steps) {
            if (color.containsKey(start.name())) {
                continue;
            }
            Deque<String> path = new ArrayDeque<>();
            Deque<java.util.Iterator<String>> iters = new ArrayDeque<>();
            path.push(start.name());
            iters.push(start.dependsOn().iterator());
            color.put(start.name(), 1);
            while (!path.isEmpty()) {
                java.util.Iterator<String> it = iters.peek();
                if (it.hasNext()) {
                    String next = it.next();
                    Integer c = color.get(next);
                    if (c == null) {
                        color.put(next, 1);
                        path.push(next);
                        iters.push(byName.get(next).dependsOn().iterator());
                    } else if (c == 1) {
                        List<String> onStack = new ArrayList<>(path);
                        java.util.Collections.reverse(onStack); // start ... current
                        // next ... current, each depending on the one after it, and current on next
                        return new ArrayList<>(onStack.subList(onStack.indexOf(next), onStack.size()));
                    }
                } else {
                    color.put(path.pop(), 2);
                    iters.pop();
                }
            }
        }
        return List.of();
    }

    /** Kahn's algorithm, taking ready steps in declaration order. */
    private static List<StepSpec> topologicalOrder(List<StepSpec> steps, Map<String, StepSpec> byName) {
        Map<String, Integer> pos = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            pos.put(steps.get(i).name(), i);
        }
        int[] missing = new int[steps.size()];
        List<List<Integer>> users = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            users.add(new ArrayList<>());
        }
        for (int i = 0; i < steps.size(); i++) {
            for (String d : steps.get(i).dependsOn()) {
                users.get(pos.get(d)).add(i);
                missing[i]++;
            }
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < steps.size(); i++) {
            if (missing[i] == 0) {
                ready.add(i);
            }
        }
        List<StepSpec> out = new ArrayList<>(steps.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(steps.get(i));
            for (int u : users.get(i)) {
                if (--missing[u] == 0) {
                    ready.add(u);
                }
            }
        }
        if (out.size() != steps.size()) {
            throw new IllegalStateException("cycle not caught by findCycle");
        }
        return out;
    }

    /** Steps in topological order. */
    public List<StepSpec> steps() {
        return steps;
    }

    /** Number of steps. */
    public int size() {
        return steps.size();
    }

    /** Index of {@code name} in {@link #steps()}, or -1. */
    public int indexOf(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    /** The step at {@code i}. */
    public StepSpec step(int i) {
        return steps.get(i);
    }

    /** Indices of the direct dependencies of step {@code i}; do not modify. */
    public int[] dependenciesOf(int i) {
        return deps[i];
    }

    /** Indices of the steps that directly depend on step {@code i}; do not modify. */
    public int[] dependentsOf(int i) {
        return dependents[i];
    }

    /**
     * The subgraph of {@code targets} and everything they transitively depend on. An empty
     * collection selects the whole graph.
     *
     * @throws ConfigException naming each unknown target, with a suggestion
     */
    public BuildGraph select(Collection<String> targets) throws ConfigException {
        if (targets.isEmpty()) {
            return this;
        }
        List<ConfigProblem> problems = new ArrayList<>();
        boolean[] keep = new boolean[steps.size()];
        Deque<Integer> todo = new ArrayDeque<>();
        for (String t : new LinkedHashSet<>(targets)) {
            Integer i = index.get(t);
            if (i == null) {
                problems.add(new ConfigProblem(new SourceLocation(Path.of("command line"), 0, 0), "target",
                        "unknown step '" + t + "'" + Names.suggest(t, index.keySet()) + "; 'munero graph' lists the steps"));
            } else {
                todo.add(i);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        while (!todo.isEmpty()) {
            int i = todo.pop();
            if (!keep[i]) {
                keep[i] = true;
                for (int d : deps[i]) {
                    todo.push(d);
                }
            }
        }
        List<StepSpec> sub = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            if (keep[i]) {
                sub.add(steps.get(i));
            }
        }
        return new BuildGraph(sub);
    }

    /** Indices of the steps nothing depends on (the graph's sinks), ascending. */
    public int[] sinks() {
        return java.util.stream.IntStream.range(0, steps.size()).filter(i -> dependents[i].length == 0).toArray();
    }

    @Override
    public String toString() {
        return "BuildGraph" + Arrays.toString(steps.stream().map(StepSpec::name).toArray());
    }
}
