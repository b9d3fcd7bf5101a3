package dev.munero.memory;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts over a memory bank ({@link MemoryBank#stats}).
 *
 * @param entries     the number of entries
 * @param valueChars  the total length of their values, in characters
 * @param byNamespace entries per namespace, sorted by namespace
 * @param byKind      entries per kind, sorted by kind
 * @param vectors     stored embeddings (rows of {@code memory_vectors}, any model)
 * @param searchMode  the mode {@link MemoryBank#search} answers in now: {@link SearchResult#FULL_TEXT} or
 *                    {@link SearchResult#HYBRID}
 */
public record MemoryStats(long entries, long valueChars, SortedMap<String, Long> byNamespace,
                          SortedMap<String, Long> byKind, long vectors, String searchMode) {
    public MemoryStats {
        byNamespace = copy(byNamespace);
        byKind = copy(byKind);
        Objects.requireNonNull(searchMode, "searchMode");
    }

    private static SortedMap<String, Long> copy(Map<String, Long> counts) {
        return java.util.Collections.unmodifiableSortedMap(new TreeMap<>(counts));
    }
}
