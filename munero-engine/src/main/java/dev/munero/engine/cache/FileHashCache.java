package dev.munero.engine.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Content hashes of files, remembered so that a file read by many steps (a lock file, a shared config),
 * or by many builds in the daemon, is hashed once. An entry is reused only while the file's size,
 * modification time (ns) and file key (inode) are unchanged, and only when that modification time is
 * older than the hashing by more than {@link #RACY_MILLIS}: a file written again within the file
 * system's timestamp granularity could otherwise keep its old stamp with new content (Git's "racily
 * clean" rule, see git's Documentation/technical/racy-git.txt).
 *
 * <p>Thread-safe. Two threads asking for the same new file may both hash it; both get the same answer.
 * Memory: one entry per distinct file hashed (path, stamp, 64-char hash).
 */
public final class FileHashCache {
    private record Stamp(long size, long modifiedNanos, Object fileKey) {
    }

    private record Entry(Stamp stamp, String sha256, long hashedAtNanos) {
    }

    /** How much older than the hashing a file's modification time must be for its hash to be reused. */
    static final long RACY_MILLIS = 2_000;

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
        if (e != null && e.stamp().equals(stamp)
                && stamp.modifiedNanos() < e.hashedAtNanos() - TimeUnit.MILLISECONDS.toNanos(RACY_MILLIS)) {
            return e.sha256();
        }
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        String hash = Hashing.sha256(file);
        entries.put(file, new Entry(stamp, hash, now));
        return hash;
    }

    /** Whether {@code file} is a symbolic link whose target does not exist. */
    public static boolean isDanglingLink(Path file) {
        return Files.isSymbolicLink(file) && !Files.exists(file);
    }
}
