package dev.munero.llm.internal;

import dev.langchain4j.exception.HttpException;
import java.time.Duration;
import java.util.Optional;

/**
 * An HTTP error response, as {@link Transport} reports it to LangChain4j: the status and body LangChain4j
 * expects, plus the {@code retry-after} header, which its own {@link HttpException} drops.
 */
final class StatusException extends HttpException {
    private final Duration retryAfter;

    StatusException(int status, String body, Duration retryAfter) {
        super(status, body);
        this.retryAfter = retryAfter;
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Parses a {@code retry-after} value: delay-seconds (what Anthropic and OpenAI send) or an HTTP date
     * (RFC 9110 section 10.2.3). Returns null when absent or unreadable.
     */
    static Duration parseRetryAfter(String value, java.time.Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        // delay-seconds is 1*DIGIT; fractions are accepted, but not what else Double.parseDouble reads ("NaN",
        // "Infinity", "1e3", "30d")
        if (v.matches("\\d+(\\.\\d+)?")) {
            return Duration.ofMillis((long) (Double.parseDouble(v) * 1000));
        }
        try {
            var when = java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(clock.instant(), when.toInstant());
            return d.isNegative() ? Duration.ZERO : d;
        } catch (java.time.format.DateTimeParseException unreadable) {
            return null;
        }
    }
}
