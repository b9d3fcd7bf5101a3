package dev.munero.engine.detect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Graph helpers shared by the task graphs of turbo.json and nx.json: both have tasks that run nothing (a
 * package without the script, an Nx target Munero cannot run) which the steps look through, and both must
 * reject a cycle by naming it.
 */
final class TaskGraphs {

    private TaskGraphs() {
    }

    /**
     * The first cycle found, as its nodes with the first repeated at the end ({@code a -> b -> a}), or an empty
     * list when the graph is acyclic.
     *
     * @param edges every node mapped to the nodes it depends on; every node named must be a key
     */
    static <N> List<N> findCycle(Map<N, List<N>> edges) {
        Map<N, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
        for (N start : edges.keySet()) {
            if (state.containsKey(start)) {
                continue;
            }
            List<N> path = new ArrayList<>(List.of(start));
            List<Iterator<N>> its = new ArrayList<>(List.of(edges.get(start).iterator()));
            state.put(start, 1);
            while (!path.isEmpty()) {
                Iterator<N> it = its.get(its.size() - 1);
                if (!it.hasNext()) {
                    state.put(path.remove(path.size() - 1), 2);
                    its.remove(its.size() - 1);
                    continue;
                }
                N next = it.next();
                Integer s = state.get(next);
                if (s == null) {
                    state.put(next, 1);
                    path.add(next);
                    its.add(edges.get(next).iterator());
                } else if (s == 1) {
                    List<N> cycle = new ArrayList<>(path.subList(path.indexOf(next), path.size()));
                    cycle.add(next);
                    return cycle;
                }
            }
        }
        return List.of();
    }

    /**
     * The nodes {@code n} waits for that do run: its dependencies, with each one that does not run replaced by
     * its own dependencies, transitively.
     */
    static <N> Set<N> runnableDependencies(N n, Map<N, List<N>> edges, Predicate<N> runs) {
        Set<N> out = new LinkedHashSet<>();
        Set<N> seen = new LinkedHashSet<>();
        List<N> todo = new ArrayList<>(edges.get(n));
        while (!todo.isEmpty()) {
            N d = todo.remove(todo.size() - 1);
            if (!seen.add(d)) {
                continue;
            }
            if (runs.test(d)) {
                out.add(d);
            } else {
                todo.addAll(edges.get(d));
            }
        }
        return out;
    }
}
