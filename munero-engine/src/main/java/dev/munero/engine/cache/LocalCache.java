package dev.munero.engine.cache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The local content-addressed cache of step results.
 *
 * <p>Layout under the cache directory: {@code cas/<h[0..2]>/<h>} holds file contents named by their
 * SHA-256; {@code ac/<k[0..2]>/<k>.json} holds a {@link CacheEntry} per cache key. An entry is written
 * after all its blobs, each through a temporary file and an atomic rename, so a reader sees a
 * complete entry or none. Restores verify every blob against its hash before any output is replaced;
 * a mismatch raises {@link CacheCorruptException} and leaves the workspace untouched. An entry's
 * modification time is its last use, which {@link #prune} evicts by (least recently used first).
 *
 * <p>Thread-safe: concurrent stores of the same blob or entry race on rename, and the loser's
 * identical file is discarded.
 */
public final class LocalCache {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private final Path dir;

    /** A cache rooted at {@code dir}, created on first store. */
    public LocalCache(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The cache directory. */
    public Path dir() {
        return dir;
    }

    /**
     * The entry for {@code key}, if stored.
     *
     * @throws CacheCorruptException when the entry exists but cannot be parsed or names another key
     * @throws IOException           when it exists but cannot be read
     */
    public Optional<CacheEntry> lookup(String key) throws IOException, CacheCorruptException {
        Path file = entryPath(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        CacheEntry entry;
        try {
            entry = JSON.readValue(bytes, CacheEntry.class);
        } catch (JacksonException e) {
            throw new CacheCorruptException("cache entry " + file + " is not valid: " + e.getOriginalMessage());
        }
        if (entry == null || !key.equals(entry.key())) {
            throw new CacheCorruptException("cache entry " + file + " does not hold key " + key);
        }
        return Optional.of(entry);
    }

    /** Marks {@code key} as just used, for least-recently-used pruning. Best effort. */
    public void touch(String key) {
        try {
            Files.setLastModifiedTime(entryPath(key), FileTime.from(Instant.now()));
        } catch (IOException e) {
            // a missing or read-only entry only loses LRU precision
        }
    }

    /** Deletes the entry for {@code key}, e.g. after it proved corrupt. Best effort. */
    public void evict(String key) {
        try {
            Files.deleteIfExists(entryPath(key));
        } catch (IOException e) {
            // next lookup reports it again
        }
    }

    /**
     * Restores {@code entry}'s outputs into {@code root} and its log into {@code logTarget} (when null, the
     * log blob is only verified, for callers that read it in place through {@link #logFile}). Outputs whose
     * current content and executable bit already match are left alone. Nothing in the workspace changes
     * (no file, no directory) unless every blob needed verified against its hash; a blob that does not is
     * deleted from the cache.
     *
     * @return the number of output files written (0 when all were up to date)
     * @throws CacheCorruptException when a blob is missing or its content does not match its hash
     * @throws IOException           when the workspace cannot be written
     */
    public int restore(CacheEntry entry, Path root, Path logTarget) throws IOException, CacheCorruptException {
        return restore(entry, root, logTarget, path -> false, new ArrayList<>());
    }

    /**
     * Like {@link #restore(CacheEntry, Path, Path)}, leaving alone every output {@code keep} names: such a file is
     * neither written, replaced nor created (issue 9.2: a file git tracks is the user's, whatever an entry says).
     *
     * @param keep    repository-relative paths ({@code /} separators) that must not be touched
     * @param skipped receives the outputs left alone because of {@code keep}, in entry order
     * @return the number of output files written
     * @throws CacheCorruptException when a blob is missing or its content does not match its hash
     * @throws IOException           when the workspace cannot be written
     */
    public int restore(CacheEntry entry, Path root, Path logTarget, java.util.function.Predicate<String> keep,
                       List<String> skipped) throws IOException, CacheCorruptException {
        return restore(entry, root, logTarget, keep, skipped, null);
    }

    /**
     * Like {@link #restore(CacheEntry, Path, Path, java.util.function.Predicate, List)}, asking {@code hashes} (when not
     * null) for the content hash of an output that is already there, so that one hashed by an earlier build with an
     * unchanged stamp is not read again.
     *
     * @throws CacheCorruptException when a blob is missing or its content does not match its hash
     * @throws IOException           when the workspace cannot be written
     */
    public int restore(CacheEntry entry, Path root, Path logTarget, java.util.function.Predicate<String> keep,
                       List<String> skipped, FileHashCache hashes) throws IOException, CacheCorruptException {
        List<Path[]> moves = new ArrayList<>(); // {temp, destination}
        List<Path> createdDirs = new ArrayList<>(); // outermost first, removed again on failure
        try {
            for (CacheEntry.OutputFile out : entry.outputs()) {
                Path dest = root.resolve(out.path()).normalize();
                if (!dest.startsWith(root)) {
                    throw new CacheCorruptException("cache entry " + entry.key() + " names a path outside the repository: " + out.path());
                }
                if (keep.test(out.path())) {
                    skipped.add(out.path());
                    continue;
                }
                if (Files.isRegularFile(dest) && Files.size(dest) == out.bytes()
                        && Files.isExecutable(dest) == out.executable()
                        && (hashes == null ? Hashing.sha256(dest) : hashes.sha256(dest)).equals(out.sha256())) {
                    continue;
                }
                createDirectories(dest.getParent(), createdDirs);
                Path tmp = tempSibling(dest);
                moves.add(new Path[] {tmp, dest});
                copyVerified(out.sha256(), tmp);
                if (out.executable()) {
                    setExecutable(tmp);
                }
            }
            if (logTarget != null) {
                createDirectories(logTarget.getParent(), createdDirs);
                Path tmp = tempSibling(logTarget);
                moves.add(new Path[] {tmp, logTarget});
                copyVerified(entry.logSha256(), tmp);
            } else {
                copyVerified(entry.logSha256(), null); // the log stays in the cache (see logFile), verified all the same
            }
        } catch (IOException | CacheCorruptException | RuntimeException e) {
            for (Path[] m : moves) {
                Files.deleteIfExists(m[0]);
            }
            for (int i = createdDirs.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(createdDirs.get(i));
                } catch (DirectoryNotEmptyException concurrent) {
                    // someone else put a file there meanwhile: theirs to keep
                }
            }
            throw e;
        }
        for (Path[] m : moves) {
            move(m[0], m[1]);
        }
        touch(entry.key());
        return (int) moves.stream().filter(m -> m[1] != logTarget).count();
    }

    /** Creates {@code dir} and its missing parents, appending the ones it made to {@code created}, outermost first. */
    private static void createDirectories(Path dir, List<Path> created) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        Files.createDirectories(dir);
        created.addAll(missing);
    }

    /**
     * A fresh name next to {@code dest} for a file not yet created. Not {@link Files#createTempFile}: that
     * creates the file owner-only (0600), which the rename would carry into the workspace.
     */
    private static Path tempSibling(Path dest) {
        String random = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return dest.resolveSibling("." + dest.getFileName() + "." + random + ".munero-tmp");
    }

    /**
     * Copies the blob to the new file {@code target} (created with default permissions), verifying its hash;
     * with a null {@code target} only verifies.
     */
    private void copyVerified(String sha256, Path target) throws IOException, CacheCorruptException {
        Path blob = blobPath(sha256);
        MessageDigest md = Hashing.sha256();
        try (InputStream in = Files.newInputStream(blob);
             OutputStream os = target == null ? OutputStream.nullOutputStream()
                     : Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                os.write(buf, 0, n);
            }
        } catch (NoSuchFileException e) {
            throw new CacheCorruptException("cache blob " + blob + " is missing");
        }
        String actual = Hashing.hex(md.digest());
        if (!actual.equals(sha256)) {
            // wrong by definition; left in place, every later store of this content would skip rewriting it
            Files.deleteIfExists(blob);
            throw new CacheCorruptException("cache blob " + blob + " has content hash " + actual + ", expected " + sha256);
        }
    }

    /**
     * Stores a step result: each output file's content, the log, then the entry.
     *
     * @param fingerprint    the step's fingerprint (its key names the entry)
     * @param root           repository root the output paths are relative to
     * @param outputPaths    repository-relative output files
     * @param log            the step's captured output
     * @param durationMillis how long the step ran
     * @return the stored entry
     * @throws IOException when a file cannot be read or the cache cannot be written
     */
    public CacheEntry store(Fingerprint fingerprint, Path root, List<String> outputPaths, Path log, long durationMillis)
            throws IOException {
        List<CacheEntry.OutputFile> outs = new ArrayList<>();
        for (String rel : outputPaths) {
            Path file = root.resolve(rel);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            String sha = storeBlob(file);
            outs.add(new CacheEntry.OutputFile(rel, sha, Files.size(file), Files.isExecutable(file)));
        }
        outs.sort(Comparator.comparing(CacheEntry.OutputFile::path));
        String logSha = storeBlob(log);
        String key = fingerprint.key();
        CacheEntry entry = new CacheEntry(key, fingerprint, outs, logSha, Files.size(log), durationMillis,
                Instant.now().toString());
        Path file = entryPath(key);
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), key, ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), entry);
            move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return entry;
    }

    private String storeBlob(Path file) throws IOException {
        Path tmpDir = dir.resolve("tmp");
        Files.createDirectories(tmpDir);
        Path tmp = Files.createTempFile(tmpDir, "blob", ".tmp");
        try {
            MessageDigest md = Hashing.sha256();
            try (InputStream in = Files.newInputStream(file); OutputStream os = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                    os.write(buf, 0, n);
                }
            }
            String sha = Hashing.hex(md.digest());
            Path blob = blobPath(sha);
            if (!Files.exists(blob)) {
                Files.createDirectories(blob.getParent());
                move(tmp, blob);
            }
            return sha;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Whether the blob with content hash {@code sha256} is stored. */
    public boolean hasBlob(String sha256) {
        return Files.isRegularFile(blobPath(sha256));
    }

    /** The file of the blob with content hash {@code sha256} (it may not exist). */
    public Path blobFile(String sha256) {
        return blobPath(sha256);
    }

    /**
     * A new empty file in the cache's {@code tmp/}, for a blob being downloaded; give it to {@link #adoptBlob} or
     * delete it.
     *
     * @throws IOException when the cache cannot be written
     */
    public Path newTempFile() throws IOException {
        Path tmpDir = dir.resolve("tmp");
        Files.createDirectories(tmpDir);
        return Files.createTempFile(tmpDir, "download", ".tmp");
    }

    /**
     * Moves {@code tmp} (from {@link #newTempFile}) into the store as the blob {@code sha256}, atomically, after
     * checking that its content has that hash; on a mismatch {@code tmp} is deleted and nothing is stored.
     *
     * @throws CacheCorruptException when the content's hash is not {@code sha256} (the message names both)
     * @throws IOException           when the file cannot be read or moved
     */
    public void adoptBlob(Path tmp, String sha256) throws IOException, CacheCorruptException {
        String actual = Hashing.sha256(tmp);
        if (!actual.equals(sha256)) {
            Files.deleteIfExists(tmp);
            throw new CacheCorruptException("blob " + sha256 + " has content hash " + actual);
        }
        Path blob = blobPath(sha256);
        Files.createDirectories(blob.getParent());
        move(tmp, blob);
    }

    /**
     * An entry as stored in {@code ac/} (JSON): what a remote cache keeps as the entry's manifest.
     */
    public static byte[] toBytes(CacheEntry entry) {
        return JSON.writeValueAsBytes(entry);
    }

    /**
     * Parses a manifest made by {@link #toBytes} and checks it is the entry of {@code key}: its own key, and the key
     * of the fingerprint it carries, must both be {@code key}.
     *
     * @throws CacheCorruptException when it does not parse or belongs to another key
     */
    public static CacheEntry fromBytes(byte[] bytes, String key) throws CacheCorruptException {
        CacheEntry entry;
        try {
            entry = JSON.readValue(bytes, CacheEntry.class);
        } catch (JacksonException e) {
            throw new CacheCorruptException("the entry of " + key + " is not valid: " + e.getOriginalMessage());
        }
        if (entry == null || !key.equals(entry.key()) || entry.fingerprint() == null
                || !key.equals(entry.fingerprint().key())) {
            throw new CacheCorruptException("the entry stored under " + key + " is the entry of another key");
        }
        for (CacheEntry.OutputFile o : entry.outputs()) {
            if (!isSha256(o.sha256())) {
                throw new CacheCorruptException("the entry of " + key + " names a blob that is not a SHA-256: " + o.sha256());
            }
        }
        if (!isSha256(entry.logSha256())) {
            throw new CacheCorruptException("the entry of " + key + " names a log that is not a SHA-256");
        }
        return entry;
    }

    private static boolean isSha256(String s) {
        return s != null && s.length() == 64 && s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    }

    /**
     * Stores {@code entry} (whose blobs are already stored) in {@code ac/}, atomically (a temp file, then a rename).
     *
     * @throws IOException when the cache cannot be written
     */
    public void putEntry(CacheEntry entry) throws IOException {
        Path file = entryPath(entry.key());
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), entry.key(), ".tmp");
        try {
            Files.write(tmp, toBytes(entry));
            move(tmp, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            // another writer won the race with identical content
        }
    }

    private static void setExecutable(Path p) throws IOException {
        try {
            Set<PosixFilePermission> perms = new HashSet<>(Files.getPosixFilePermissions(p));
            perms.add(PosixFilePermission.OWNER_EXECUTE);
            perms.add(PosixFilePermission.GROUP_EXECUTE);
            perms.add(PosixFilePermission.OTHERS_EXECUTE);
            Files.setPosixFilePermissions(p, perms);
        } catch (UnsupportedOperationException e) {
            p.toFile().setExecutable(true);
        }
    }

    /**
     * Where the entry for {@code key} is stored (whether or not it exists).
     *
     * @throws IllegalArgumentException when {@code key} is not lower-case hex
     */
    public Path entryPath(String key) {
        if (key.length() < 3 || !key.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not a cache key: " + key);
        }
        return dir.resolve("ac").resolve(key.substring(0, 2)).resolve(key + ".json");
    }

    /**
     * The stored log of {@code entry}: a content-addressed, read-only blob, valid until the entry is
     * pruned. Cache hits point their reports here instead of copying the log.
     */
    public Path logFile(CacheEntry entry) {
        return blobPath(entry.logSha256());
    }

    Path blobPath(String sha256) {
        return dir.resolve("cas").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    /**
     * Removes entries, least recently used first, until the entries and the blobs they reference take at
     * most {@code maxBytes}; then removes every blob no remaining entry references, and stale temp files.
     *
     * @param maxBytes size bound in bytes; 0 empties the cache
     * @return what was removed and what is left
     * @throws IOException when the cache cannot be listed or a file cannot be deleted
     */
    public PruneResult prune(long maxBytes) throws IOException {
        record Item(Path file, FileTime used, CacheEntry entry, long size) {
        }
        List<Item> items = new ArrayList<>();
        Path ac = dir.resolve("ac");
        if (Files.isDirectory(ac)) {
            try (Stream<Path> s = Files.walk(ac)) {
                for (Path f : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".json"))::iterator) {
                    CacheEntry e;
                    try {
                        e = JSON.readValue(f.toFile(), CacheEntry.class);
                    } catch (JacksonException ex) {
                        e = null;
                    }
                    items.add(new Item(f, Files.getLastModifiedTime(f), e, Files.size(f)));
                }
            }
        }
        items.sort(Comparator.comparing(Item::used).reversed()); // most recent first
        long kept = 0;
        Set<String> keptBlobs = new HashSet<>();
        int removedEntries = 0;
        boolean full = false; // once one entry does not fit, every less recently used one goes too
        for (Item it : items) {
            if (it.entry() == null) {
                Files.deleteIfExists(it.file());
                removedEntries++;
                continue;
            }
            long size = it.size();
            Set<String> blobs = new HashSet<>();
            blobs.add(it.entry().logSha256());
            it.entry().outputs().forEach(o -> blobs.add(o.sha256()));
            for (String b : blobs) {
                if (!keptBlobs.contains(b)) {
                    Path bp = blobPath(b);
                    size += Files.exists(bp) ? Files.size(bp) : 0;
                }
            }
            if (!full && kept + size <= maxBytes) {
                kept += size;
                keptBlobs.addAll(blobs);
            } else {
                full = true;
                Files.deleteIfExists(it.file());
                removedEntries++;
            }
        }
        int removedBlobs = 0;
        long freed = 0;
        Path cas = dir.resolve("cas");
        if (Files.isDirectory(cas)) {
            try (DirectoryStream<Path> shards = Files.newDirectoryStream(cas)) {
                for (Path shard : shards) {
                    try (DirectoryStream<Path> blobs = Files.newDirectoryStream(shard)) {
                        for (Path b : blobs) {
                            if (!keptBlobs.contains(b.getFileName().toString())) {
                                freed += Files.size(b);
                                Files.delete(b);
                                removedBlobs++;
                            }
                        }
                    }
                }
            }
        }
        Path tmp = dir.resolve("tmp");
        if (Files.isDirectory(tmp)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
                for (Path t : ds) {
                    Files.deleteIfExists(t);
                }
            }
        }
        return new PruneResult(removedEntries, removedBlobs, freed, items.size() - removedEntries, kept);
    }

    /**
     * What {@link #prune} did.
     *
     * @param removedEntries entries deleted
     * @param removedBlobs   blobs deleted
     * @param freedBlobBytes bytes of blobs deleted
     * @param keptEntries    entries left
     * @param keptBytes      bytes left (entries plus referenced blobs)
     */
    public record PruneResult(int removedEntries, int removedBlobs, long freedBlobBytes, int keptEntries, long keptBytes) {
    }
}
