package dev.munero.server;

import java.util.Map;
import java.util.Objects;

/**
 * A refusal the server answers as an RFC 9457 {@code application/problem+json} body: {@code type}
 * ({@code urn:munero:problem:<slug>}), {@code title} (the status's reason phrase), {@code status}, {@code detail}
 * (what was wrong and what to send instead) and {@code instance} (the request path). Handlers and the {@link Guard}
 * throw it; {@link Problems} writes it. Immutable.
 */
public final class ProblemException extends RuntimeException {
    private final int status;
    private final String slug;
    private final Map<String, String> headers;

    /**
     * @param status  the HTTP status, 400 to 599
     * @param slug    the last part of the type URN, e.g. {@code bad-request}, {@code rate-limited}
     * @param detail  what was wrong and what to do, shown to the caller as it is
     * @param headers extra response headers (e.g. {@code Retry-After}); may be empty
     */
    public ProblemException(int status, String slug, String detail, Map<String, String> headers) {
        super(Objects.requireNonNull(detail, "detail"));
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a problem's status is 400 to 599, was " + status);
        }
        this.status = status;
        this.slug = Objects.requireNonNull(slug, "slug");
        this.headers = Map.copyOf(headers);
    }

    /** A 400 with the type {@code urn:munero:problem:bad-request}. */
    public static ProblemException badRequest(String detail) {
        return new ProblemException(400, "bad-request", detail, Map.of());
    }

    /** A 404 with the type {@code urn:munero:problem:not-found}. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", detail, Map.of());
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The last part of the problem type URN. */
    public String slug() {
        return slug;
    }

    /** Extra response headers. */
    public Map<String, String> headers() {
        return headers;
    }
}
