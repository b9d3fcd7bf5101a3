package dev.munero.engine.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Content hashes of files, remembered for one build so that a file read by many steps (a lock file, a
 * shared config) is hashed once. An entry is reused only while the file's size, modification time (ns)
 * and file key (inode) are unchanged, so a file rewritten by a step during the build is hashed again.
 *
 * <p>Thread-safe. Two threads asking for the same new file may both hash it; both get the same answer.
 */
public final class FileHashCache {
    private record Stamp(long size, long modifiedNanos, Object fileKey) {
    }

    private record Entry(Stamp stamp, String sha256) {
    }

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();

    /**
     * The lower-case hex SHA-256 of {@code file}'s content (following symbolic links).
     *
     * @throws IOException when the file cannot be read
     */
    public String sha256(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        Stamp stamp = new Stamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.fileKey());
        Entry e = entries.get(file);
        if (e != null && e.stamp().equals(stamp)) {
            return e.sha256();
        }
        String hash = Hashing.sha256(file);
        entries.put(file, new Entry(stamp, hash));
        return hash;
    }

    /** Whether {@code file} is a symbolic link whose target does not exist. */
    public static boolean isDanglingLink(Path file) {
        return Files.isSymbolicLink(file) && !Files.exists(file);
    }
}
