package dev.munero.memory.tools;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A memory tool call's arguments, checked as they are read: a problem is an {@link IllegalArgumentException} whose
 * message names the tool, the field and what it should be (the tool returns it to the model as an error result).
 * Lenient where models often are: {@code "3"} for an integer, one string for a list of strings, {@code null} for a
 * missing optional field.
 */
final class ToolArgs {
    private final String tool;
    private final JsonNode node;

    /** @throws IllegalArgumentException when {@code node} is not a JSON object */
    ToolArgs(String tool, JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(tool + " takes an object of arguments, got " + node);
        }
        this.tool = tool;
        this.node = node;
    }

    /** A required string that is not blank. */
    String text(String field) {
        String value = optionalText(field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(tool + ": '" + field + "' is required (a non-empty string)");
        }
        return value;
    }

    /** An optional string; null when missing. */
    String optionalText(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new IllegalArgumentException(tool + ": '" + field + "' must be a string, got " + v);
        }
        return v.stringValue();
    }

    /** An optional integer in {@code [min, max]}; {@code fallback} when missing. */
    long integer(String field, long fallback, long min, long max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        long value;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            value = v.longValue();
        } else if (v.isString() && v.stringValue().strip().matches("-?\\d{1,18}")) {
            value = Long.parseLong(v.stringValue().strip());
        } else {
            throw new IllegalArgumentException(tool + ": '" + field + "' must be an integer, got " + v);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(tool + ": '" + field + "' must be from " + min + " to " + max
                    + ", got " + value);
        }
        return value;
    }

    /** An optional array of strings; empty when missing. */
    List<String> texts(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isString()) {
            return List.of(v.stringValue());
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException(tool + ": '" + field + "' must be an array of strings, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isString()) {
                throw new IllegalArgumentException(tool + ": '" + field + "' must hold strings only, got " + e);
            }
            out.add(e.stringValue());
        }
        return out;
    }
}
