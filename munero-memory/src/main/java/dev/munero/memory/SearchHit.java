package dev.munero.memory;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One entry found by {@link MemoryBank#search}, with the scores that ranked it. Higher scores are better for all.
 *
 * @param entry  the entry
 * @param bm25   its full-text relevance: SQLite FTS5's {@code bm25()} negated (FTS5 returns lower-is-better values;
 *               https://sqlite.org/fts5.html#the_bm25_function), so higher is better; 0 when only the vector ranking
 *               found it (hybrid mode)
 * @param cosine the cosine similarity of the query's and the entry's embeddings, -1 to 1; empty in full-text mode
 * @param fused  the reciprocal-rank-fusion score of the two rankings; empty in full-text mode
 */
public record SearchHit(Entry entry, double bm25, OptionalDouble cosine, OptionalDouble fused) {
    public SearchHit {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(cosine, "cosine");
        Objects.requireNonNull(fused, "fused");
    }

    /** A full-text hit. */
    public static SearchHit fullText(Entry entry, double bm25) {
        return new SearchHit(entry, bm25, OptionalDouble.empty(), OptionalDouble.empty());
    }
}
