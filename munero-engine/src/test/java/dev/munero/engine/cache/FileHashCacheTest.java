package dev.munero.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 (performance): a build in a JVM of its own reuses the hashes the previous build saved, safely. */
class FileHashCacheTest {
    @TempDir
    Path root;

    private static final String MARKER = "0".repeat(64);

    private Path file(String rel, String content, Instant modified) throws Exception {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setLastModifiedTime(f, FileTime.from(modified));
        return f;
    }

    /** The saved file with every hash replaced by {@link #MARKER}: a cache that answers MARKER did not read the file. */
    private Path poisoned(Path saved) throws Exception {
        List<String> lines = Files.readAllLines(saved, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
        lines.subList(1, lines.size()).forEach(l -> out.append(MARKER).append(l.substring(64)).append('\n'));
        Files.writeString(saved, out);
        return saved;
    }

    @Test
    void aNewCacheAnswersFromTheSavedFileForAnUnchangedFile() throws Exception {
        // given: a file last written an hour ago, hashed and saved
        Path a = file("src/a.txt", "hello\n", Instant.now().minusSeconds(3600));
        FileHashCache first = new FileHashCache();
        String real = first.sha256(a);
        Path saved = root.resolve(".munero/state/file-hashes");
        assertThat(first.save(saved, root)).isTrue();
        assertThat(Files.readAllLines(saved).get(0)).isEqualTo(FileHashCache.HEADER);
        assertThat(Files.readString(saved)).contains(real + " 6 ").contains("\t" + a + "\n");

        // when: a new cache (a new process) loads it
        poisoned(saved);
        FileHashCache second = new FileHashCache();
        second.load(saved);

        // then: its answer is the saved one, so the file was not read
        assertThat(second.sha256(a)).isEqualTo(MARKER);
        // and nothing new was hashed, so nothing is written back
        assertThat(second.save(saved, root)).isFalse();
    }

    @Test
    void anEditThatPutsBackTheOldSizeAndModificationTimeIsStillSeen() throws Exception {
        // given
        Instant old = Instant.now().minusSeconds(3600);
        Path a = file("src/a.txt", "hello\n", old);
        FileHashCache first = new FileHashCache();
        first.sha256(a);
        Path saved = root.resolve("hashes");
        first.save(saved, root);
        poisoned(saved);

        // when: the content changes, same size, and the old modification time is set back (touch -r, rsync -t)
        Files.writeString(a, "jello\n");
        Files.setLastModifiedTime(a, FileTime.from(old));
        FileHashCache second = new FileHashCache();
        second.load(saved);

        // then: the status-change time differs, so the file is hashed again
        assertThat(second.sha256(a)).isEqualTo(Hashing.sha256(a)).isNotEqualTo(MARKER);
    }

    @Test
    void aFileWrittenJustBeforeItWasHashedIsHashedAgain() throws Exception {
        // given: a file written now, within the racy window of its hashing
        Path a = file("out/a.txt", "new\n", Instant.now());
        FileHashCache first = new FileHashCache();
        first.sha256(a);
        Path saved = root.resolve("hashes");
        first.save(saved, root);
        poisoned(saved);
        // when
        FileHashCache second = new FileHashCache();
        second.load(saved);
        // then: its saved hash is not trusted
        assertThat(second.sha256(a)).isEqualTo(Hashing.sha256(a));
    }

    @Test
    void onlyFilesBelowTheRootAreSavedAndADamagedFileCostsOnlyAHash() throws Exception {
        // given
        Instant old = Instant.now().minusSeconds(3600);
        Path inside = file("ws/a.txt", "a\n", old);
        Path outside = file("elsewhere/b.txt", "b\n", old);
        FileHashCache first = new FileHashCache();
        first.sha256(inside);
        first.sha256(outside);
        Path saved = root.resolve("ws/.munero/state/file-hashes");
        // when
        first.save(saved, root.resolve("ws"));
        // then
        assertThat(Files.readString(saved)).contains(inside.toString()).doesNotContain(outside.toString());

        // when: lines are damaged or the format is another one
        Files.writeString(saved, FileHashCache.HEADER + "\nnot a line\n" + MARKER + " x 1 2 3 k\t" + inside + "\n");
        FileHashCache damaged = new FileHashCache();
        damaged.load(saved);
        Files.writeString(saved, "munero-file-hashes 999\n");
        FileHashCache other = new FileHashCache();
        other.load(saved);
        FileHashCache missing = new FileHashCache();
        missing.load(root.resolve("no/such/file"));
        // then: each hashes the file itself
        for (FileHashCache c : List.of(damaged, other, missing)) {
            assertThat(c.sha256(inside)).isEqualTo(Hashing.sha256(inside));
        }
    }
}
