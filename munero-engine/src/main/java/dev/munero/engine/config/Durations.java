package dev.munero.engine.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration syntax of munero.yaml and the command line: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h},
 * {@code 7d} (days of 24 hours), {@code 2w} (weeks of 7 days), or whole seconds. Every duration Munero reads (step
 * timeouts, {@code --timeout}, {@code MUNERO_TIMEOUT}, {@code sessions cleanup --max-age}) goes through here.
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("([0-9]+)(ms|s|m|h|d|w)?");

    private Durations() {
    }

    /**
     * @param text e.g. {@code 30s}; a bare integer is seconds
     * @throws IllegalArgumentException when {@code text} is not of that form (the message quotes it)
     */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 30s, 10m, 2h, 7d or 2w");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            long n = Long.parseLong(m.group(1));
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(Math.multiplyExact(n, 7L));
                default -> throw new AssertionError(unit);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }

    /** The shortest exact form of {@code d} in this syntax, e.g. {@code 90s}, {@code 10m}, {@code 7d}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 604_800_000 == 0 && ms > 0) {
            return ms / 604_800_000 + "w";
        }
        if (ms % 86_400_000 == 0 && ms > 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
