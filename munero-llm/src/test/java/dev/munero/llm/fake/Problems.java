package dev.munero.llm.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Collects what is wrong with one request, each problem prefixed by where it is, e.g.
 * {@code messages[1].content[0]: unexpected field "citations"}. The type checks return whether the node has the
 * type, so a validator can stop descending into a node that is already wrong.
 *
 * <p>Not thread-safe: one instance per request.
 */
final class Problems {
    private static final Pattern NON_BLANK = Pattern.compile("(?s).*\\S.*");

    private final List<String> found = new ArrayList<>();

    void add(String path, String message) {
        found.add(path.isEmpty() ? message : path + ": " + message);
    }

    List<String> list() {
        return List.copyOf(found);
    }

    static String at(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    static String at(String path, int index) {
        return path + "[" + index + "]";
    }

    /** Applies {@code rule} to {@code object.name} with its path, if the field is present. */
    void field(JsonNode object, String path, String name, BiConsumer<JsonNode, String> rule) {
        if (object.has(name)) {
            rule.accept(object.get(name), at(path, name));
        }
    }

    /** Reports each field of {@code object} that is not in {@code allowed}. */
    void onlyFields(JsonNode object, String path, Set<String> allowed) {
        for (String name : object.propertyNames()) {
            if (!allowed.contains(name)) {
                add(path, "unexpected field \"" + name + "\" (this fake expects only " + new TreeSet<>(allowed) + ")");
            }
        }
    }

    void required(JsonNode object, String path, String... names) {
        for (String name : names) {
            if (!object.has(name)) {
                add(path, "missing required field \"" + name + "\"");
            }
        }
    }

    boolean object(JsonNode node, String path) {
        return expect(node.isObject(), node, path, "an object");
    }

    boolean array(JsonNode node, String path) {
        return expect(node.isArray(), node, path, "an array");
    }

    boolean string(JsonNode node, String path) {
        return expect(node.isString(), node, path, "a string");
    }

    boolean bool(JsonNode node, String path) {
        return expect(node.isBoolean(), node, path, "a boolean");
    }

    /** Checks an integer in {@code [min, max]}. */
    boolean integer(JsonNode node, String path, long min, long max) {
        if (!expect(node.isIntegralNumber(), node, path, "an integer")) {
            return false;
        }
        return inRange(node.doubleValue(), node, path, min, max);
    }

    /** Checks a number in {@code [min, max]}. */
    boolean number(JsonNode node, String path, double min, double max) {
        if (!expect(node.isNumber(), node, path, "a number")) {
            return false;
        }
        return inRange(node.doubleValue(), node, path, min, max);
    }

    boolean oneOf(JsonNode node, String path, Set<String> values) {
        if (!string(node, path)) {
            return false;
        }
        return expect(values.contains(node.stringValue()), node, path, "one of " + new TreeSet<>(values));
    }

    boolean matches(JsonNode node, String path, Pattern pattern) {
        if (!string(node, path)) {
            return false;
        }
        return expect(pattern.matcher(node.stringValue()).matches(), node, path, "a string matching " + pattern);
    }

    /**
     * Checks {@code node} is an array and applies {@code rule} to each element that is an object, with its path.
     *
     * @return whether {@code node} is an array
     */
    boolean eachObject(JsonNode node, String path, BiConsumer<JsonNode, String> rule) {
        if (!array(node, path)) {
            return false;
        }
        for (int i = 0; i < node.size(); i++) {
            if (object(node.get(i), at(path, i))) {
                rule.accept(node.get(i), at(path, i));
            }
        }
        return true;
    }

    /** Reports an empty array, where the API wants the field left out instead. */
    void nonEmpty(JsonNode array, String path) {
        if (array.isArray() && array.isEmpty()) {
            add(path, "must not be an empty array (leave the field out instead)");
        }
    }

    /** Checks a string with at least one non-whitespace character. */
    boolean nonBlank(JsonNode node, String path) {
        return matches(node, path, NON_BLANK);
    }

    /** Checks a JSON array of strings. */
    void strings(JsonNode node, String path) {
        if (array(node, path)) {
            for (int i = 0; i < node.size(); i++) {
                string(node.get(i), at(path, i));
            }
        }
    }

    private boolean inRange(double value, JsonNode node, String path, double min, double max) {
        String range = max >= Integer.MAX_VALUE ? "at least " + format(min)
                : "in [" + format(min) + ", " + format(max) + "]";
        return expect(value >= min && value <= max, node, path, range);
    }

    private static String format(double bound) {
        boolean integral = bound == Math.rint(bound) && Math.abs(bound) < 1e15;
        return integral ? Long.toString((long) bound) : Double.toString(bound);
    }

    private boolean expect(boolean ok, JsonNode node, String path, String what) {
        if (!ok) {
            String type = node.getNodeType().name().toLowerCase(Locale.ROOT);
            boolean showValue = node.isValueNode() && !node.isNull();
            add(path, "expected " + what + ", got " + (showValue ? type + " " + node : type));
        }
        return ok;
    }
}
