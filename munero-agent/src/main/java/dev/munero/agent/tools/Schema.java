package dev.munero.agent.tools;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a tool's input schema: a JSON Schema {@code object} with typed, described properties and a
 * {@code required} list (the subset {@link Tool#inputSchema()} names). Not thread-safe; build once, then copy.
 * Public for the tools of other modules (the memory bank's).
 */
public final class Schema {
    private final ObjectNode root = JsonNodeFactory.instance.objectNode();
    private final ObjectNode properties;
    private final ArrayNode required;

    private Schema() {
        root.put("type", "object");
        properties = root.putObject("properties");
        required = root.putArray("required");
    }

    /** An empty object schema. */
    public static Schema object() {
        return new Schema();
    }

    /** A string property. */
    public Schema string(String name, String description, boolean isRequired) {
        return property(name, "string", description, isRequired);
    }

    /** An optional integer property of at least {@code minimum}. */
    public Schema integer(String name, String description, int minimum) {
        property(name, "integer", description, false);
        ((ObjectNode) properties.get(name)).put("minimum", minimum);
        return this;
    }

    /** An optional boolean property. */
    public Schema bool(String name, String description) {
        return property(name, "boolean", description, false);
    }

    /** An optional array-of-strings property. */
    public Schema stringArray(String name, String description) {
        property(name, "array", description, false);
        ((ObjectNode) properties.get(name)).putObject("items").put("type", "string");
        return this;
    }

    private Schema property(String name, String type, String description, boolean isRequired) {
        properties.putObject(name).put("type", type).put("description", description);
        if (isRequired) {
            required.add(name);
        }
        return this;
    }

    /** The schema; callers keep it and hand out {@link ObjectNode#deepCopy()}s. */
    public ObjectNode build() {
        return root.deepCopy();
    }
}
