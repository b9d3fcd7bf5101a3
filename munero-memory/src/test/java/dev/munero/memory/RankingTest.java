package dev.munero.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full-text ranking on the labelled set ({@link RankingSet}, issue 14). The number is printed for the report; the
 * test holds it above a floor so a ranking change that loses relevant entries fails. The hybrid figure with the
 * in-process model is munero-memory-onnx's {@code HybridRecallTest}.
 */
class RankingTest {
    @TempDir
    Path dir;

    @Test
    void fullTextFindsTheRelevantEntriesInTheFirstFive() throws Exception {
        RankingSet set = RankingSet.load();
        try (MemoryBank bank = MemoryBank.open(dir.resolve("munero.db"), Clock.systemUTC())) {
            set.fill(bank);
            RankingSet.Recall recall = set.recallAt5(bank);
            System.out.printf("full-text recall@5 on %d queries over %d entries: %.3f%nmissed: %s%n", set.queries(),
                    set.entries(), recall.recall(), recall.misses());
            assertThat(recall.modes()).containsExactly(SearchResult.FULL_TEXT);
            assertThat(recall.recall()).as("recall@5; missed: %s", recall.misses()).isGreaterThanOrEqualTo(0.8);
        }
    }
}
