package dev.munero.engine.cache.remote;

import dev.munero.engine.cache.Hashing;
import dev.munero.engine.cache.remote.HttpStore.Kind;
import dev.munero.engine.cache.remote.HttpStore.RemoteFailure;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Values other than build outputs kept in a remote cache under a key of their own (issue 16.2: the responses of
 * completed model calls of a distributed run, under the call's digest), over the same two protocols as
 * {@link RemoteCache} ({@link HttpStore}).
 *
 * <p>Layout: the value under {@code cas/<its SHA-256>}, and under {@code ac/<key>} a small JSON manifest
 * {@code {"key": K, "sha256": H, "size": N}}. {@link #put} sends the value before the manifest, so a reader never sees
 * a manifest whose value was not sent. {@link #get} trusts a value only when its manifest names the key asked for and
 * the downloaded bytes hash to the manifest's SHA-256 with its size; anything else is {@link Unavailable}.
 *
 * <p>Requests are retried as {@link HttpStore} does; the {@link RemoteCacheSettings#mode()} is respected (no reads
 * in {@code write} mode, no writes in {@code read} mode). Thread-safe.
 */
public final class RemoteValues {
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RemoteCacheSettings settings;
    private final HttpStore store;

    /** @param settings the server, its protocol, token and time limit */
    public RemoteValues(RemoteCacheSettings settings) {
        this.settings = settings;
        this.store = new HttpStore(settings);
    }

    /** The server's settings (its {@code toString()} never shows the token). */
    public RemoteCacheSettings settings() {
        return settings;
    }

    /**
     * The value stored under {@code key}, verified; empty when the server has none or the mode does not read.
     *
     * @param key 64 lower-case hex characters
     * @throws IllegalArgumentException when {@code key} is not such
     * @throws Unavailable              when the server cannot be asked (after the retries) or refuses, or what it
     *                                  holds is damaged (the message says which)
     */
    public Optional<byte[]> get(String key) {
        check(key);
        if (!settings.mode().reads()) {
            return Optional.empty();
        }
        try {
            byte[] manifest = store.get(Kind.AC, key);
            if (manifest == null) {
                return Optional.empty();
            }
            JsonNode m;
            try {
                m = JSON.readTree(new String(manifest, StandardCharsets.UTF_8));
            } catch (JacksonException e) {
                throw new Unavailable("the entry of " + key.substring(0, 12) + " on " + settings.url()
                        + " is not JSON: " + e.getOriginalMessage());
            }
            String sha = m.path("sha256").asString("");
            if (!key.equals(m.path("key").asString("")) || !KEY.matcher(sha).matches()) {
                throw new Unavailable("the entry of " + key.substring(0, 12) + " on " + settings.url()
                        + " names another key or no SHA-256");
            }
            byte[] value = store.get(Kind.CAS, sha);
            if (value == null) {
                throw new Unavailable("the value of " + key.substring(0, 12) + " (" + sha.substring(0, 12)
                        + ") is gone from " + settings.url() + " (evicted?)");
            }
            if (value.length != m.path("size").asLong(-1) || !sha.equals(sha256(value))) {
                throw new Unavailable("the value of " + key.substring(0, 12) + " on " + settings.url()
                        + " does not hash to " + sha.substring(0, 12) + " (damaged)");
            }
            return Optional.of(value);
        } catch (RemoteFailure f) {
            throw new Unavailable(settings.url() + ": " + f.getMessage());
        }
    }

    /**
     * Stores {@code value} under {@code key} (nothing in {@code read} mode).
     *
     * @param key 64 lower-case hex characters
     * @throws IllegalArgumentException when {@code key} is not such
     * @throws Unavailable              when the server cannot be asked (after the retries), refuses, or has no room
     */
    public void put(String key, byte[] value) {
        check(key);
        if (!settings.mode().writes()) {
            return;
        }
        String sha = sha256(value);
        byte[] manifest = JSON.writeValueAsString(JSON.createObjectNode().put("key", key).put("sha256", sha)
                .put("size", value.length)).getBytes(StandardCharsets.UTF_8);
        try {
            store.put(Kind.CAS, sha, null, value);
            store.put(Kind.AC, key, null, manifest);
        } catch (RemoteFailure f) {
            throw new Unavailable(settings.url() + ": " + f.getMessage());
        }
    }

    private static void check(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a remote cache key is 64 lower-case hex characters, not '" + key + "'");
        }
    }

    private static String sha256(byte[] bytes) {
        return Hashing.hex(Hashing.sha256().digest(bytes));
    }

    /** The remote cache could not be used for a value: unreachable, refusing, out of room, or holding damage. */
    public static final class Unavailable extends RuntimeException {
        /** @param message what went wrong, naming the server and the key's first 12 characters */
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
