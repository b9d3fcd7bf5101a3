package dev.munero.memory;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A Markdown entry file that {@link MemoryBank#importMarkdown} cannot read: no front matter, bad YAML, a missing or
 * invalid field. The message names the file (and the line when known) and what to fix; nothing of the import was
 * written.
 */
public final class MemoryFileException extends Exception {
    private final Path file;

    public MemoryFileException(Path file, String message) {
        super(Objects.requireNonNull(file, "file") + ": " + message);
        this.file = file;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }
}
