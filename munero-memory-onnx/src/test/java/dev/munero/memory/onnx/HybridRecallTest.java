package dev.munero.memory.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.memory.MemoryBank;
import dev.munero.memory.RankingSet;
import dev.munero.memory.SearchResult;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * recall@5 on munero-memory's labelled set (issue 14): full-text (bm25) against hybrid (bm25 and the in-process
 * all-MiniLM-L6-v2 cosine, fused by reciprocal rank fusion), on the same entries. Both numbers are printed for the
 * report (docs/BENCHMARKS.md); hybrid must find at least as much as full-text. Skipped with a message when the
 * model cannot be loaded.
 */
class HybridRecallTest {
    private static OnnxEmbedder embedder;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadTheModel() {
        embedder = OnnxModel.loaded();
    }

    @Test
    void hybridSearchWithTheInProcessModelFindsAtLeastAsManyRelevantEntriesInTheFirstFiveAsFullText()
            throws Exception {
        RankingSet set = RankingSet.load();
        RankingSet.Recall fullText;
        RankingSet.Recall hybrid;
        Path db = dir.resolve("munero.db");
        try (MemoryBank bank = MemoryBank.open(db, Clock.systemUTC(), Optional.of(embedder))) {
            set.fill(bank);
            hybrid = set.recallAt5(bank);
        }
        try (MemoryBank bank = MemoryBank.open(db, Clock.systemUTC())) {
            fullText = set.recallAt5(bank);
        }
        System.out.printf("recall@5 on %d queries over %d entries: full-text %.3f, hybrid (%s) %.3f%n"
                        + "full-text missed: %s%nhybrid missed: %s%n", set.queries(), set.entries(), fullText.recall(),
                embedder.modelId(), hybrid.recall(), fullText.misses(), hybrid.misses());

        assertThat(fullText.modes()).containsExactly(SearchResult.FULL_TEXT);
        assertThat(hybrid.modes()).containsExactly(SearchResult.HYBRID);
        assertThat(hybrid.recall()).as("hybrid recall@5 vs full-text's %s; hybrid missed %s", fullText.recall(),
                hybrid.misses()).isGreaterThanOrEqualTo(fullText.recall());
    }
}
