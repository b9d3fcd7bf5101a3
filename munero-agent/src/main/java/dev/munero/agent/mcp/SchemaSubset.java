package dev.munero.agent.mcp;

import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reduces an MCP server's tool input schema (any JSON Schema; servers written with zod emit {@code anyOf}, type
 * arrays such as {@code ["string", "null"]}, {@code $ref}, {@code default}, {@code $schema}) to the subset Munero's
 * providers send ({@link dev.munero.agent.tools.Tool#inputSchema()}: objects with {@code properties},
 * {@code required}, {@code description}, {@code additionalProperties}; types string, integer, number, boolean,
 * array, object; {@code enum}), so one exotic schema cannot make every model request of a run fail. What cannot be
 * expressed becomes a string whose description says what the server expects (its original schema as JSON, cut at
 * 300 characters), and the server still validates the arguments it gets.
 *
 * <p>Thread-safe: stateless.
 */
final class SchemaSubset {
    private static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private SchemaSubset() {
    }

    /** The object schema of a tool's input; a missing or non-object schema gives an object without properties. */
    static ObjectNode reduce(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            ObjectNode out = NODES.objectNode().put("type", "object");
            out.putObject("properties");
            return out;
        }
        ObjectNode out = object(schema, 0);
        copyDescription(schema, out);
        if (schema.path("additionalProperties").isBoolean()) {
            out.put("additionalProperties", schema.get("additionalProperties").booleanValue());
        }
        return out;
    }

    private static JsonNode element(JsonNode node, int depth) {
        if (!node.isObject() || depth > 8) {
            return fallback(node);
        }
        if (node.has("enum") && node.get("enum").isArray()) {
            ObjectNode out = NODES.objectNode();
            out.put("type", "string");
            ArrayNode values = out.putArray("enum");
            node.get("enum").forEach(v -> {
                if (!v.isNull()) {
                    values.add(v.asString());
                }
            });
            copyDescription(node, out);
            return out;
        }
        JsonNode typed = node;
        String type = type(node);
        if (type == null) {
            for (String combinator : new String[] {"anyOf", "oneOf", "allOf"}) {
                for (JsonNode branch : node.path(combinator)) {
                    if (type(branch) != null) {
                        typed = branch;
                        type = type(branch);
                        break;
                    }
                }
                if (type != null) {
                    break;
                }
            }
        }
        if (type == null) {
            return fallback(node);
        }
        ObjectNode out = switch (type) {
            case "object" -> object(typed, depth);
            case "array" -> {
                ObjectNode a = NODES.objectNode();
                a.put("type", "array");
                a.set("items", typed.has("items") ? element(typed.get("items"), depth + 1)
                        : NODES.objectNode().put("type", "string"));
                yield a;
            }
            default -> NODES.objectNode().put("type", type);
        };
        copyDescription(node.has("description") ? node : typed, out);
        return out;
    }

    /** An object schema: its properties reduced, its required names that are properties. */
    private static ObjectNode object(JsonNode schema, int depth) {
        ObjectNode out = NODES.objectNode();
        out.put("type", "object");
        ObjectNode props = out.putObject("properties");
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            props.set(p.getKey(), element(p.getValue(), depth + 1));
        }
        ArrayNode required = NODES.arrayNode();
        for (JsonNode r : schema.path("required")) {
            if (r.isString() && props.has(r.stringValue())) {
                required.add(r.stringValue());
            }
        }
        if (!required.isEmpty()) {
            out.set("required", required);
        }
        return out;
    }

    /** The first supported type of {@code type} (a string or an array of them, {@code null} skipped), or null. */
    private static String type(JsonNode node) {
        JsonNode t = node.path("type");
        if (t.isString() && TYPES.contains(t.stringValue())) {
            return t.stringValue();
        }
        for (JsonNode each : t) {
            if (each.isString() && TYPES.contains(each.stringValue())) {
                return each.stringValue();
            }
        }
        return null;
    }

    private static ObjectNode fallback(JsonNode original) {
        ObjectNode out = NODES.objectNode();
        out.put("type", "string");
        String json = String.valueOf(original);
        out.put("description", "A JSON value as text; the server's schema: "
                + (json.length() <= 300 ? json : json.substring(0, 300) + "..."));
        return out;
    }

    private static void copyDescription(JsonNode from, ObjectNode to) {
        JsonNode d = from.get("description");
        if (d != null && d.isString()) {
            to.put("description", d.stringValue());
        }
    }
}
