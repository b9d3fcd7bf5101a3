package dev.munero.core.loop;

/**
 * Cutting text for events and commit messages; also used by {@code core.remote}, whose phases record the same events.
 * Thread-safe (pure functions).
 */
public final class Text {
    private Text() {
    }

    /** {@code text}, or its first {@code max} characters and an ellipsis when it is longer. */
    public static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    /** The first non-blank line of {@code text} (leading and trailing blanks stripped), at most 120 characters. */
    static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return cut(line, 120);
    }
}
