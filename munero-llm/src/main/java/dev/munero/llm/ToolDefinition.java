package dev.munero.llm;

import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool offered to the model.
 *
 * @param name        {@code ^[a-zA-Z0-9_-]{1,64}$} (the pattern both the Anthropic and OpenAI APIs accept)
 * @param description what it does, for the model
 * @param inputSchema a JSON Schema object for its arguments: {@code type: object} with {@code properties} of type
 *                    string, integer, number, boolean, array (of those) or enum, and {@code required}
 */
public record ToolDefinition(String name, String description, ObjectNode inputSchema) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(inputSchema, "inputSchema");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool name must match " + NAME + ": " + name);
        }
        inputSchema = inputSchema.deepCopy();
    }
}
