package dev.munero.memory;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link MemoryBank#importMarkdown} did with each file.
 *
 * @param created   entries that did not exist, written at the file's version
 * @param updated   entries at an older version, replaced by the file's
 * @param unchanged entries already identical to the file
 * @param skipped   files not imported because the database holds a newer version, or a different entry at the
 *                  same version
 */
public record ImportReport(int created, int updated, int unchanged, List<Skipped> skipped) {
    public ImportReport {
        skipped = List.copyOf(skipped);
    }

    /**
     * A file left out: the database's entry wins.
     *
     * @param file          the file, relative to the import directory
     * @param namespace     the entry's namespace
     * @param key           the entry's key
     * @param fileVersion   the version in the file
     * @param storedVersion the version in the database (at least {@code fileVersion})
     * @param reason        {@code newer in the database} or {@code different entry at the same version}
     */
    public record Skipped(Path file, String namespace, String key, long fileVersion, long storedVersion,
                          String reason) {
        public Skipped {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
