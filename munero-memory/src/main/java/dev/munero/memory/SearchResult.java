package dev.munero.memory;

import java.util.List;
import java.util.Objects;

/**
 * What {@link MemoryBank#search} found, best first, and how it ranked them.
 *
 * @param mode {@link #FULL_TEXT} (bm25 only: no embedder is configured) or {@link #HYBRID} (bm25 and cosine
 *             rankings fused)
 * @param hits the hits, best first
 */
public record SearchResult(String mode, List<SearchHit> hits) {
    /** Ranked by FTS5 bm25 alone. */
    public static final String FULL_TEXT = "full-text";
    /** Ranked by reciprocal rank fusion of bm25 and cosine similarity. */
    public static final String HYBRID = "hybrid";

    public SearchResult {
        Objects.requireNonNull(mode, "mode");
        if (!mode.equals(FULL_TEXT) && !mode.equals(HYBRID)) {
            throw new IllegalArgumentException("search mode '" + mode + "' is not full-text or hybrid");
        }
        hits = List.copyOf(hits);
    }
}
