package dev.munero.server.security;

import java.util.Map;
import java.util.Objects;

/**
 * A request the {@link TokenGuard} turns away, to be answered as RFC 9457 {@code application/problem+json}: 401
 * {@code unauthorized} (with {@code WWW-Authenticate}), 403 {@code forbidden}, 429 {@code rate-limited} (with
 * {@code Retry-After}, seconds), 503 {@code unavailable} (the server database cannot be read). The detail never
 * contains a token.
 */
public final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String slug;
    private final transient Map<String, String> headers;

    Refused(int status, String slug, String detail, Map<String, String> headers) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.status = status;
        this.slug = Objects.requireNonNull(slug, "slug");
        this.headers = Map.copyOf(headers);
    }

    /** 401, 403, 429 or 503. */
    public int status() {
        return status;
    }

    /** The last part of the problem type URN ({@code urn:munero:problem:<slug>}). */
    public String slug() {
        return slug;
    }

    /** Response headers it needs ({@code WWW-Authenticate}, {@code Retry-After}). */
    public Map<String, String> headers() {
        return headers;
    }
}
