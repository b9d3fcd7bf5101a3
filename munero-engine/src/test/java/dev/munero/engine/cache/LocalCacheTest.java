package dev.munero.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalCacheTest {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path tmp;

    Path built;
    Path cacheDir;
    LocalCache cache;

    @BeforeEach
    void setUp() throws IOException {
        built = Files.createDirectories(tmp.resolve("built"));
        cacheDir = tmp.resolve("cache");
        cache = new LocalCache(cacheDir);
    }

    private static Fingerprint fingerprint(String step) {
        return new Fingerprint(step, List.of("build", step), ".", new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), List.of("out/**"));
    }

    private Path write(Path root, String rel, byte[] content) throws IOException {
        Path f = root.resolve(rel);
        Files.createDirectories(f.getParent());
        return Files.write(f, content);
    }

    private Path write(Path root, String rel, String content) throws IOException {
        return write(root, rel, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Stores a step whose outputs are {@code files} (path to content) with log text {@code log}. */
    private CacheEntry store(String step, Map<String, String> files, String log) throws IOException {
        for (Map.Entry<String, String> f : files.entrySet()) {
            write(built, f.getKey(), f.getValue());
        }
        Path logFile = write(tmp, "logs/" + step + ".log", log);
        return cache.store(fingerprint(step), built, List.copyOf(new TreeMap<>(files).keySet()), logFile, 42);
    }

    /** Every file and directory under {@code dir}, with file contents, for before/after comparisons. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                out.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "<dir>" : Hashing.sha256(p));
            }
        }
        return out;
    }

    private static List<Path> regularFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** The bytes an entry accounts for: its JSON plus its distinct blobs. */
    private long footprint(CacheEntry e) throws IOException {
        Set<String> blobs = new HashSet<>();
        blobs.add(e.logSha256());
        e.outputs().forEach(o -> blobs.add(o.sha256()));
        long size = Files.size(cache.entryPath(e.key()));
        for (String b : blobs) {
            size += Files.size(cache.blobPath(b));
        }
        return size;
    }

    private void lastUsed(CacheEntry e, Instant when) throws IOException {
        Files.setLastModifiedTime(cache.entryPath(e.key()), FileTime.from(when));
    }

    // ---- store, lookup, restore ----

    @Test
    void storeThenRestoreIntoAnEmptyWorkspaceReproducesBytesAndTheExecutableBit() throws Exception {
        // given outputs with every byte value, a nested file and an executable script
        byte[] binary = new byte[70_000];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31);
        }
        write(built, "out/data.bin", binary);
        write(built, "out/deep/er/notes.txt", "héllo\r\n");
        Path script = write(built, "out/run.sh", "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path log = write(tmp, "step.log", "compiled 3 files\n");
        CacheEntry stored = cache.store(fingerprint("compile"), built,
                List.of("out/run.sh", "out/data.bin", "out/deep/er/notes.txt", "out/not-produced.txt"), log, 1234);
        Path workspace = Files.createDirectories(tmp.resolve("fresh"));

        // when
        CacheEntry found = cache.lookup(stored.key()).orElseThrow();
        int written = cache.restore(found, workspace, workspace.resolve(".munero/logs/compile.log"));

        // then
        assertThat(found).isEqualTo(stored);
        assertThat(found.outputs()).extracting(CacheEntry.OutputFile::path)
                .as("sorted; files that were not produced are left out")
                .containsExactly("out/data.bin", "out/deep/er/notes.txt", "out/run.sh");
        assertThat(found.durationMillis()).isEqualTo(1234);
        assertThat(written).isEqualTo(3);
        assertThat(workspace.resolve("out/data.bin")).hasBinaryContent(binary);
        assertThat(workspace.resolve("out/deep/er/notes.txt")).hasSameBinaryContentAs(built.resolve("out/deep/er/notes.txt"));
        assertThat(workspace.resolve("out/run.sh")).hasContent("#!/bin/sh\necho hi\n");
        assertThat(Files.getPosixFilePermissions(workspace.resolve("out/run.sh"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(workspace.resolve("out/data.bin")))
                .doesNotContain(PosixFilePermission.OWNER_EXECUTE);
        assertThat(workspace.resolve(".munero/logs/compile.log")).hasContent("compiled 3 files\n");
        assertThat(regularFiles(workspace)).as("no temp files left").hasSize(4);
    }

    @Test
    void restoredFilesGetTheUsualPermissionsOfANewFileNotThoseOfATempFile() throws Exception {
        // given
        write(built, "out/page.html", "<p>hi</p>");
        Path tool = write(built, "out/tool", "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        CacheEntry e = cache.store(fingerprint("compile"), built, List.of("out/page.html", "out/tool"), write(tmp, "log", ""), 1);
        Path workspace = tmp.resolve("fresh");
        Path out = Files.createDirectories(workspace.resolve("out"));
        Set<PosixFilePermission> usual = Files.getPosixFilePermissions(Files.writeString(out.resolve("usual.txt"), "x"));

        // when
        cache.restore(e, workspace, null);

        // then: readable by whoever could read a file the step wrote itself (e.g. a web server), not 0600
        assertThat(Files.getPosixFilePermissions(out.resolve("page.html"))).isEqualTo(usual);
        Set<PosixFilePermission> executable = EnumSet.copyOf(usual);
        executable.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_EXECUTE));
        assertThat(Files.getPosixFilePermissions(out.resolve("tool"))).isEqualTo(executable);
    }

    @Test
    void lookingUpAKeyThatWasNeverStoredFindsNothing() throws Exception {
        assertThat(cache.lookup("0".repeat(64))).isEmpty();
    }

    @Test
    void restoreLeavesFilesThatAreAlreadyIdenticalAlone() throws Exception {
        // given a workspace that already holds the outputs, last written long ago
        CacheEntry e = store("compile", Map.of("out/a.txt", "a", "out/b.txt", "b"), "log");
        Path workspace = tmp.resolve("ws");
        write(workspace, "out/a.txt", "a");
        write(workspace, "out/b.txt", "changed by hand");
        Files.setLastModifiedTime(workspace.resolve("out/a.txt"), FileTime.from(T0));

        // when
        int written = cache.restore(e, workspace, null);

        // then
        assertThat(written).isEqualTo(1);
        assertThat(Files.getLastModifiedTime(workspace.resolve("out/a.txt")).toInstant()).isEqualTo(T0);
        assertThat(workspace.resolve("out/b.txt")).hasContent("b");
        assertThat(cache.restore(e, workspace, null)).as("second restore").isZero();
    }

    @Test
    void restoreNeverWritesReplacesOrCreatesAPathItIsToldToKeep() throws Exception {
        // issue 9.2: a file git tracks is the user's, whatever the entry says
        CacheEntry e = store("compile", Map.of("out/a.txt", "a", "out/helper.js", "cached", "out/gone.js", "cached"), "log");
        Path workspace = tmp.resolve("ws");
        write(workspace, "out/helper.js", "edited by the user");
        List<String> skipped = new java.util.ArrayList<>();

        int written = cache.restore(e, workspace, null, p -> p.equals("out/helper.js") || p.equals("out/gone.js"), skipped);

        assertThat(written).isEqualTo(1);
        assertThat(skipped).containsExactly("out/gone.js", "out/helper.js");
        assertThat(workspace.resolve("out/helper.js")).hasContent("edited by the user");
        assertThat(workspace.resolve("out/gone.js")).as("a deleted tracked file is not brought back").doesNotExist();
        assertThat(workspace.resolve("out/a.txt")).hasContent("a");
    }

    @Test
    void restoreFixesAFileWhoseContentMatchesButWhoseExecutableBitWasLost() throws Exception {
        // given
        Path tool = write(built, "out/tool", "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        CacheEntry e = cache.store(fingerprint("tool"), built, List.of("out/tool"), write(tmp, "log", ""), 1);
        Path workspace = tmp.resolve("ws");
        Path copy = write(workspace, "out/tool", "#!/bin/sh\n");
        Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));

        // when
        int written = cache.restore(e, workspace, null);

        // then
        assertThat(written).isEqualTo(1);
        assertThat(Files.getPosixFilePermissions(copy)).contains(PosixFilePermission.OWNER_EXECUTE);
    }

    @Test
    void restoreMarksTheEntryAsRecentlyUsed() throws Exception {
        // given
        CacheEntry e = store("compile", Map.of("out/a.txt", "a"), "log");
        lastUsed(e, T0);

        // when
        cache.restore(e, tmp.resolve("ws"), null);

        // then
        assertThat(Files.getLastModifiedTime(cache.entryPath(e.key())).toInstant()).isAfter(T0);
    }

    // ---- corruption ----

    @Test
    void aCorruptedBlobFailsTheRestoreAndLeavesTheWorkspaceUntouched() throws Exception {
        // given an entry whose second output's blob was overwritten on disk
        CacheEntry e = store("compile", Map.of("out/a.txt", "fresh a", "out/sub/deep/b.txt", "fresh b"), "log");
        CacheEntry.OutputFile b = e.outputs().get(1);
        Files.writeString(cache.blobPath(b.sha256()), "evil bytes");
        Path workspace = tmp.resolve("ws");
        write(workspace, "out/a.txt", "old a");
        Map<String, String> before = snapshot(workspace);

        // when
        CacheCorruptException thrown = catchThrowableOfType(CacheCorruptException.class,
                () -> cache.restore(e, workspace, workspace.resolve(".munero/logs/compile.log")));

        // then
        assertThat(thrown).hasMessageContaining(b.sha256()).hasMessageContaining("expected");
        assertThat(snapshot(workspace)).as("no partial files, temp files or new directories").isEqualTo(before);
        assertThat(workspace.resolve("out/a.txt")).hasContent("old a");
    }

    @Test
    void aCorruptedLogBlobFailsTheRestoreBeforeAnyOutputIsReplaced() throws Exception {
        // given
        CacheEntry e = store("compile", Map.of("out/a.txt", "fresh a"), "the log");
        Files.write(cache.blobPath(e.logSha256()), new byte[] {1, 2, 3});
        Path workspace = tmp.resolve("ws");
        write(workspace, "out/a.txt", "old a");
        Map<String, String> before = snapshot(workspace);

        // when / then
        assertThatThrownBy(() -> cache.restore(e, workspace, workspace.resolve("logs/compile.log")))
                .isInstanceOf(CacheCorruptException.class);
        assertThat(snapshot(workspace)).isEqualTo(before);
    }

    @Test
    void aCorruptBlobIsDiscardedSoThatStoringTheStepAgainRepairsTheCache() throws Exception {
        // given a corrupted blob, found by a restore (after which the engine evicts the entry and reruns the step)
        CacheEntry e = store("compile", Map.of("out/a.txt", "fresh a"), "log");
        Files.writeString(cache.blobPath(e.outputs().get(0).sha256()), "bit rot");
        Path workspace = tmp.resolve("ws");
        assertThatThrownBy(() -> cache.restore(e, workspace, null)).isInstanceOf(CacheCorruptException.class);
        cache.evict(e.key());

        // when the rerun stores the same outputs
        CacheEntry again = store("compile", Map.of("out/a.txt", "fresh a"), "log");

        // then
        assertThat(cache.restore(again, workspace, null)).isEqualTo(1);
        assertThat(workspace.resolve("out/a.txt")).hasContent("fresh a");
    }

    @Test
    void aMissingBlobIsReportedAsCorruption() throws Exception {
        // given
        CacheEntry e = store("compile", Map.of("out/a.txt", "a"), "log");
        Files.delete(cache.blobPath(e.outputs().get(0).sha256()));
        Path workspace = Files.createDirectories(tmp.resolve("ws"));

        // when / then
        assertThatThrownBy(() -> cache.restore(e, workspace, null))
                .isInstanceOf(CacheCorruptException.class)
                .hasMessageContaining("is missing");
        assertThat(snapshot(workspace)).containsOnlyKeys("");
    }

    @Test
    void anEntryNamingAPathOutsideTheRepositoryIsCorrupt() throws Exception {
        // given an entry edited to write outside the workspace
        CacheEntry e = store("compile", Map.of("out/a.txt", "a"), "log");
        CacheEntry.OutputFile a = e.outputs().get(0);
        CacheEntry evil = new CacheEntry(e.key(), e.fingerprint(),
                List.of(new CacheEntry.OutputFile("../escaped.txt", a.sha256(), a.bytes(), false)),
                e.logSha256(), e.logBytes(), e.durationMillis(), e.createdAt());
        Path workspace = Files.createDirectories(tmp.resolve("ws"));

        // when / then
        assertThatThrownBy(() -> cache.restore(evil, workspace, null))
                .isInstanceOf(CacheCorruptException.class)
                .hasMessageContaining("outside the repository");
        assertThat(tmp.resolve("escaped.txt")).doesNotExist();
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"", "{", "garbage", "null", "[]", "{}", "{\"key\": 42"})
    void aGarbageEntryIsReportedAsCorruption(String json) throws Exception {
        // given
        CacheEntry e = store("compile", Map.of("out/a.txt", "a"), "log");
        Files.writeString(cache.entryPath(e.key()), json);

        // when / then
        assertThatThrownBy(() -> cache.lookup(e.key())).isInstanceOf(CacheCorruptException.class)
                .hasMessageContaining(e.key());
    }

    @Test
    void aTruncatedEntryIsReportedAsCorruption() throws Exception {
        // given
        CacheEntry e = store("compile", Map.of("out/a.txt", "a"), "log");
        Path entry = cache.entryPath(e.key());
        byte[] full = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(full, full.length / 2));

        // when / then
        assertThatThrownBy(() -> cache.lookup(e.key())).isInstanceOf(CacheCorruptException.class);
    }

    @Test
    void anEntryStoredUnderAnotherKeyIsReportedAsCorruption() throws Exception {
        // given
        CacheEntry a = store("a", Map.of("out/a.txt", "a"), "log");
        CacheEntry b = store("b", Map.of("out/b.txt", "b"), "log");
        Files.copy(cache.entryPath(a.key()), cache.entryPath(b.key()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        // when / then
        assertThatThrownBy(() -> cache.lookup(b.key()))
                .isInstanceOf(CacheCorruptException.class)
                .hasMessageContaining("does not hold key " + b.key());
    }

    @Test
    void evictDeletesTheEntry() throws Exception {
        // given
        CacheEntry e = store("compile", Map.of("out/a.txt", "a"), "log");

        // when
        cache.evict(e.key());

        // then
        assertThat(cache.lookup(e.key())).isEmpty();
    }

    // ---- prune ----

    @Test
    void pruneRemovesTheLeastRecentlyUsedEntriesAndTheirBlobsFirst() throws Exception {
        // given three entries; the oldest shares one output with the newest
        CacheEntry oldest = store("oldest", Map.of("out/shared.txt", "shared", "out/old.txt", "old only"), "log old");
        CacheEntry middle = store("middle", Map.of("out/mid.txt", "mid only"), "log mid");
        CacheEntry newest = store("newest", Map.of("out/shared.txt", "shared", "out/new.txt", "new only"), "log new");
        lastUsed(oldest, T0);
        lastUsed(middle, T0.plusSeconds(60));
        lastUsed(newest, T0.plusSeconds(120));
        long keep = footprint(newest) + footprint(middle);

        // when
        LocalCache.PruneResult r = cache.prune(keep);

        // then
        assertThat(cache.lookup(oldest.key())).isEmpty();
        assertThat(cache.lookup(middle.key())).isPresent();
        assertThat(cache.lookup(newest.key())).isPresent();
        assertThat(cache.blobPath(oldest.outputs().get(0).sha256())).as("out/old.txt").doesNotExist();
        assertThat(cache.blobPath(oldest.logSha256())).doesNotExist();
        assertThat(cache.blobPath(newest.outputs().get(1).sha256())).as("out/shared.txt, still used").exists();
        assertThat(r.removedEntries()).isEqualTo(1);
        assertThat(r.removedBlobs()).isEqualTo(2);
        assertThat(r.keptEntries()).isEqualTo(2);
        assertThat(r.keptBytes()).isEqualTo(keep);
        Path workspace = tmp.resolve("ws");
        assertThat(cache.restore(newest, workspace, null)).as("kept entries still restore").isEqualTo(2);
    }

    @Test
    void pruneNeverKeepsAnEntryUsedLessRecentlyThanOneItRemoves() throws Exception {
        // given a big entry between two small ones
        CacheEntry oldest = store("oldest", Map.of("out/o.txt", "o"), "o");
        CacheEntry big = store("big", Map.of("out/big.txt", "x".repeat(100_000)), "b");
        CacheEntry newest = store("newest", Map.of("out/n.txt", "n"), "n");
        lastUsed(oldest, T0);
        lastUsed(big, T0.plusSeconds(60));
        lastUsed(newest, T0.plusSeconds(120));

        // when: room for the two small ones, not for the big one
        cache.prune(footprint(newest) + footprint(oldest) + 10);

        // then: least recently used first means the oldest goes before the big one does
        assertThat(cache.lookup(newest.key())).isPresent();
        assertThat(cache.lookup(big.key())).isEmpty();
        assertThat(cache.lookup(oldest.key())).isEmpty();
    }

    @Test
    void pruneRemovesUnreferencedBlobsUnreadableEntriesAndStaleTempFiles() throws Exception {
        // given
        CacheEntry e = store("compile", Map.of("out/a.txt", "a"), "log");
        Path stray = write(cacheDir, "cas/ff/" + "f".repeat(64), "no entry uses this");
        Path tempFile = write(cacheDir, "tmp/blob123.tmp", "half written");
        Path unreadable = write(cacheDir, "ac/ab/" + "ab".repeat(32) + ".json", "{ not json");

        // when
        LocalCache.PruneResult r = cache.prune(Long.MAX_VALUE);

        // then
        assertThat(stray).doesNotExist();
        assertThat(tempFile).doesNotExist();
        assertThat(unreadable).doesNotExist();
        assertThat(cache.lookup(e.key())).isPresent();
        assertThat(r.removedBlobs()).isEqualTo(1);
        assertThat(r.freedBlobBytes()).isEqualTo("no entry uses this".length());
        assertThat(r.keptEntries()).isEqualTo(1);
    }

    @Test
    void pruneToZeroEmptiesTheCache() throws Exception {
        // given
        CacheEntry a = store("a", Map.of("out/a.txt", "a"), "log a");
        CacheEntry b = store("b", Map.of("out/b.txt", "b"), "log b");

        // when
        LocalCache.PruneResult r = cache.prune(0);

        // then
        assertThat(regularFiles(cacheDir)).isEmpty();
        assertThat(r.removedEntries()).isEqualTo(2);
        assertThat(r.keptEntries()).isZero();
        assertThat(r.keptBytes()).isZero();
        assertThat(cache.lookup(a.key())).isEmpty();
        assertThat(cache.lookup(b.key())).isEmpty();
    }

    @Test
    void pruningAnEmptyOrMissingCacheDoesNothing() throws Exception {
        // when
        LocalCache.PruneResult r = cache.prune(0);

        // then
        assertThat(r).isEqualTo(new LocalCache.PruneResult(0, 0, 0, 0, 0));
    }
}
