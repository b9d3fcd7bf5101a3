package dev.munero.engine;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that readers see the old content or the new, never half of it: the bytes go to a
 * temporary file in the same directory, which is then renamed over the target (atomically where the
 * file system supports it). Thread-safe: each call uses its own temporary file.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Replaces {@code file} with {@code bytes}, creating its directory when missing.
     *
     * @throws IOException when the directory cannot be written; the target is then unchanged
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        write(file, bytes, null);
    }

    /**
     * Replaces {@code file} with {@code bytes}, creating its directory when missing, the new file dated
     * {@code modified} (set before the rename, so the file is never seen with another date).
     *
     * @param modified the modification time to give the file; null for the time of writing
     * @throws IOException when the directory cannot be written; the target is then unchanged
     */
    public static void write(Path file, byte[] bytes, java.nio.file.attribute.FileTime modified) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            if (modified != null) {
                Files.setLastModifiedTime(tmp, modified);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
