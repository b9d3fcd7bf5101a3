package dev.munero.engine.detect;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Chooses unique step-name prefixes for the projects of one detector. */
final class StepNames {

    private StepNames() {
    }

    /**
     * Gives each project its preferred name unless another project prefers the same one; all projects
     * sharing a preferred name get their fallback (usually their directory) instead. A name still taken
     * after that gets {@code ~2}, {@code ~3}, ... appended, in iteration order, so the result is
     * deterministic for an ordered input.
     *
     * @param preferred projects in a deterministic order with the name each would like
     * @param fallback  a second name for a project, expected to differ between projects
     * @return the chosen names, in the order of {@code preferred}
     */
    static <K> Map<K, String> unique(Map<K, String> preferred, Function<K, String> fallback) {
        Map<String, Integer> counts = new HashMap<>();
        preferred.values().forEach(n -> counts.merge(n, 1, Integer::sum));
        Map<K, String> chosen = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        for (Map.Entry<K, String> e : preferred.entrySet()) {
            String name = counts.get(e.getValue()) > 1 ? fallback.apply(e.getKey()) : e.getValue();
            String candidate = name;
            for (int i = 2; !taken.add(candidate); i++) {
                candidate = name + "~" + i;
            }
            chosen.put(e.getKey(), candidate);
        }
        return chosen;
    }
}
