package dev.munero.memory;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link MemoryBank#exportMarkdown} wrote.
 *
 * @param directory the export directory
 * @param files     the files written (one per entry), relative to {@code directory}, in the order of the entries
 *                  (namespace, then key)
 */
public record ExportReport(Path directory, List<Path> files) {
    public ExportReport {
        Objects.requireNonNull(directory, "directory");
        files = List.copyOf(files);
    }
}
