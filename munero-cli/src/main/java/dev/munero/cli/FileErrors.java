package dev.munero.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Says in words why a file the user named cannot be read. The JDK's {@link NoSuchFileException} carries only the
 * path, so {@code "cannot read " + file + ": " + e.getMessage()} printed the path twice (issue 11.11).
 */
final class FileErrors {
    private FileErrors() {
    }

    /** {@code "no such file"}, {@code "permission denied"}, {@code "it is a directory"}, or the JDK's reason. */
    static String reason(IOException e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file";
            case AccessDeniedException a -> "permission denied";
            case FileSystemException f when f.getReason() != null -> f.getReason();
            case FileSystemException f -> f.getClass().getSimpleName();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    /**
     * Reads {@code file} as UTF-8.
     *
     * @param what what the file is to the user, e.g. {@code "the spec"}
     * @throws IllegalArgumentException {@code "cannot read WHAT FILE: REASON"} when it cannot be read
     */
    static String read(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": it is a directory");
        }
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + reason(e));
        }
    }

    /**
     * Checks that {@code file} is a readable regular file.
     *
     * @throws IllegalArgumentException {@code "cannot read WHAT FILE: REASON"} otherwise
     */
    static Path readable(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": it is a directory");
        }
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": permission denied");
        }
        return file;
    }
}
