package dev.munero.memory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The labelled set in {@code ranking-set.json} (issue 14): entries of the kind a build manager's agents store, and
 * queries written in other words than the entries, each with the keys a reader wants in the top 5. recall@5 is the
 * share of a query's relevant entries among its first 5 hits, averaged over the queries. Shared by munero-memory's
 * full-text {@code RankingTest} and munero-memory-onnx's hybrid comparison (through the test-jar).
 */
public final class RankingSet {
    private final JsonNode set;

    private RankingSet(JsonNode set) {
        this.set = set;
    }

    /** The set shipped in munero-memory's test resources. */
    public static RankingSet load() {
        try (InputStream in = RankingSet.class.getResourceAsStream("ranking-set.json")) {
            return new RankingSet(MemoryBank.JSON.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int entries() {
        return set.get("entries").size();
    }

    public int queries() {
        return set.get("queries").size();
    }

    /** Puts every entry into {@code bank}'s namespace {@code project}, create-only. */
    public void fill(MemoryBank bank) throws StaleVersionException {
        for (JsonNode e : set.get("entries")) {
            List<String> tags = new ArrayList<>();
            e.get("tags").forEach(t -> tags.add(t.asString()));
            bank.put(new PutRequest("project", e.get("key").asString(), e.get("kind").asString(),
                    e.get("value").asString(), ValueType.TEXT, tags, Author.NONE, PutRequest.ABSENT));
        }
    }

    /**
     * recall@5 of {@code bank}'s search over the set's queries.
     *
     * @param recall the average share of relevant keys in the top 5, 0 to 1
     * @param modes  the search modes the queries got ({@code full-text}, {@code hybrid})
     * @param misses one line per relevant key not in its query's top 5
     */
    public record Recall(double recall, List<String> modes, List<String> misses) {
    }

    public Recall recallAt5(MemoryBank bank) {
        double sum = 0;
        List<String> modes = new ArrayList<>();
        List<String> misses = new ArrayList<>();
        for (JsonNode q : set.get("queries")) {
            String query = q.get("query").asString();
            SearchResult result = bank.search(query, Filter.ALL, 5);
            if (!modes.contains(result.mode())) {
                modes.add(result.mode());
            }
            List<String> top = result.hits().stream().map(h -> h.entry().key()).toList();
            int relevant = 0;
            int found = 0;
            for (JsonNode r : q.get("relevant")) {
                relevant++;
                if (top.contains(r.asString())) {
                    found++;
                } else {
                    misses.add(query + " -> " + r.asString() + " (top 5: " + top + ")");
                }
            }
            sum += (double) found / relevant;
        }
        return new Recall(sum / queries(), modes, misses);
    }
}
