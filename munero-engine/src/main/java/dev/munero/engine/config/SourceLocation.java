package dev.munero.engine.config;

import java.nio.file.Path;

/**
 * A place in a file, for error messages: {@code file:line:column}, both 1-based.
 *
 * @param file   the file, as given to the loader
 * @param line   1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 */
public record SourceLocation(Path file, int line, int column) {
    @Override
    public String toString() {
        if (line <= 0) {
            return file.toString();
        }
        return column <= 0 ? file + ":" + line : file + ":" + line + ":" + column;
    }
}
