package dev.munero.llm.record;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.StopReason;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.Usage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON form of model exchanges in a recording, and the request digest that replay matches on.
 *
 * <p>The digest is SHA-256 over a canonical JSON of the request (model, system prompt, tools, messages, max
 * output tokens). Tool results are normalised first, because they hold what changes from run to run without
 * changing the conversation: every run of digits becomes {@code #} (durations, timestamps, process ids) and each
 * given substitution is applied (the workspace's absolute path becomes {@code <workspace>}). Everything else
 * must be equal for a request to match.
 */
final class Exchanges {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private Exchanges() {
    }

    /** Digest of the whole request, and of its parts (for saying which part differs). */
    record Digest(String whole, String system, String tools, List<String> messages) { }

    static Digest digest(String model, ChatRequest request, Map<String, String> substitutions) {
        ObjectNode canonical = JSON.createObjectNode();
        canonical.put("model", model);
        canonical.put("max_output_tokens", request.maxOutputTokens());
        canonical.put("system", request.system());
        ArrayNode tools = canonical.putArray("tools");
        for (ToolDefinition tool : request.tools()) {
            ObjectNode t = tools.addObject();
            t.put("name", tool.name());
            t.put("description", tool.description());
            t.set("input_schema", tool.inputSchema());
        }
        ArrayNode messages = canonical.putArray("messages");
        List<String> messageDigests = new ArrayList<>();
        for (Message message : request.messages()) {
            ObjectNode m = message(message, substitutions);
            messages.add(m);
            messageDigests.add(sha256(JSON.writeValueAsString(m)).substring(0, 16));
        }
        return new Digest(sha256(JSON.writeValueAsString(canonical)),
                sha256(request.system()).substring(0, 16),
                sha256(JSON.writeValueAsString(tools)).substring(0, 16), messageDigests);
    }

    private static ObjectNode message(Message message, Map<String, String> substitutions) {
        ObjectNode m = JSON.createObjectNode();
        m.put("role", message.role().name().toLowerCase());
        ArrayNode content = m.putArray("content");
        for (ContentBlock block : message.content()) {
            switch (block) {
                case ContentBlock.ToolResult r -> {
                    String text = r.content();
                    for (var s : substitutions.entrySet()) {
                        text = text.replace(s.getKey(), s.getValue());
                    }
                    content.add(block(r).put("content", DIGITS.matcher(text).replaceAll("#")));
                }
                default -> content.add(block(block));
            }
        }
        return m;
    }

    static ObjectNode block(ContentBlock block) {
        ObjectNode b = JSON.createObjectNode();
        switch (block) {
            case ContentBlock.Text t -> b.put("type", "text").put("text", t.text());
            case ContentBlock.ToolCall c -> b.put("type", "tool_call").put("id", c.id()).put("name", c.name())
                    .put("arguments", c.argumentsJson());
            case ContentBlock.ToolResult r -> b.put("type", "tool_result").put("tool_call_id", r.toolCallId())
                    .put("content", r.content()).put("is_error", r.error());
        }
        return b;
    }

    static ObjectNode response(ChatResponse response) {
        ObjectNode r = JSON.createObjectNode();
        r.put("id", response.id());
        r.put("model", response.model());
        r.put("stop_reason", response.stopReason().name().toLowerCase());
        ArrayNode content = r.putArray("content");
        response.message().content().forEach(b -> content.add(block(b)));
        return r;
    }

    static ObjectNode usage(Usage usage) {
        return JSON.createObjectNode().put("input_tokens", usage.inputTokens())
                .put("output_tokens", usage.outputTokens()).put("cache_write_tokens", usage.cacheWriteTokens())
                .put("cache_read_tokens", usage.cacheReadTokens());
    }

    static ChatResponse readResponse(JsonNode r, JsonNode u) {
        List<ContentBlock> blocks = new ArrayList<>();
        for (JsonNode b : r.path("content")) {
            blocks.add(switch (b.path("type").asString("")) {
                case "text" -> new ContentBlock.Text(b.path("text").asString(""));
                case "tool_call" -> new ContentBlock.ToolCall(b.path("id").asString(""), b.path("name").asString(),
                        b.path("arguments").asString("{}"));
                default -> throw new IllegalArgumentException("unknown content block type '"
                        + b.path("type").asString("") + "'");
            });
        }
        Usage usage = new Usage(u.path("input_tokens").asLong(0), u.path("output_tokens").asLong(0),
                u.path("cache_write_tokens").asLong(0), u.path("cache_read_tokens").asLong(0));
        return new ChatResponse(new Message(Message.Role.ASSISTANT, blocks),
                StopReason.valueOf(r.path("stop_reason").asString("other").toUpperCase()), usage,
                r.path("model").asString(""), r.path("id").asString(""));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-256 is required of every JDK", e);
        }
    }
}
