package dev.munero.llm;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A provider call failed. {@link #kind()} says why and {@link #retriable()} what the caller should do: 429,
 * 5xx, 529 (overloaded) and connection failures are worth another try; 400, 401, 403, malformed responses and
 * configuration errors are not (https://docs.anthropic.com/en/api/errors,
 * https://platform.openai.com/docs/guides/error-codes).
 *
 * <p>Messages never contain an API key.
 */
public class ProviderException extends RuntimeException {

    /** What went wrong, and whether a retry can help. */
    public enum Kind {
        RATE_LIMITED(true), OVERLOADED(true), SERVER_ERROR(true), CONNECTION(true), TIMEOUT(true),
        AUTHENTICATION(false), PERMISSION(false), INVALID_REQUEST(false), MALFORMED_RESPONSE(false),
        CONFIGURATION(false), REPLAY_MISMATCH(false);

        private final boolean retriable;

        Kind(boolean retriable) {
            this.retriable = retriable;
        }

        public boolean retriable() {
            return retriable;
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;

    public ProviderException(Kind kind, String message, int status, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public ProviderException(Kind kind, String message) {
        this(kind, message, 0, null, null);
    }

    public Kind kind() {
        return kind;
    }

    public boolean retriable() {
        return kind.retriable();
    }

    /** The HTTP status, when the failure was an HTTP error response. */
    public OptionalInt status() {
        return status == 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }

    /** The server's {@code retry-after}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
