package dev.munero.engine.cache.remote;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The two wire protocols as one key-value store of two namespaces: {@link Kind#AC} (a cache key → Munero's entry
 * manifest, JSON) and {@link Kind#CAS} (a SHA-256 → the blob with that content).
 *
 * <ul>
 *   <li>Bazel HTTP cache (the protocol of Bazel's {@code --remote_cache=http://...}, served by bazel-remote,
 *       BuildBuddy, nginx with WebDAV): {@code GET/HEAD/PUT <url>/ac/<key>} and {@code <url>/cas/<sha256>}; 404 is a
 *       miss. Source: bazel-remote's README, "HTTP/1.1 REST API" (a CAS key is the lower-case SHA-256 of the value, an AC
 *       key any 64 lower-case hex characters; PUT stores, GET reads, HEAD tells whether a key exists).</li>
 *   <li>Turborepo remote cache API v8 (Vercel, the self-hosted {@code turborepo-remote-cache}): {@code GET/HEAD/PUT
 *       <url>/v8/artifacts/<id>?teamId=<team>}, body {@code application/octet-stream}, {@code Authorization: Bearer};
 *       one namespace, so both kinds use their 64-hex hash as the id (a manifest is verified against its key and a
 *       blob against its hash, so the two can never be taken for each other). Checked against
 *       turborepo-remote-cache 2.12.0's routes ({@code dist/plugins/remote-cache/routes/*.js}).</li>
 * </ul>
 *
 * <p>Each call is retried with backoff and jitter (Failsafe) on what a retry can fix (a refused or reset connection,
 * a time-out, 429, 5xx), at most {@link #RETRIES} times; then it throws {@link RemoteFailure}. Thread-safe.
 */
final class HttpStore {
    /** Retries after the first attempt. */
    static final int RETRIES = 2;

    enum Kind { AC, CAS }

    private final RemoteCacheSettings settings;
    private final HttpClient http;
    private final RetryPolicy<Object> retry;

    HttpStore(RemoteCacheSettings settings) {
        this.settings = settings;
        // HTTP/1.1: the JDK's default asks http:// servers to upgrade to h2c, which neither nginx nor fastify do
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        this.retry = RetryPolicy.builder().handleIf(e -> e instanceof RemoteFailure f && f.retriable())
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)).withJitter(0.25).withMaxRetries(RETRIES).build();
    }

    /** Where {@code hash} of {@code kind} lives on the server. */
    URI uri(Kind kind, String hash) {
        String base = settings.url().toString();
        return URI.create(switch (settings.protocol()) {
            case BAZEL -> base + (kind == Kind.AC ? "/ac/" : "/cas/") + hash;
            case TURBOREPO -> base + "/v8/artifacts/" + hash + "?teamId=" + URLEncoder.encode(settings.team(), StandardCharsets.UTF_8);
        });
    }

    /**
     * The value of {@code hash}, or null when the server does not have it.
     *
     * @throws RemoteFailure when the server cannot be asked (after the retries) or refuses
     */
    byte[] get(Kind kind, String hash) {
        HttpResponse<byte[]> r = send(request(kind, hash).GET().build(), HttpResponse.BodyHandlers.ofByteArray(), "GET", hash);
        return r.statusCode() == 404 ? null : r.body();
    }

    /**
     * Downloads {@code hash} into the new file {@code target} (created), unverified.
     *
     * @return the bytes written, or -1 when the server does not have it (nothing is left at {@code target})
     * @throws RemoteFailure when the server cannot be asked (after the retries) or refuses
     */
    long download(Kind kind, String hash, Path target) {
        HttpResponse<Path> r = send(request(kind, hash).GET().build(), info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.ofFile(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)
                : HttpResponse.BodySubscribers.replacing(null), "GET", hash);
        if (r.statusCode() == 404) {
            return -1;
        }
        try {
            return Files.size(target);
        } catch (IOException e) {
            throw new RemoteFailure("cannot read the downloaded " + target + ": " + e.getMessage(), false, false);
        }
    }

    /**
     * Whether the server has {@code hash}.
     *
     * @throws RemoteFailure when the server cannot be asked (after the retries) or refuses
     */
    boolean exists(Kind kind, String hash) {
        HttpResponse<Void> r = send(request(kind, hash).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding(), "HEAD", hash);
        return r.statusCode() != 404;
    }

    /**
     * Stores {@code body} (a file, or bytes when {@code file} is null) under {@code hash}.
     *
     * @throws RemoteFailure when the server cannot be asked (after the retries) or refuses; {@link RemoteFailure#full()}
     *                       when it says it has no room (413, 507)
     */
    void put(Kind kind, String hash, Path file, byte[] bytes) {
        send(request(kind, hash).header("Content-Type", "application/octet-stream").PUT(publisher(file, bytes)).build(),
                HttpResponse.BodyHandlers.discarding(), "PUT", hash);
    }

    private static HttpRequest.BodyPublisher publisher(Path file, byte[] bytes) {
        if (file == null) {
            return HttpRequest.BodyPublishers.ofByteArray(bytes);
        }
        try {
            return HttpRequest.BodyPublishers.ofFile(file);
        } catch (java.io.FileNotFoundException e) {
            throw new RemoteFailure("the local blob " + file + " is gone (pruned meanwhile?)", false, false);
        }
    }

    private HttpRequest.Builder request(Kind kind, String hash) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(kind, hash)).timeout(settings.timeout());
        settings.token().ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body, String method, String hash) {
        try {
            return Failsafe.with(retry).get(() -> once(request, body, method, hash));
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new RemoteFailure("interrupted", false, false);
            }
            throw e.getCause() instanceof RemoteFailure f ? f : new RemoteFailure(String.valueOf(e.getCause()), false, false);
        }
    }

    private <T> HttpResponse<T> once(HttpRequest request, HttpResponse.BodyHandler<T> body, String method, String hash)
            throws InterruptedException {
        HttpResponse<T> r;
        try {
            r = http.send(request, body);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new RemoteFailure(method + " " + shortName(hash) + " timed out after "
                    + dev.munero.engine.config.Durations.format(settings.timeout()), true, false);
        } catch (IOException e) {
            throw new RemoteFailure(method + " " + shortName(hash) + " failed: " + describe(e), true, false);
        }
        int s = r.statusCode();
        if (s / 100 == 2 || s == 404 && !"PUT".equals(method)) {
            return r;
        }
        String what = method + " " + shortName(hash) + " answered " + s;
        if (s == 429 || s / 100 == 5 && s != 507) {
            throw new RemoteFailure(what, true, false);
        }
        if (s == 401 || s == 403) {
            throw new RemoteFailure(what + " (not allowed: check the token, " + RemoteCacheSettings.TOKEN_VARIABLE
                    + (settings.protocol() == RemoteCacheSettings.Protocol.TURBOREPO ? ", and the team " + settings.team() : "")
                    + ")", false, false);
        }
        if (s == 413 || s == 507) {
            throw new RemoteFailure(what + " (the server has no room for it)", false, true);
        }
        throw new RemoteFailure(what, false, false);
    }

    private static String shortName(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "connection refused" + (m == null || m.isBlank() ? "" : " (" + m + ")");
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /**
     * A request that did not succeed.
     *
     * @param retriable whether another attempt may succeed (connection, time-out, 429, 5xx)
     * @param full      whether the server refused a PUT for lack of room
     */
    static final class RemoteFailure extends RuntimeException {
        private final boolean retriable;
        private final boolean full;

        RemoteFailure(String message, boolean retriable, boolean full) {
            super(message, null, false, false);
            this.retriable = retriable;
            this.full = full;
        }

        boolean retriable() {
            return retriable;
        }

        boolean full() {
            return full;
        }
    }
}
