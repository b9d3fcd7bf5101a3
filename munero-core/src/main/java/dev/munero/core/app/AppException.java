package dev.munero.core.app;

import java.util.Objects;

/**
 * The one error type of the application API ({@link Runs}, {@link Builds}): what was wrong and what to do, in the
 * words the CLI prints after {@code munero: error:}. Front ends map its {@link Kind} to their own terms: the CLI
 * to an exit code, the REST server to an HTTP status in an RFC 9457 {@code application/problem+json} body, the
 * MCP server to a tool result with {@code isError}.
 *
 * <p>Immutable; thread-safe.
 */
public final class AppException extends RuntimeException {
    /** What kind of failure; each front end maps it the same way every time. */
    public enum Kind {
        /** No such run, iteration, step, report or database (CLI exit 2, HTTP 404). */
        NOT_FOUND,
        /** Bad input: a value out of range, a spec that is empty, a model name that does not parse (2, 400). */
        INVALID,
        /** The request is valid but not now: the run has ended, is running, or is not paused (2, 409). */
        CONFLICT,
        /** Something outside Munero failed: git, the file system, the model provider's set-up (1, 503). */
        UNAVAILABLE
    }

    private final Kind kind;

    /**
     * @param kind    what kind of failure
     * @param message what was wrong, where, and what to do; shown to the user as it is
     */
    public AppException(Kind kind, String message) {
        this(kind, message, null);
    }

    /**
     * @param kind    what kind of failure
     * @param message what was wrong, where, and what to do; shown to the user as it is
     * @param cause   the underlying failure, kept for debugging (never shown instead of {@code message})
     */
    public AppException(Kind kind, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** What kind of failure this is. */
    public Kind kind() {
        return kind;
    }

    /** A {@link Kind#NOT_FOUND}. */
    public static AppException notFound(String message) {
        return new AppException(Kind.NOT_FOUND, message);
    }

    /** An {@link Kind#INVALID}. */
    public static AppException invalid(String message) {
        return new AppException(Kind.INVALID, message);
    }

    /** A {@link Kind#CONFLICT}. */
    public static AppException conflict(String message) {
        return new AppException(Kind.CONFLICT, message);
    }

    /** An {@link Kind#UNAVAILABLE}. */
    public static AppException unavailable(String message, Throwable cause) {
        return new AppException(Kind.UNAVAILABLE, message, cause);
    }
}
