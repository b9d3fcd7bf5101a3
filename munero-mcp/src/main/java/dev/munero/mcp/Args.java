package dev.munero.mcp;

import dev.munero.core.app.AppException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tool call's arguments, read by name with the tool's name in every error: a wrong type or a missing required
 * argument is an {@link AppException} INVALID, which the tool answers with {@code isError}. Immutable.
 */
final class Args {
    private final String tool;
    private final Map<String, Object> values;

    Args(String tool, Map<String, Object> values) {
        this.tool = tool;
        this.values = values == null ? Map.of() : values;
    }

    /** A required text argument, not blank. */
    String text(String name) {
        String s = optionalText(name);
        if (s == null || s.isBlank()) {
            throw AppException.invalid(tool + " needs the argument " + name + " (a string)");
        }
        return s;
    }

    /** A text argument, or null when absent. */
    String optionalText(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw wrong(name, "a string", v);
        }
        return s;
    }

    /** A list of strings; empty when absent. */
    List<String> texts(String name) {
        Object v = values.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw wrong(name, "an array of strings", v);
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw wrong(name, "an array of strings", v);
            }
            out.add(s);
        }
        return out;
    }

    /** A boolean, or {@code absent} when not given. */
    Boolean flag(String name, Boolean absent) {
        Object v = values.get(name);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Boolean b)) {
            throw wrong(name, "true or false", v);
        }
        return b;
    }

    /** A number, or null when absent. */
    Double number(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Number n)) {
            throw wrong(name, "a number", v);
        }
        return n.doubleValue();
    }

    /** A whole number from {@code min} to {@code max}, or {@code absent} when not given. */
    Long integer(String name, Long absent, long min, long max) {
        Object v = values.get(name);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw wrong(name, "a whole number", v);
        }
        long l = n.longValue();
        if (l < min || l > max) {
            throw AppException.invalid(tool + ": " + name + " must be " + min + " to " + max + ", was " + l);
        }
        return l;
    }

    /** A duration such as {@code 90s}, {@code 30m}, {@code 2h}, or null when absent. */
    Duration duration(String name) {
        String s = optionalText(name);
        if (s == null) {
            return null;
        }
        try {
            return dev.munero.engine.config.Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(tool + ": " + name + " must be a duration such as 90s, 30m or 2h, was '" + s
                    + "'");
        }
    }

    private AppException wrong(String name, String expected, Object was) {
        return AppException.invalid(tool + ": " + name + " must be " + expected + ", was " + was);
    }
}
