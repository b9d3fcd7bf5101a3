package dev.munero.agent.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/**
 * A tool call's arguments, checked as they are read: every problem is a {@link ToolFailure} naming the tool, the
 * field and what it should be. Lenient where models often are: {@code "10"} for an integer, {@code "true"} for a
 * boolean, {@code null} for a missing optional field.
 */
final class ToolInput {
    private final String tool;
    private final JsonNode node;

    /**
     * @throws ToolFailure when {@code node} is not a JSON object
     */
    ToolInput(String tool, JsonNode node) throws ToolFailure {
        if (node == null || !node.isObject()) {
            throw new ToolFailure(tool + " takes an object of arguments, got " + node);
        }
        this.tool = tool;
        this.node = node;
    }

    /** A required string (possibly empty). */
    String string(String field) throws ToolFailure {
        return optionalString(field).orElseThrow(() -> new ToolFailure(tool + ": '" + field + "' is required (a string)"));
    }

    /** A required string that is not blank. */
    String nonBlank(String field) throws ToolFailure {
        String value = string(field);
        if (value.isBlank()) {
            throw new ToolFailure(tool + ": '" + field + "' must not be empty");
        }
        return value;
    }

    Optional<String> optionalString(String field) throws ToolFailure {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isString()) {
            throw new ToolFailure(tool + ": '" + field + "' must be a string, got " + v);
        }
        return Optional.of(v.stringValue());
    }

    /** An optional integer in {@code [min, max]}. */
    OptionalInt optionalInt(String field, int min, int max) throws ToolFailure {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return OptionalInt.empty();
        }
        long value;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            value = v.longValue();
        } else if (v.isString() && v.stringValue().strip().matches("-?\\d{1,18}")) {
            value = Long.parseLong(v.stringValue().strip());
        } else {
            throw new ToolFailure(tool + ": '" + field + "' must be an integer, got " + v);
        }
        if (value < min || value > max) {
            throw new ToolFailure(tool + ": '" + field + "' must be between " + min + " and " + max + ", got " + value);
        }
        return OptionalInt.of((int) value);
    }

    boolean bool(String field, boolean missing) throws ToolFailure {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return missing;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isString() && (v.stringValue().equals("true") || v.stringValue().equals("false"))) {
            return Boolean.parseBoolean(v.stringValue());
        }
        throw new ToolFailure(tool + ": '" + field + "' must be true or false, got " + v);
    }

    /** An optional array of strings; empty when missing. */
    List<String> strings(String field) throws ToolFailure {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isString()) {
            return List.of(v.stringValue());
        }
        if (!v.isArray()) {
            throw new ToolFailure(tool + ": '" + field + "' must be an array of strings, got " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isString()) {
                throw new ToolFailure(tool + ": '" + field + "' must hold strings only, got " + e);
            }
            out.add(e.stringValue());
        }
        return out;
    }
}
