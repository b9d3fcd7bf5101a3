package dev.munero.memory;

import java.util.List;

/**
 * Which entries {@link MemoryBank#list} and {@link MemoryBank#search} consider: all conditions must hold.
 *
 * @param namespace the namespace, or {@code null} for every namespace
 * @param kind      the kind, or {@code null} for every kind
 * @param tags      tags the entry must all carry (empty: no condition)
 */
public record Filter(String namespace, String kind, List<String> tags) {
    /** Every entry. */
    public static final Filter ALL = new Filter(null, null, List.of());

    public Filter {
        if (namespace != null) {
            PutRequest.checkNamespace(namespace);
        }
        tags = PutRequest.normalizedTags(tags == null ? List.of() : tags);
    }

    /** Entries of {@code namespace}. */
    public static Filter namespace(String namespace) {
        return new Filter(namespace, null, List.of());
    }

    /** This filter restricted to {@code newKind} ({@code null}: any kind). */
    public Filter withKind(String newKind) {
        return new Filter(namespace, newKind, tags);
    }

    /** This filter restricted to entries carrying all of {@code newTags}. */
    public Filter withTags(List<String> newTags) {
        return new Filter(namespace, kind, newTags);
    }
}
