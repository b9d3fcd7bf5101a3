package dev.munero.memory;

import dev.munero.llm.ProviderException;
import dev.munero.memory.embed.ReciprocalRankFusion;
import dev.munero.memory.embed.VectorIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The memory bank's hybrid search and its embedding upkeep, for a bank opened with an embedder.
 *
 * <p>Search: entries that have no vector of the embedder's model yet (written while the embedder failed, imported,
 * migrated lessons) are embedded first, up to {@value #BACKFILL} per search in one request; then the query is
 * embedded, the bm25 ranking and the cosine ranking (each the best {@code max(4 × limit, 50)} entries the filter
 * selects) are fused by {@link ReciprocalRankFusion}, and the best {@code limit} returned with all three scores.
 * When the query cannot be embedded, the search is the full-text one, with a note that says why; entries still
 * without a vector are found only by bm25, and the note says how many there are.
 *
 * <p>Network calls run without the bank's lock; SQL runs with it ({@link MemoryBank#withConnection}).
 */
final class HybridSearch {
    /** The most entries embedded during one search or put. */
    static final int BACKFILL = 256;

    private HybridSearch() {
    }

    /**
     * Embeds and stores the vectors of these entries (or, with no ids, of up to {@value #BACKFILL} entries that
     * lack one).
     *
     * @return empty, or why embedding failed (the entries are stored all the same)
     */
    static Optional<String> embedQuietly(MemoryBank bank, VectorIndex index, List<Long> ids) {
        List<VectorIndex.Pending> pending = bank.withConnection("find memory entries to embed", false,
                c -> index.missing(c, ids, BACKFILL));
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        List<float[]> vectors;
        try {
            vectors = index.embed(pending);
        } catch (ProviderException e) {
            return Optional.of(e.getMessage());
        }
        bank.withConnection("store memory vectors", true, c -> index.store(c, pending, vectors));
        return Optional.empty();
    }

    static SearchResult search(MemoryBank bank, VectorIndex index, String query, Filter filter, int limit) {
        if (query.isBlank()) {
            return new SearchResult(SearchResult.FULL_TEXT, List.of()); // as without an embedder: nothing to find
        }
        Optional<String> backfillProblem = embedQuietly(bank, index, List.of());
        int pool = Math.min(MemoryBank.MAX_LIMIT, Math.max(4 * limit, 50));
        List<SearchHit> bm25 = bank.fullText(query, filter, pool);
        String model = index.embedder().modelId();
        float[] queryVector;
        try {
            queryVector = index.embedder().embed(List.of(query)).getFirst();
        } catch (ProviderException e) {
            return new SearchResult(SearchResult.FULL_TEXT, bm25.subList(0, Math.min(limit, bm25.size())),
                    Optional.of("ranked by full-text only: the query could not be embedded: " + e.getMessage()));
        }
        List<Object> args = new ArrayList<>();
        String where = MemoryBank.where(filter, args);
        List<VectorIndex.Scored> nearest = bank.withConnection("rank memory entries by cosine", false,
                c -> index.nearest(c, queryVector, where, args, pool));
        long missing = bank.withConnection("count memory entries without a vector", false, index::missingCount);

        Map<Long, SearchHit> byBm25 = new HashMap<>();
        List<Long> bm25Ids = new ArrayList<>();
        for (SearchHit hit : bm25) {
            byBm25.put(hit.entry().id(), hit);
            bm25Ids.add(hit.entry().id());
        }
        Map<Long, Double> cosine = new HashMap<>();
        List<Long> cosineIds = new ArrayList<>();
        for (VectorIndex.Scored s : nearest) {
            cosine.put(s.entryId(), s.cosine());
            cosineIds.add(s.entryId());
        }
        List<Map.Entry<Long, Double>> fused = ReciprocalRankFusion.fuse(List.of(bm25Ids, cosineIds));
        fused = fused.subList(0, Math.min(limit, fused.size()));
        List<Long> toLoad = fused.stream().map(Map.Entry::getKey).filter(id -> !byBm25.containsKey(id)).toList();
        Map<Long, Entry> loaded = new HashMap<>();
        bank.entriesById(toLoad).forEach(e -> loaded.put(e.id(), e));
        List<SearchHit> hits = new ArrayList<>();
        for (Map.Entry<Long, Double> f : fused) {
            SearchHit textHit = byBm25.get(f.getKey());
            Entry entry = textHit != null ? textHit.entry() : loaded.get(f.getKey());
            if (entry == null) {
                continue; // deleted between the ranking and the load
            }
            Double cos = cosine.get(f.getKey());
            hits.add(new SearchHit(entry, textHit == null ? 0 : textHit.bm25(),
                    cos == null ? OptionalDouble.empty() : OptionalDouble.of(cos), OptionalDouble.of(f.getValue())));
        }
        Optional<String> note = Optional.empty();
        if (missing > 0) {
            note = Optional.of(missing + (missing == 1 ? " entry has" : " entries have") + " no embedding from "
                    + model + " yet and " + (missing == 1 ? "is" : "are") + " ranked by full-text only"
                    + backfillProblem.map(p -> " (embedding failed: " + p + ")").orElse(""));
        }
        return new SearchResult(SearchResult.HYBRID, hits, note);
    }
}
