package dev.munero.memory.embed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and
 * individual Rank Learning Methods", SIGIR 2009): an item's fused score is the sum over the rankings it appears in
 * of {@code 1 / (k + rank)}, rank 1-based, with {@code k = 60} as in the paper. Only ranks matter, so bm25 scores
 * and cosine similarities, which are on different scales, need no normalising. Stateless.
 */
public final class ReciprocalRankFusion {
    /** The paper's constant. */
    public static final int K = 60;

    private ReciprocalRankFusion() {
    }

    /**
     * Fuses rankings.
     *
     * @param rankings each a list of distinct ids, best first
     * @return every id of any ranking with its fused score, best first; ties keep the order in which the ids first
     *         appear (the first ranking's order first)
     */
    public static <T> List<Map.Entry<T, Double>> fuse(List<List<T>> rankings) {
        Map<T, Double> scores = new LinkedHashMap<>();
        for (List<T> ranking : rankings) {
            for (int i = 0; i < ranking.size(); i++) {
                scores.merge(ranking.get(i), 1.0 / (K + i + 1), Double::sum);
            }
        }
        Map<T, Integer> firstSeen = new HashMap<>();
        scores.keySet().forEach(id -> firstSeen.put(id, firstSeen.size()));
        List<Map.Entry<T, Double>> fused = new ArrayList<>(scores.entrySet());
        fused.sort(Comparator.<Map.Entry<T, Double>>comparingDouble(Map.Entry::getValue).reversed()
                .thenComparing(e -> firstSeen.get(e.getKey())));
        return fused;
    }
}
