package dev.munero.engine.cache;

import dev.munero.engine.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Content hashes of files, remembered so that a file read by many steps (a lock file, a shared config),
 * or by many builds in the daemon, is hashed once, and kept on disk so that a build in a JVM of its own does
 * not hash again what the previous build hashed (a Maven module's sources, the jars it left): the JVM's
 * SHA-256 runs without its intrinsic in a short-lived, C1-only JVM, about 60 MB/s here. An entry is reused only
 * while the file's size, modification time (ns), status-change time (ns, where the file system has a "unix"
 * attribute view) and file key (device and inode) are unchanged, and only when that modification time is older
 * than the hashing by more than {@link #RACY_MILLIS}: a file written again within the file system's timestamp
 * granularity could otherwise keep its old stamp with new content (Git's "racily clean" rule, see git's
 * Documentation/technical/racy-git.txt). The status-change time cannot be set back by a user's tool, so an
 * edit that restores the old modification time ({@code touch -r}, {@code rsync -t}) is still seen.
 *
 * <p>On disk ({@link #save}, {@link #load}): a text file, {@value #HEADER} then one line per file,
 * {@code <sha256> <size> <mtime ns> <ctime ns> <hashed-at ns> <file key>\t<absolute path>}, written atomically.
 *
 * <p>Thread-safe. Two threads asking for the same new file may both hash it; both get the same answer.
 * Memory: one entry per distinct file hashed (path, stamp, 64-char hash).
 */
public final class FileHashCache {
    private record Stamp(long size, long modifiedNanos, long changedNanos, String fileKey) {
    }

    /** {@code seq}: when it was hashed, in this cache's order (0 for loaded entries), for {@link #save}. */
    private record Entry(Stamp stamp, String sha256, long hashedAtNanos, long seq) {
    }

    /** How much older than the hashing a file's modification time must be for its hash to be reused. */
    static final long RACY_MILLIS = 2_000;
    /** The first line of a saved file. */
    static final String HEADER = "munero-file-hashes 1";
    /** At most this many entries are saved (those of the newest hashing first): about 150 bytes each. */
    static final int SAVED_LIMIT = 200_000;

    private static final boolean UNIX_VIEW = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();
    private final Set<Path> loaded = ConcurrentHashMap.newKeySet();
    private final AtomicLong seq = new AtomicLong();
    /** Per saved-to root, the newest {@code seq} it holds. */
    private final ConcurrentHashMap<Path, Long> savedSeq = new ConcurrentHashMap<>();

    /**
     * The lower-case hex SHA-256 of {@code file}'s content (following symbolic links).
     *
     * @throws IOException when the file cannot be read
     */
    public String sha256(Path file) throws IOException {
        Stamp stamp = stamp(file);
        Entry e = entries.get(file);
        if (e != null && e.stamp().equals(stamp)
                && stamp.modifiedNanos() < e.hashedAtNanos() - TimeUnit.MILLISECONDS.toNanos(RACY_MILLIS)) {
            return e.sha256();
        }
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        String hash = Hashing.sha256(file);
        entries.put(file, new Entry(stamp, hash, now, seq.incrementAndGet()));
        return hash;
    }

    private static Stamp stamp(Path file) throws IOException {
        if (UNIX_VIEW) {
            Map<String, Object> a = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,dev,ino");
            return new Stamp((Long) a.get("size"), ((FileTime) a.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS),
                    ((FileTime) a.get("ctime")).to(TimeUnit.NANOSECONDS), a.get("dev") + ":" + a.get("ino"));
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new Stamp(a.size(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), -1, String.valueOf(a.fileKey()).replace(' ', '_'));
    }

    /**
     * Adds the entries {@link #save} left in {@code file}, once per file for this cache's lifetime; entries this
     * cache already has win. A missing file, or one in another format, adds nothing; a malformed line is skipped.
     * Nothing loaded is trusted beyond what {@link #sha256} checks: the stamp and the racy rule.
     */
    public void load(Path file) {
        if (!loaded.add(file.toAbsolutePath().normalize())) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            return; // no file yet (a first build), or unreadable: everything is hashed, as without one
        }
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            return;
        }
        for (String line : lines.subList(1, lines.size())) {
            int tab = line.indexOf('\t');
            String[] f = tab < 0 ? new String[0] : line.substring(0, tab).split(" ");
            if (f.length != 6 || f[0].length() != 64) {
                continue;
            }
            try {
                Stamp stamp = new Stamp(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[5]);
                entries.putIfAbsent(Path.of(line.substring(tab + 1)), new Entry(stamp, f[0], Long.parseLong(f[4]), 0));
            } catch (NumberFormatException | java.nio.file.InvalidPathException e) {
                // a damaged line: that file is hashed again
            }
        }
    }

    /**
     * Writes the entries of files below {@code root} to {@code file} (temp file, then rename), when a file below
     * {@code root} was hashed since this cache was made or last saved for {@code root}; the newest
     * {@value #SAVED_LIMIT} are kept.
     *
     * @return whether the file was written
     * @throws IOException when it cannot be written (the previous file, if any, is left as it was)
     */
    public boolean save(Path file, Path root) throws IOException {
        Path under = root.toAbsolutePath().normalize();
        long before = savedSeq.getOrDefault(under, 0L);
        long newest = before;
        List<Map.Entry<Path, Entry>> kept = new ArrayList<>();
        for (Map.Entry<Path, Entry> e : entries.entrySet()) {
            String path = e.getKey().toString();
            if (e.getKey().startsWith(under) && path.indexOf('\n') < 0 && path.indexOf('\r') < 0) {
                kept.add(e);
                newest = Math.max(newest, e.getValue().seq());
            }
        }
        if (newest == before) {
            return false;
        }
        if (kept.size() > SAVED_LIMIT) {
            kept.sort(Comparator.comparingLong((Map.Entry<Path, Entry> e) -> e.getValue().hashedAtNanos()).reversed());
            kept = kept.subList(0, SAVED_LIMIT);
        }
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Map.Entry<Path, Entry> e : kept) {
            Entry v = e.getValue();
            Stamp st = v.stamp();
            out.append(v.sha256()).append(' ').append(st.size()).append(' ').append(st.modifiedNanos()).append(' ')
                    .append(st.changedNanos()).append(' ').append(v.hashedAtNanos()).append(' ').append(st.fileKey())
                    .append('\t').append(e.getKey()).append('\n');
        }
        Files.createDirectories(file.getParent());
        AtomicFiles.write(file, out.toString().getBytes(StandardCharsets.UTF_8));
        savedSeq.merge(under, newest, Math::max);
        return true;
    }

    /** Whether {@code file} is a symbolic link whose target does not exist. */
    public static boolean isDanglingLink(Path file) {
        return Files.isSymbolicLink(file) && !Files.exists(file);
    }
}
