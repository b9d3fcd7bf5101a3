package dev.munero.engine.graph;

import java.util.Collection;
import java.util.Comparator;

/** "Did you mean" suggestions for mistyped step names. */
final class Names {
    private Names() {
    }

    /** {@code " (did you mean 'x'?)"} for the closest name within edit distance 3, else "". */
    static String suggest(String wrong, Collection<String> known) {
        return known.stream()
                .map(k -> java.util.Map.entry(k, distance(wrong, k)))
                .filter(e -> e.getValue() <= Math.max(1, Math.min(3, wrong.length() / 3)))
                .min(Comparator.comparingInt(java.util.Map.Entry<String, Integer>::getValue)
                        .thenComparing(java.util.Map.Entry::getKey))
                .map(e -> " (did you mean '" + e.getKey() + "'?)")
                .orElse("");
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
