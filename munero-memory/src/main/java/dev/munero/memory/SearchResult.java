package dev.munero.memory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link MemoryBank#search} found, best first, and how it ranked them.
 *
 * @param mode {@link #FULL_TEXT} (bm25 only: no embedder is configured) or {@link #HYBRID} (bm25 and cosine
 *             rankings fused)
 * @param hits the hits, best first
 * @param note what the user should know about how they were ranked, e.g. that the embedder failed and the search
 *             fell back to full-text, or that some entries have no embedding yet; empty when there is nothing to say
 */
public record SearchResult(String mode, List<SearchHit> hits, Optional<String> note) {
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
        Objects.requireNonNull(note, "note");
    }

    /** A result without a note. */
    public SearchResult(String mode, List<SearchHit> hits) {
        this(mode, hits, Optional.empty());
    }
}
