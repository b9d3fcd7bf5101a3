package dev.munero.memory.tools;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a memory tool's input schema: a JSON Schema {@code object} with typed, described properties and a
 * {@code required} list (the subset {@link dev.munero.agent.tools.Tool#inputSchema()} names). Not thread-safe; build
 * once, then copy.
 */
final class Schemas {
    private final ObjectNode root = JsonNodeFactory.instance.objectNode();
    private final ObjectNode properties;
    private final ArrayNode required;

    private Schemas() {
        root.put("type", "object");
        properties = root.putObject("properties");
        required = root.putArray("required");
    }

    static Schemas object() {
        return new Schemas();
    }

    Schemas text(String name, String description, boolean isRequired) {
        properties.putObject(name).put("type", "string").put("description", description);
        if (isRequired) {
            required.add(name);
        }
        return this;
    }

    Schemas texts(String name, String description) {
        properties.putObject(name).put("type", "array").put("description", description).putObject("items")
                .put("type", "string");
        return this;
    }

    Schemas integer(String name, String description, int minimum) {
        properties.putObject(name).put("type", "integer").put("description", description).put("minimum", minimum);
        return this;
    }

    ObjectNode build() {
        return root.deepCopy();
    }
}
