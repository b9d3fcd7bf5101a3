package dev.munero.llm.fake;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the fakes: strict on read (a duplicate key or trailing garbage is malformed JSON). */
final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /** @throws tools.jackson.core.JacksonException if {@code text} is not one well-formed JSON value */
    static JsonNode parse(String text) {
        return MAPPER.readTree(text);
    }

    static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The string value of {@code node}, or "" when it is absent or not a JSON string. */
    static String text(JsonNode node) {
        return node != null && node.isString() ? node.stringValue() : "";
    }

    /** Whether {@code node} is the JSON literal {@code true}. */
    static boolean isTrue(JsonNode node) {
        return node != null && node.isBoolean() && node.booleanValue();
    }
}
