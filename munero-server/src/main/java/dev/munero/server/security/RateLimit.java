package dev.munero.server.security;

import dev.munero.core.app.AppException;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many requests one token may make per period: a token bucket of {@code requests} tokens refilled greedily over
 * {@code per} (bucket4j), so a burst of {@code requests} is allowed and then one request every
 * {@code per / requests}.
 *
 * @param requests at least 1
 * @param per      at least one second
 */
public record RateLimit(long requests, Duration per) {
    /** 600 requests a minute per token: a dashboard polling several routes every second stays under it. */
    public static final RateLimit DEFAULT = new RateLimit(600, Duration.ofMinutes(1));
    private static final Pattern FORM = Pattern.compile("(\\d+)/(\\d*)(s|m|h)");

    public RateLimit {
        Objects.requireNonNull(per, "per");
        if (requests < 1) {
            throw new IllegalArgumentException("a rate limit allows at least 1 request, not " + requests);
        }
        if (per.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a rate limit's period is at least 1s, not " + per);
        }
    }

    /**
     * Parses {@code N/PERIOD}: {@code 600/m}, {@code 10/s}, {@code 5000/h}, {@code 100/30s}.
     *
     * @throws AppException INVALID naming the value and the form it should have
     */
    public static RateLimit parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw AppException.invalid("bad rate limit '" + text + "': write requests per period, e.g. 600/m, 10/s, "
                    + "5000/h or 100/30s");
        }
        long count = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration unit = switch (m.group(3)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        try {
            return new RateLimit(Long.parseLong(m.group(1)), unit.multipliedBy(count));
        } catch (IllegalArgumentException e) {
            throw AppException.invalid("bad rate limit '" + text + "': " + e.getMessage());
        }
    }
}
