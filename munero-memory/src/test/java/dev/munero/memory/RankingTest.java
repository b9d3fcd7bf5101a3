package dev.munero.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Full-text ranking on the labelled set in {@code ranking-set.json} (issue 14): recall@5 is the share of a query's
 * relevant entries among its first 5 hits, averaged over the queries. The number is printed for the report; the
 * test holds it above a floor so a ranking change that loses relevant entries fails.
 */
class RankingTest {
    @TempDir
    Path dir;

    @Test
    void fullTextFindsTheRelevantEntriesInTheFirstFive() throws Exception {
        JsonNode set;
        try (InputStream in = RankingTest.class.getResourceAsStream("ranking-set.json")) {
            set = MemoryBank.JSON.readTree(in);
        }
        try (MemoryBank bank = MemoryBank.open(dir.resolve("munero.db"), Clock.systemUTC())) {
            for (JsonNode e : set.get("entries")) {
                List<String> tags = new ArrayList<>();
                e.get("tags").forEach(t -> tags.add(t.asString()));
                bank.put(new PutRequest("project", e.get("key").asString(), e.get("kind").asString(),
                        e.get("value").asString(), ValueType.TEXT, tags, Author.NONE, PutRequest.ABSENT));
            }
            double sum = 0;
            int queries = 0;
            List<String> misses = new ArrayList<>();
            for (JsonNode q : set.get("queries")) {
                String query = q.get("query").asString();
                List<String> top = bank.search(query, Filter.ALL, 5).hits().stream()
                        .map(h -> h.entry().key()).toList();
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
                queries++;
            }
            double recallAt5 = sum / queries;
            System.out.printf("full-text recall@5 on %d queries over %d entries: %.3f%nmissed: %s%n", queries,
                    set.get("entries").size(), recallAt5, misses);
            assertThat(recallAt5).as("recall@5; missed: %s", misses).isGreaterThanOrEqualTo(0.8);
        }
    }
}
