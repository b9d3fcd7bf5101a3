package dev.munero.engine.cache;

import java.util.List;

/**
 * A stored step result (the "action cache" record): the outputs' content hashes and the log's.
 * Stored as JSON at {@code <cache>/ac/<key[0..2]>/<key>.json}; blobs live in {@code <cache>/cas/}.
 *
 * @param key            the cache key (= {@code fingerprint.key()})
 * @param fingerprint    what the key was computed from, kept for {@code --explain}
 * @param outputs        the output files, repository-relative, sorted by path
 * @param logSha256      SHA-256 of the step's captured output
 * @param logBytes       size of that output in bytes
 * @param durationMillis how long the step ran when it was stored
 * @param createdAt      ISO-8601 instant of storing
 */
public record CacheEntry(String key, Fingerprint fingerprint, List<OutputFile> outputs, String logSha256,
                         long logBytes, long durationMillis, String createdAt) {
    public CacheEntry {
        outputs = List.copyOf(outputs);
    }

    /**
     * One stored output file.
     *
     * @param path       repository-relative path with {@code /} separators
     * @param sha256     SHA-256 of the content
     * @param bytes      size in bytes
     * @param executable whether the owner-execute bit was set
     */
    public record OutputFile(String path, String sha256, long bytes, boolean executable) {
    }
}
