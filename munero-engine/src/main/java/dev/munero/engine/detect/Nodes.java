package dev.munero.engine.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** Null-safe reads from Jackson trees of JSON and TOML build files. */
final class Nodes {

    private Nodes() {
    }

    /** The child at {@code path} (object keys), or null when any step is missing or not an object. */
    static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node;
        for (String key : path) {
            if (current == null || !current.isObject()) {
                return null;
            }
            current = current.get(key);
        }
        return current;
    }

    /** The string at {@code path}, empty when missing or not a string. */
    static Optional<String> string(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n != null && n.isString() ? Optional.of(n.stringValue()) : Optional.empty();
    }

    /** Whether {@code path} leads to an object. */
    static boolean isObject(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        return n != null && n.isObject();
    }

    /** The string elements of the array at {@code path}; empty when missing; non-strings are ignored. */
    static List<String> strings(JsonNode node, String... path) {
        JsonNode n = at(node, path);
        List<String> out = new ArrayList<>();
        if (n != null && n.isArray()) {
            for (JsonNode e : n.values()) {
                if (e.isString()) {
                    out.add(e.stringValue());
                }
            }
        }
        return out;
    }
}
