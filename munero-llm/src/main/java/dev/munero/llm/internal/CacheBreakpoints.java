package dev.munero.llm.internal;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Adds Anthropic's rolling prompt-cache breakpoint to a Messages API request body: {@code cache_control:
 * {"type":"ephemeral"}} on the last content block of the last message, so the next request (the same prefix
 * plus the new turn) reads everything up to here from the cache.
 *
 * <p>LangChain4j marks the system prompt and the tool definitions itself ({@code cacheSystemMessages},
 * {@code cacheTools}) but can mark only user text, not the tool results that end most agent turns; this fills
 * that gap. The API allows at most 4 breakpoints per request, so none is added when 4 are already there.
 * Source: https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching ("cache_control", "Cache
 * limitations").
 *
 * <p>Only the last message changes; every earlier byte is left as LangChain4j wrote it, so each request's
 * prefix is byte-identical to the previous request's. Stateless and thread-safe.
 */
final class CacheBreakpoints {
    static final int MAX_BREAKPOINTS = 4;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CacheBreakpoints() {
    }

    /** The body with the breakpoint added; the body unchanged when it is not a Messages request. */
    static String addRolling(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            return body;
        }
        if (!(root instanceof ObjectNode request) || !(request.get("messages") instanceof ArrayNode messages)
                || messages.isEmpty() || countBreakpoints(request) >= MAX_BREAKPOINTS) {
            return body;
        }
        if (!(messages.get(messages.size() - 1) instanceof ObjectNode last)) {
            return body;
        }
        JsonNode content = last.get("content");
        ObjectNode block;
        if (content != null && content.isString()) {
            ArrayNode blocks = JSON.createArrayNode();
            block = blocks.addObject();
            block.put("type", "text");
            block.put("text", content.asString());
            last.set("content", blocks);
        } else if (content instanceof ArrayNode blocks && !blocks.isEmpty()
                && blocks.get(blocks.size() - 1) instanceof ObjectNode lastBlock) {
            block = lastBlock;
        } else {
            return body;
        }
        if (block.has("cache_control") || "thinking".equals(block.path("type").asString(""))) {
            return body;
        }
        block.putObject("cache_control").put("type", "ephemeral");
        return JSON.writeValueAsString(request);
    }

    static int countBreakpoints(JsonNode node) {
        int count = 0;
        if (node.isObject()) {
            for (var entry : node.properties()) {
                if (entry.getKey().equals("cache_control")) {
                    count++;
                } else {
                    count += countBreakpoints(entry.getValue());
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                count += countBreakpoints(child);
            }
        }
        return count;
    }
}
