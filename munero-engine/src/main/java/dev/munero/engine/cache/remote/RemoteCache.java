package dev.munero.engine.cache.remote;

import dev.munero.engine.cache.CacheCorruptException;
import dev.munero.engine.cache.CacheEntry;
import dev.munero.engine.cache.LocalCache;
import dev.munero.engine.cache.remote.HttpStore.Kind;
import dev.munero.engine.cache.remote.HttpStore.RemoteFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A build's remote cache (issue 16), behind the local one: a local miss asks it ({@link #fetch}), and a step that ran
 * is uploaded to it ({@link #upload}) off the critical path, awaited at the end ({@link #finish}).
 *
 * <p>Layout on the server (both protocols, see {@link HttpStore}): the entry manifest of cache key {@code K} (the JSON
 * of {@link CacheEntry}, as {@code .munero/cache/ac/} holds it: the fingerprint, each output's path, SHA-256, size and
 * executable bit, the log's SHA-256) under {@code ac/K}; each output file's content and the log under {@code cas/<its
 * SHA-256>}. An upload puts the blobs the server lacks (HEAD, then PUT) before the manifest, so a reader never sees a
 * manifest whose blobs were not sent.
 *
 * <p>What is trusted: a manifest only when it parses, its key and its fingerprint's key are the key asked for; a hit
 * only when every blob it references (and the local cache lacks) exists on the server (HEAD), since a server may evict
 * blobs behind an entry (bazelbuild/bazel#12423, buchgr/bazel-remote#185); each blob only once its downloaded content
 * hashes to its name. Anything else is a miss with one warning: the step runs, and its upload replaces the bad blob.
 * Downloads go to the local cache's {@code tmp/} and are renamed into place, then the manifest is written locally
 * (atomically), and the step is restored by {@link LocalCache#restore} as any local hit.
 *
 * <p>Never fails a build: each request has a time limit and is retried with backoff ({@link HttpStore}); when the
 * server still cannot be used (unreachable, too slow, refusing the token, a 5xx that persists) the build gives ONE
 * warning and uses only the local cache from then on. A server out of room (413, 507) stops uploads only.
 *
 * <p>Thread-safe: steps on several threads fetch and upload at once.
 */
public final class RemoteCache {
    /** How long the end of a build waits for uploads still running. */
    public static final Duration UPLOAD_WAIT = Duration.ofSeconds(60);
    private static final int UPLOAD_THREADS = 4;

    private final RemoteCacheSettings settings;
    private final LocalCache local;
    private final Consumer<String> warn;
    private final HttpStore store;
    private final ExecutorService uploads;
    private final AtomicReference<String> problem = new AtomicReference<>();
    private volatile boolean down;
    private volatile boolean uploadsOff;
    /** Set when {@link #finish} stopped waiting: what the interrupted uploads run into is not news. */
    private volatile boolean abandoned;
    /** Blobs found corrupt on the server: uploaded again even though HEAD finds them. */
    private final Set<String> bad = ConcurrentHashMap.newKeySet();
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicLong downloaded = new AtomicLong();
    private final AtomicInteger uploaded = new AtomicInteger();
    private final AtomicLong uploadedBytes = new AtomicLong();
    private final AtomicInteger submitted = new AtomicInteger();
    private final AtomicInteger settled = new AtomicInteger();

    /**
     * @param settings the server and how to use it
     * @param local    the build's local cache, which downloads go into
     * @param warn     receives the warnings (the build listener's); called from any thread
     */
    public RemoteCache(RemoteCacheSettings settings, LocalCache local, Consumer<String> warn) {
        this.settings = settings;
        this.local = local;
        this.warn = warn;
        this.store = new HttpStore(settings);
        this.uploads = Executors.newFixedThreadPool(UPLOAD_THREADS, r -> {
            Thread t = new Thread(r, "munero-remote-upload");
            t.setDaemon(true);
            return t;
        });
    }

    /** The settings in use. */
    public RemoteCacheSettings settings() {
        return settings;
    }

    /**
     * A hit downloaded into the local cache.
     *
     * @param entry           the entry, now stored locally with all its blobs
     * @param downloadedBytes bytes downloaded for it (manifest and the blobs the local cache lacked)
     */
    public record Fetched(CacheEntry entry, long downloadedBytes) {
    }

    /**
     * Looks {@code key} up remotely and, on a trusted hit, stores the entry and its blobs in the local cache.
     *
     * @param key  the step's cache key
     * @param step the step's name, for warnings
     * @return the hit; empty on a miss, when reading is off, when the server cannot be used, or when the entry cannot
     * be trusted (then with one warning naming the step)
     */
    public Optional<Fetched> fetch(String key, String step) {
        if (!settings.mode().reads() || down) {
            return Optional.empty();
        }
        try {
            byte[] manifest = store.get(Kind.AC, key);
            if (manifest == null) {
                return Optional.empty();
            }
            long bytes = manifest.length;
            CacheEntry entry;
            try {
                entry = LocalCache.fromBytes(manifest, key);
            } catch (CacheCorruptException e) {
                warn.accept("remote cache: " + e.getMessage() + "; step " + step + " runs instead");
                return Optional.empty();
            }
            Set<String> blobs = new LinkedHashSet<>();
            blobs.add(entry.logSha256());
            entry.outputs().forEach(o -> blobs.add(o.sha256()));
            blobs.removeIf(local::hasBlob);
            for (String b : blobs) {
                if (!store.exists(Kind.CAS, b)) {
                    warn.accept("remote cache: the entry of step " + step + " references blob " + b.substring(0, 12)
                            + " that the server no longer has; a miss, the step runs instead");
                    return Optional.empty();
                }
            }
            for (String b : blobs) {
                Path tmp = local.newTempFile();
                try {
                    long n = store.download(Kind.CAS, b, tmp);
                    if (n < 0) {
                        warn.accept("remote cache: blob " + b.substring(0, 12) + " of step " + step
                                + " vanished from the server while it was downloaded; a miss, the step runs instead");
                        return Optional.empty();
                    }
                    bytes += n;
                    local.adoptBlob(tmp, b);
                } catch (CacheCorruptException e) {
                    bad.add(b);
                    warn.accept("remote cache: " + e.getMessage() + " on the server, not what its name says; step " + step
                            + " runs instead, and its upload replaces the blob");
                    return Optional.empty();
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            local.putEntry(entry);
            hits.incrementAndGet();
            downloaded.addAndGet(bytes);
            return Optional.of(new Fetched(entry, bytes));
        } catch (RemoteFailure e) {
            unusable(e);
            return Optional.empty();
        } catch (IOException e) {
            warn.accept("remote cache: cannot store a download in the local cache " + local.dir() + ": " + e.getMessage()
                    + "; step " + step + " runs instead");
            return Optional.empty();
        }
    }

    /**
     * Uploads a locally stored entry in the background: each blob the server lacks, then the manifest. Returns at
     * once; {@link #finish} waits for it. Nothing happens when writing is off or the server cannot be used.
     */
    public void upload(CacheEntry entry) {
        if (!settings.mode().writes() || down || uploadsOff) {
            return;
        }
        submitted.incrementAndGet();
        try {
            uploads.execute(() -> {
                try {
                    uploadNow(entry);
                } finally {
                    settled.incrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            settled.incrementAndGet(); // finished already: a step stored after the build's end, none in practice
        }
    }

    private void uploadNow(CacheEntry entry) {
        if (down || uploadsOff) {
            return;
        }
        try {
            Set<String> blobs = new LinkedHashSet<>();
            blobs.add(entry.logSha256());
            entry.outputs().forEach(o -> blobs.add(o.sha256()));
            long bytes = 0;
            for (String b : blobs) {
                if (!bad.contains(b) && store.exists(Kind.CAS, b)) {
                    continue;
                }
                Path file = local.blobFile(b);
                store.put(Kind.CAS, b, file, null);
                bytes += Files.size(file);
                bad.remove(b);
            }
            byte[] manifest = LocalCache.toBytes(entry);
            store.put(Kind.AC, entry.key(), null, manifest);
            uploaded.incrementAndGet();
            uploadedBytes.addAndGet(bytes + manifest.length);
        } catch (RemoteFailure e) {
            if (e.full()) {
                uploadsOff = true;
                tell("remote cache " + settings.url() + " refused an upload: " + e.getMessage()
                        + "; this build uploads nothing more (restoring from it goes on)");
            } else {
                unusable(e);
            }
        } catch (IOException e) {
            // the local blob went away (a concurrent prune): this entry is not uploaded, nothing else is affected
        }
    }

    /**
     * Waits for the uploads still running, at most {@code bound} (those not finished by then are abandoned, with a
     * warning), and says what the build did with the remote cache. Call once, at the end of the build.
     */
    public RemoteCacheReport finish(Duration bound) {
        uploads.shutdown();
        boolean done;
        try {
            done = uploads.awaitTermination(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        int unfinished = 0;
        if (!done) {
            abandoned = true; // the interrupted uploads say nothing more
            unfinished = Math.max(0, submitted.get() - settled.get());
            if (unfinished > 0) {
                tell(unfinished + " upload" + (unfinished == 1 ? "" : "s") + " to the remote cache " + settings.url()
                        + " did not finish within " + dev.munero.engine.config.Durations.format(bound)
                        + "; abandoned (the local cache has them)");
            }
            uploads.shutdownNow();
        }
        return new RemoteCacheReport(settings.url().toString(), settings.protocol().name().toLowerCase(Locale.ROOT),
                settings.mode().name().toLowerCase(Locale.ROOT), hits.get(), downloaded.get(), uploaded.get(),
                uploadedBytes.get(), unfinished, problem.get());
    }

    private void unusable(RemoteFailure e) {
        down = true;
        if (abandoned) {
            return;
        }
        tell("remote cache " + settings.url() + " cannot be used: " + e.getMessage()
                + (e.retriable() ? " (after " + (HttpStore.RETRIES + 1) + " attempts)" : "")
                + "; this build goes on with the local cache only");
    }

    /** The build's one warning about the server itself: the first one wins, later ones are not repeated. */
    private void tell(String message) {
        if (problem.compareAndSet(null, message)) {
            warn.accept(message);
        }
    }
}
