package dev.munero.engine.cache;

import dev.munero.engine.AtomicFiles;
import dev.munero.engine.FileStamps;
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
import java.util.function.LongSupplier;

/**
 * Content hashes of files, remembered so that a file read by many steps (a lock file, a shared config),
 * or by many builds in the daemon, is hashed once, and kept on disk so that a build in a JVM of its own does
 * not hash again what the previous build hashed (a Maven module's sources, the jars it left): the JVM's
 * SHA-256 runs without its intrinsic in a short-lived, C1-only JVM, about 60 MB/s here. An entry is reused only
 * while the file's size, modification time (ns), status-change time (ns, where the file system has a "unix"
 * attribute view) and file key (device and inode) are unchanged, and only when the later of the two times is
 * older than the hashing by more than {@link #RACY_MILLIS}: a file written again within the file system's
 * timestamp granularity could otherwise keep its old stamp with new content (Git's "racily clean" rule, see git's
 * Documentation/technical/racy-git.txt). The status-change time cannot be set back by a user's tool, so an
 * edit that restores the old modification time ({@code touch -r}, {@code rsync -t}) is still seen. Times of
 * hashing follow the file system's clock where the JVM's is ahead ({@link #calibrate}). Nothing is kept on disk
 * without a "unix" attribute view (Windows), whose stamps have no status-change time, nor on a file system not
 * known to keep a real one ({@link #REAL_CTIME}).
 *
 * <p>On disk ({@link #save}, {@link #load}): a text file, {@value #HEADER} then one line per file,
 * {@code <sha256> <size> <mtime ns> <ctime ns> <hashed-at ns> <file key>\t<absolute path>}, written atomically.
 *
 * <p>Thread-safe. Two threads asking for the same new file may both hash it; both get the same answer.
 * Memory: one entry per distinct file hashed (path, stamp, 64-char hash).
 */
public final class FileHashCache {
    private record Stamp(long size, long modifiedNanos, long changedNanos, String fileKey) {
        /** The newest of the two times: a stamp is only as old as the last change of either. */
        long latestNanos() {
            return Math.max(modifiedNanos, changedNanos);
        }
    }

    /** {@code seq}: when it was hashed, in this cache's order (0 for loaded entries), for {@link #save}. */
    private record Entry(Stamp stamp, String sha256, long hashedAtNanos, long seq) {
    }

    /** How much older than the hashing a file's modification time must be for its hash to be reused. */
    static final long RACY_MILLIS = 2_000;
    /** The first line of a saved file. */
    static final String HEADER = "munero-file-hashes 1";
    /** At most this many entries are saved (those of the newest hashing first): about 260 bytes each. */
    static final int SAVED_LIMIT = 50_000;

    private static final boolean UNIX_VIEW = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
    /**
     * File systems whose ctime is a status-change time the kernel keeps (Linux {@code /proc/mounts} names, macOS's
     * {@code apfs}/{@code hfs}). Others, such as FAT (its ctime is the creation time), sshfs and other FUSE mounts
     * (ctime copied from mtime) or network file systems, keep no hashes on disk.
     */
    private static final Set<String> REAL_CTIME = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs", "zfs",
            "overlay", "f2fs", "bcachefs", "apfs", "hfs");

    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();
    /** Per saved file, whether hashes may be kept there ({@link #keepsHashes}), asked once. */
    private final ConcurrentHashMap<Path, Boolean> keeps = new ConcurrentHashMap<>();
    private final Set<Path> loaded = ConcurrentHashMap.newKeySet();
    /** Per saved file, its stamp when this cache last read or wrote it: another process's save changes it. */
    private final ConcurrentHashMap<Path, String> seen = new ConcurrentHashMap<>();
    private final LongSupplier clockNanos;
    /** How far the JVM's clock is ahead of the file system's (ns, 0 when behind or not known): see {@link #calibrate}. */
    private volatile long skewNanos;
    private final AtomicLong seq = new AtomicLong();
    /** Per saved-to root, the newest {@code seq} it holds. */
    private final ConcurrentHashMap<Path, Long> savedSeq = new ConcurrentHashMap<>();

    /** A cache that takes the time of each hashing from the JVM's wall clock. */
    public FileHashCache() {
        this(() -> TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis()));
    }

    /**
     * A cache that takes the time of each hashing from {@code clockNanos} (ns since the epoch); a test passes a
     * clock ahead of the file system's to stand for a hashing long after the files were written.
     */
    public FileHashCache(LongSupplier clockNanos) {
        this.clockNanos = clockNanos;
    }

    /**
     * Aligns the time of hashing with the file system's clock, which stamps the files: {@code fileSystemNow} is the
     * modification time of a file just created. When the JVM's clock is ahead (a network or shared-folder file
     * system, a drifting VM), hashings count from the file system's time instead, so the racy rule keeps its 2 s.
     */
    public void calibrate(FileTime fileSystemNow) {
        if (fileSystemNow != null) {
            skewNanos = Math.max(0, clockNanos.getAsLong() - fileSystemNow.to(TimeUnit.NANOSECONDS));
        }
    }

    /**
     * The lower-case hex SHA-256 of {@code file}'s content (following symbolic links).
     *
     * @throws IOException when the file cannot be read
     */
    public String sha256(Path file) throws IOException {
        Stamp stamp = stamp(file);
        Entry e = entries.get(file);
        if (e != null && e.stamp().equals(stamp) && trusted(e)) {
            return e.sha256();
        }
        long now = clockNanos.getAsLong() - skewNanos;
        String hash = Hashing.sha256(file);
        Entry fresh = new Entry(stamp, hash, now, e == null ? 0 : e.seq());
        // a rehash that changes nothing kept (a file still written too recently, or dated in the future) is not
        // a reason to write the file again
        boolean news = e == null || !e.stamp().equals(stamp) || !e.sha256().equals(hash) || trusted(fresh);
        entries.put(file, news ? new Entry(stamp, hash, now, seq.incrementAndGet()) : fresh);
        return hash;
    }

    /** Git's racy rule: the file's last modification or status change is older than its hashing by {@link #RACY_MILLIS}. */
    private static boolean trusted(Entry e) {
        return e.stamp().latestNanos() < e.hashedAtNanos() - TimeUnit.MILLISECONDS.toNanos(RACY_MILLIS);
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
     * Nothing loaded is trusted beyond what {@link #sha256} checks: the stamp and the racy rule. Without a "unix"
     * attribute view (Windows) nothing is loaded: a stamp of size and modification time alone is not enough
     * between processes (unzip, robocopy and npm put files back with old modification times).
     */
    public void load(Path file) {
        if (!keepsHashes(file) || !loaded.add(file.toAbsolutePath().normalize())) {
            return;
        }
        merge(file);
    }

    /** Adds the file's entries this cache does not have, and notes the file's stamp as the one seen. */
    private void merge(Path file) {
        seen.put(file.toAbsolutePath().normalize(), FileStamps.describe(file));
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
     * {@value #SAVED_LIMIT} are kept. Paths that would not read back as the same path (a newline, bytes the
     * platform's file name encoding cannot represent) are left out. Without a "unix" attribute view, nothing is
     * written (see {@link #load}).
     *
     * @return whether the file was written
     * @throws IOException when it cannot be written (the previous file, if any, is left as it was)
     */
    public boolean save(Path file, Path root) throws IOException {
        if (!keepsHashes(file)) {
            return false;
        }
        Path at = file.toAbsolutePath().normalize();
        if (seen.containsKey(at) && !FileStamps.describe(file).equals(seen.get(at))) {
            merge(file); // a build in another process saved since (the daemon loads once): keep what it hashed
        }
        Path under = root.toAbsolutePath().normalize();
        long before = savedSeq.getOrDefault(under, 0L);
        long newest = before;
        List<Map.Entry<Path, Entry>> kept = new ArrayList<>();
        for (Map.Entry<Path, Entry> e : entries.entrySet()) {
            String path = e.getKey().toString();
            if (e.getKey().startsWith(under) && path.indexOf('\n') < 0 && path.indexOf('\r') < 0 && readsBack(e.getKey())) {
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
        seen.put(at, FileStamps.describe(file));
        savedSeq.merge(under, newest, Math::max);
        return true;
    }

    /**
     * Whether hashes may be loaded from and saved to {@code file}: the platform has a "unix" attribute view and the
     * file's folder is on a file system that keeps a real ctime. Asked of the file system once per file (it reads
     * the mount table).
     */
    private boolean keepsHashes(Path file) {
        return UNIX_VIEW && keeps.computeIfAbsent(file.toAbsolutePath().normalize(), FileHashCache::realCtime);
    }

    /** Whether the file system holding {@code path} (or its nearest existing ancestor) is one of {@link #REAL_CTIME}. */
    public static boolean realCtime(Path path) {
        for (Path p = path.toAbsolutePath(); p != null; p = p.getParent()) {
            try {
                return hasRealCtime(Files.getFileStore(p).type());
            } catch (IOException e) {
                // not there (yet): ask its parent
            }
        }
        return false;
    }

    /** Whether a file system of this type ({@link java.nio.file.FileStore#type()}) keeps a real ctime. */
    static boolean hasRealCtime(String type) {
        return REAL_CTIME.contains(type);
    }

    private static boolean readsBack(Path p) {
        try {
            return Path.of(p.toString()).equals(p);
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** Whether {@code file} is a symbolic link whose target does not exist. */
    public static boolean isDanglingLink(Path file) {
        return Files.isSymbolicLink(file) && !Files.exists(file);
    }
}
