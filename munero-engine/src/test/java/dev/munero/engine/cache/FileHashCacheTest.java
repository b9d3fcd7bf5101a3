package dev.munero.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 (performance): a build in a JVM of its own reuses the hashes the previous build saved, safely. */
class FileHashCacheTest {
    @TempDir
    Path root;

    private static final String MARKER = "0".repeat(64);

    @BeforeEach
    void aFileSystemThatKeepsHashes() throws Exception {
        assumeTrue(FileHashCache.realCtime(root), "the temp folder's file system (" + Files.getFileStore(root).type()
                + ") is not one whose ctime FileHashCache trusts, so it keeps no hashes on disk there");
    }

    @Test
    void hashesAreKeptOnlyOnFileSystemsWithARealStatusChangeTime() {
        for (String real : List.of("ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "apfs")) {
            assertThat(FileHashCache.hasRealCtime(real)).as(real).isTrue();
        }
        for (String other : List.of("vfat", "msdos", "exfat", "fuse.sshfs", "fuseblk", "nfs", "nfs4", "cifs", "9p", "ntfs")) {
            assertThat(FileHashCache.hasRealCtime(other)).as(other).isFalse();
        }
    }

    private static long nowNanos() {
        return TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
    }

    /** A cache whose hashings happen (as far as the racy rule knows) a minute after the files were written. */
    private static FileHashCache later() {
        return new FileHashCache(() -> nowNanos() + TimeUnit.MINUTES.toNanos(1));
    }

    private Path file(String rel, String content) throws Exception {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        return f;
    }

    /** The saved file with every hash replaced by {@link #MARKER}: a cache that answers MARKER did not read the file. */
    private static List<String> poisoned(Path saved) throws Exception {
        List<String> lines = Files.readAllLines(saved, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
        lines.subList(1, lines.size()).forEach(l -> out.append(MARKER).append(l.substring(64)).append('\n'));
        Files.writeString(saved, out);
        return Files.readAllLines(saved, StandardCharsets.UTF_8);
    }

    private static FileHashCache loaded(Path saved) {
        FileHashCache c = new FileHashCache();
        c.load(saved);
        return c;
    }

    @Test
    void aNewCacheAnswersFromTheSavedFileForAnUnchangedFile() throws Exception {
        // given: a file hashed long after it was written, and saved
        Path a = file("src/a.txt", "hello\n");
        FileHashCache first = later();
        String real = first.sha256(a);
        Path saved = root.resolve(".munero/state/file-hashes");
        assertThat(first.save(saved, root)).isTrue();
        assertThat(Files.readAllLines(saved).get(0)).isEqualTo(FileHashCache.HEADER);
        assertThat(Files.readString(saved)).contains(real + " 6 ").contains("\t" + a + "\n");
        // and nothing new since: no second write
        assertThat(first.save(saved, root)).isFalse();

        // when: a new cache (a new process) loads it
        poisoned(saved);
        FileHashCache second = loaded(saved);

        // then: its answer is the saved one, so the file was not read
        assertThat(second.sha256(a)).isEqualTo(MARKER);
        assertThat(second.save(saved, root)).isFalse();
    }

    @Test
    void anEditThatPutsBackTheOldSizeAndModificationTimeIsStillSeen() throws Exception {
        // given
        Path a = file("src/a.txt", "hello\n");
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        Files.setLastModifiedTime(a, old);
        FileHashCache first = later();
        first.sha256(a);
        Path saved = root.resolve("hashes");
        first.save(saved, root);
        poisoned(saved);

        // when: the content changes, same size, and the old modification time is set back (touch -r, rsync -t)
        Files.writeString(a, "jello\n");
        Files.setLastModifiedTime(a, old);

        // then: the status-change time differs, so the file is hashed again
        assertThat(loaded(saved).sha256(a)).isEqualTo(Hashing.sha256(a)).isNotEqualTo(MARKER);
    }

    @Test
    void aFileChangedJustBeforeItWasHashedIsHashedAgainEvenWithAnOldModificationTime() throws Exception {
        // given: one file written now, one written now with its modification time set an hour back (its status
        // change is still now), both hashed by the real clock: within the racy window
        Path fresh = file("out/a.txt", "new\n");
        Path backdated = file("out/b.txt", "old\n");
        Files.setLastModifiedTime(backdated, FileTime.from(Instant.now().minusSeconds(3600)));
        FileHashCache first = new FileHashCache();
        first.sha256(fresh);
        first.sha256(backdated);
        Path saved = root.resolve("hashes");
        first.save(saved, root);
        poisoned(saved);

        // when
        FileHashCache second = loaded(saved);

        // then: neither saved hash is trusted
        assertThat(second.sha256(fresh)).isEqualTo(Hashing.sha256(fresh));
        assertThat(second.sha256(backdated)).isEqualTo(Hashing.sha256(backdated));
    }

    @Test
    void aJvmClockAheadOfTheFileSystemsIsCalibratedAway() throws Exception {
        // given: a JVM whose clock runs a minute ahead of the file system's
        Path a = file("src/a.txt", "a\n");
        FileHashCache skewed = later();
        skewed.calibrate(Files.getLastModifiedTime(Files.createTempFile(root, "clock", ".tmp")));
        skewed.sha256(a);
        Path saved = root.resolve("hashes");
        skewed.save(saved, root);
        poisoned(saved);
        // then: the hashing counts from the file system's time, so the file just written stays racy
        assertThat(loaded(saved).sha256(a)).isEqualTo(Hashing.sha256(a));
    }

    @Test
    void aFileThatStaysRacyIsNotAReasonToWriteTheFileAgain() throws Exception {
        // given: a file dated an hour in the future, saved once
        Path a = file("src/a.txt", "a\n");
        Files.setLastModifiedTime(a, FileTime.from(Instant.now().plusSeconds(3600)));
        FileHashCache first = later();
        first.sha256(a);
        Path saved = root.resolve("hashes");
        assertThat(first.save(saved, root)).isTrue();
        // when: the next process hashes it again (it is never trusted)
        FileHashCache second = loaded(saved);
        assertThat(second.sha256(a)).isEqualTo(Hashing.sha256(a));
        // then: nothing changed that a save would keep
        assertThat(second.save(saved, root)).isFalse();
    }

    @Test
    void aLongLivedCacheKeepsWhatAnotherProcessSavedInBetween() throws Exception {
        // given: the daemon's cache, loaded at its first build
        Path x = file("src/x.txt", "x\n");
        Path y = file("src/y.txt", "y\n");
        Path saved = root.resolve("hashes");
        FileHashCache daemon = later();
        daemon.load(saved);
        // when: a build in its own JVM hashes x and saves, then the daemon hashes y and saves
        FileHashCache other = later();
        other.load(saved);
        other.sha256(x);
        assertThat(other.save(saved, root)).isTrue();
        daemon.sha256(y);
        assertThat(daemon.save(saved, root)).isTrue();
        // then: both are in the file
        assertThat(Files.readString(saved)).contains("\t" + x + "\n").contains("\t" + y + "\n");
    }

    @Test
    void onlyFilesBelowTheRootAreSaved() throws Exception {
        Path inside = file("ws/a.txt", "a\n");
        Path outside = file("elsewhere/b.txt", "b\n");
        FileHashCache first = later();
        first.sha256(inside);
        first.sha256(outside);
        Path saved = root.resolve("ws/.munero/state/file-hashes");
        first.save(saved, root.resolve("ws"));
        assertThat(Files.readString(saved)).contains(inside.toString()).doesNotContain(outside.toString());
    }

    @Test
    void aDamagedLineOrAnotherFormatCostsOnlyAHash() throws Exception {
        // given: a saved, poisoned line that a new cache believes
        Path a = file("src/a.txt", "a\n");
        FileHashCache first = later();
        first.sha256(a);
        Path saved = root.resolve("hashes");
        first.save(saved, root);
        String good = poisoned(saved).get(1);
        assertThat(loaded(saved).sha256(a)).isEqualTo(MARKER);
        String[] f = good.substring(0, good.indexOf('\t')).split(" ");
        String path = good.substring(good.indexOf('\t'));

        // when: the same line with one defect each, or under another header
        List<String> files = List.of(
                FileHashCache.HEADER + "\n" + MARKER.substring(1) + good.substring(64) + "\n",
                FileHashCache.HEADER + "\n" + String.join(" ", f[0], f[1], f[2], f[3], f[4]) + path + "\n",
                FileHashCache.HEADER + "\n" + String.join(" ", f[0], "six", f[2], f[3], f[4], f[5]) + path + "\n",
                FileHashCache.HEADER + "\n" + good.replace('\t', ' ') + "\n",
                "munero-file-hashes 999\n" + good + "\n");
        for (String content : files) {
            Files.writeString(saved, content);
            // then: the file is hashed
            assertThat(loaded(saved).sha256(a)).as(content).isEqualTo(Hashing.sha256(a));
        }
        assertThat(loaded(root.resolve("no/such/file")).sha256(a)).isEqualTo(Hashing.sha256(a));
    }
}
