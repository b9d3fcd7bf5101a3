package dev.munero.llm.internal;

import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Converts a tool's JSON Schema (the subset {@link dev.munero.llm.ToolDefinition} allows) to LangChain4j's
 * schema model, which its providers serialise back to the wire.
 */
final class Schemas {
    private Schemas() {
    }

    static JsonObjectSchema toObjectSchema(JsonNode schema, String where) {
        if (!"object".equals(schema.path("type").asString(""))) {
            throw new IllegalArgumentException(where + ": the input schema must have type object");
        }
        JsonObjectSchema.Builder builder = JsonObjectSchema.builder();
        if (schema.has("description")) {
            builder.description(schema.get("description").asString());
        }
        for (var property : schema.path("properties").properties()) {
            builder.addProperty(property.getKey(), element(property.getValue(), where + "." + property.getKey()));
        }
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(r -> required.add(r.asString()));
        if (!required.isEmpty()) {
            builder.required(required);
        }
        if (schema.has("additionalProperties")) {
            builder.additionalProperties(schema.get("additionalProperties").asBoolean());
        }
        return builder.build();
    }

    private static JsonSchemaElement element(JsonNode node, String where) {
        String description = node.has("description") ? node.get("description").asString() : null;
        if (node.has("enum")) {
            List<String> values = new ArrayList<>();
            node.get("enum").forEach(v -> values.add(v.asString()));
            return JsonEnumSchema.builder().enumValues(values).description(description).build();
        }
        String type = node.path("type").asString("");
        return switch (type) {
            case "string" -> JsonStringSchema.builder().description(description).build();
            case "integer" -> JsonIntegerSchema.builder().description(description).build();
            case "number" -> JsonNumberSchema.builder().description(description).build();
            case "boolean" -> JsonBooleanSchema.builder().description(description).build();
            case "array" -> JsonArraySchema.builder().description(description)
                    .items(element(node.path("items"), where + "[]")).build();
            case "object" -> toObjectSchema(node, where);
            default -> throw new IllegalArgumentException(where + ": unsupported schema type '" + type + "'");
        };
    }
}
