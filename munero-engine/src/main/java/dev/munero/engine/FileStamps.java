package dev.munero.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The modification times and sizes of a set of files and directories at one moment, to tell later, by
 * stat alone, whether any of them changed (a directory's modification time changes when an entry is
 * added, removed or renamed). A path whose modification time was within {@link #RACY_MILLIS} of the
 * snapshot is never trusted: the file system's timestamp granularity could hide a later change (Git's
 * "racily clean" rule).
 *
 * <p>Immutable and thread-safe.
 */
public final class FileStamps {
    /** Paths modified this close to the snapshot make it invalid. */
    static final long RACY_MILLIS = 2_000;

    private record Stamp(Path path, long modifiedNanos, long size, boolean exists) {
    }

    private final List<Stamp> stamps;
    private final boolean racy;

    private FileStamps(List<Stamp> stamps, boolean racy) {
        this.stamps = stamps;
        this.racy = racy;
    }

    /** Takes the stamps of {@code paths} now (a missing path is recorded as missing). */
    public static FileStamps take(Collection<Path> paths) {
        long now = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        List<Stamp> stamps = new ArrayList<>(paths.size());
        boolean racy = false;
        for (Path p : paths) {
            Stamp s = stamp(p);
            racy |= s.exists() && s.modifiedNanos() > now - TimeUnit.MILLISECONDS.toNanos(RACY_MILLIS);
            stamps.add(s);
        }
        return new FileStamps(List.copyOf(stamps), racy);
    }

    /** The paths stamped, in the order given to {@link #take}. */
    public List<Path> paths() {
        return stamps.stream().map(Stamp::path).toList();
    }

    /** Whether every path still has the stamp it had, and none was too fresh to trust. */
    public boolean unchanged() {
        if (racy) {
            return false;
        }
        for (Stamp s : stamps) {
            if (!stamp(s.path()).equals(s)) {
                return false;
            }
        }
        return true;
    }

    /**
     * One file's size, modification time (ms) and file key (device and inode), not following a symbolic link, as
     * one string, or {@code "absent"} when it cannot be read: a file kept alongside other state (an npm probe's
     * npmrc files, the saved file hashes) is unchanged while this is. Thread-safe.
     */
    public static String describe(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.size() + ":" + a.lastModifiedTime().toMillis() + ":" + a.fileKey();
        } catch (IOException e) {
            return "absent";
        }
    }

    private static Stamp stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Stamp(p, a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.isDirectory() ? 0 : a.size(), true);
        } catch (NoSuchFileException e) {
            return new Stamp(p, 0, 0, false);
        } catch (IOException e) {
            return new Stamp(p, -1, -1, false); // unreadable now: never equal to a readable stamp
        }
    }
}
