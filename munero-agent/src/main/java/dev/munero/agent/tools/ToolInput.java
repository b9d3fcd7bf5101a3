package dev.munero.agent.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import tools.jackson.databind.JsonNode;

/**
 * A tool call's arguments, checked as they are read: every problem is a {@link ToolFailure} naming the tool, the
 * field and what it should be. Lenient where models often are: {@code "10"} for an integer, {@code "true"} for a
 * boolean, {@code null} for a missing optional field.
 *
 * <p>Public for the tools of other modules that extend {@link AbstractTool}, which makes it; not thread-safe (one
 * per call).
 */
public final class ToolInput {
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

    /** A required string (possibly empty). @throws ToolFailure when missing or not a string */
    public String string(String field) throws ToolFailure {
        return optionalString(field).orElseThrow(() -> new ToolFailure(tool + ": '" + field + "' is required (a string)"));
    }

    /** A required string that is not blank. @throws ToolFailure when missing, not a string or blank */
    public String nonBlank(String field) throws ToolFailure {
        String value = string(field);
        if (value.isBlank()) {
            throw new ToolFailure(tool + ": '" + field + "' must not be empty");
        }
        return value;
    }

    /** An optional string; empty when missing or null. @throws ToolFailure when not a string */
    public Optional<String> optionalString(String field) throws ToolFailure {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isString()) {
            throw new ToolFailure(tool + ": '" + field + "' must be a string, got " + v);
        }
        return Optional.of(v.stringValue());
    }

    /** An optional integer in {@code [min, max]}. @throws ToolFailure when not an integer or out of range */
    public OptionalInt optionalInt(String field, int min, int max) throws ToolFailure {
        OptionalLong value = optionalLong(field, min, max);
        return value.isPresent() ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
    }

    /**
     * An optional integer in {@code [min, max]}, as a whole number or a string of digits.
     *
     * @throws ToolFailure when not an integer or out of range
     */
    public OptionalLong optionalLong(String field, long min, long max) throws ToolFailure {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return OptionalLong.empty();
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
        return OptionalLong.of(value);
    }

    /** An optional boolean; {@code missing} when absent. @throws ToolFailure when not true or false */
    public boolean bool(String field, boolean missing) throws ToolFailure {
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

    /** An optional array of strings (one string: a list of it); empty when missing. @throws ToolFailure otherwise */
    public List<String> strings(String field) throws ToolFailure {
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
