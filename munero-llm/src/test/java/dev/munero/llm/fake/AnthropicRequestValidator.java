package dev.munero.llm.fake;

import static dev.munero.llm.fake.Problems.at;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The strict body rules of {@link FakeAnthropicServer}, from the Messages API reference
 * (https://docs.anthropic.com/en/api/messages), the tool-use guide
 * (https://docs.anthropic.com/en/docs/build-with-claude/tool-use/implement-tool-use: each {@code tool_use} is answered
 * by a {@code tool_result} in the very next user message, and tool results come before any other content there) and
 * the prompt-caching guide (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching: {@code cache_control}
 * is {@code {"type":"ephemeral"}} with an optional {@code ttl} of 5m or 1h, on at most 4 blocks).
 *
 * <p>It accepts only the fields Munero is expected to send, a subset of what the API accepts: an unknown or newer
 * field (e.g. {@code service_tier}, a tool's {@code strict}, {@code citations}) is a failure, so a provider cannot
 * send a field nobody reviewed. One instance per request.
 */
final class AnthropicRequestValidator {
    static final Set<String> TOP_LEVEL = Set.of("model", "max_tokens", "messages", "system", "tools", "tool_choice",
            "stream", "temperature", "top_p", "top_k", "stop_sequences", "metadata", "thinking");
    /** The top-level fields Claude Code 2.1 adds (its beta features context management and effort). */
    static final Set<String> CLAUDE_CODE_TOP_LEVEL = Set.of("context_management", "output_config");
    /** The API rejects a request with more cache breakpoints than this. */
    static final int MAX_CACHE_CONTROL_BLOCKS = 4;
    private static final Pattern TOOL_NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");
    private static final Set<String> IMAGE_MEDIA_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    private final Problems problems;
    private final boolean claudeCode;
    private int cacheControlBlocks;

    private AnthropicRequestValidator(Problems problems, boolean claudeCode) {
        this.problems = problems;
        this.claudeCode = claudeCode;
    }

    static void validate(JsonNode body, Problems problems) {
        validate(body, problems, false);
    }

    /**
     * With {@code claudeCode}, also accepts what Claude Code 2.1.197 sends with its {@code anthropic-beta} features:
     * {@code context_management} ({@code edits} of type {@code clear_thinking_20251015} or
     * {@code clear_tool_uses_20250919}), {@code output_config} ({@code effort}: low, medium, high, max) and
     * {@code thinking: {"type": "adaptive"}}; nothing else more.
     */
    static void validate(JsonNode body, Problems problems, boolean claudeCode) {
        new AnthropicRequestValidator(problems, claudeCode).body(body);
    }

    private void body(JsonNode body) {
        if (!problems.object(body, "")) {
            return;
        }
        if (claudeCode) {
            Set<String> allowed = new HashSet<>(TOP_LEVEL);
            allowed.addAll(CLAUDE_CODE_TOP_LEVEL);
            problems.onlyFields(body, "", allowed);
            problems.field(body, "", "context_management", this::contextManagement);
            problems.field(body, "", "output_config", (node, path) -> {
                if (problems.object(node, path)) {
                    problems.onlyFields(node, path, Set.of("effort"));
                    problems.oneOf(node.path("effort"), at(path, "effort"), Set.of("low", "medium", "high", "max"));
                }
            });
        } else {
            problems.onlyFields(body, "", TOP_LEVEL);
        }
        problems.required(body, "", "model", "max_tokens", "messages");
        problems.field(body, "", "model", problems::nonBlank);
        problems.field(body, "", "max_tokens", (node, path) -> problems.integer(node, path, 1, Integer.MAX_VALUE));
        problems.field(body, "", "system", this::system);
        problems.field(body, "", "tools", this::tools);
        problems.field(body, "", "tool_choice", this::toolChoice);
        problems.field(body, "", "stream", problems::bool);
        problems.field(body, "", "temperature", (node, path) -> problems.number(node, path, 0, 1));
        problems.field(body, "", "top_p", (node, path) -> problems.number(node, path, 0, 1));
        problems.field(body, "", "top_k", (node, path) -> problems.integer(node, path, 0, Integer.MAX_VALUE));
        problems.field(body, "", "stop_sequences", problems::strings);
        problems.field(body, "", "metadata", this::metadata);
        problems.field(body, "", "thinking", (node, path) -> thinking(node, path, body.path("max_tokens")));
        problems.field(body, "", "messages", this::messages);
        if (cacheControlBlocks > MAX_CACHE_CONTROL_BLOCKS) {
            problems.add("", "found " + cacheControlBlocks + " blocks with cache_control; the API allows at most "
                    + MAX_CACHE_CONTROL_BLOCKS);
        }
    }

    private void system(JsonNode system, String path) {
        if (system.isString()) {
            return;
        }
        problems.eachObject(system, path, (block, blockPath) -> {
            problems.onlyFields(block, blockPath, Set.of("type", "text", "cache_control"));
            problems.oneOf(block.path("type"), at(blockPath, "type"), Set.of("text"));
            nonEmptyText(block, blockPath);
            cacheControl(block, blockPath);
        });
    }

    private void tools(JsonNode tools, String path) {
        Set<String> names = new HashSet<>();
        problems.eachObject(tools, path, (tool, toolPath) -> {
            problems.onlyFields(tool, toolPath, Set.of("name", "description", "input_schema", "cache_control"));
            problems.required(tool, toolPath, "name", "input_schema");
            if (tool.has("name") && problems.matches(tool.get("name"), at(toolPath, "name"), TOOL_NAME)
                    && !names.add(tool.get("name").stringValue())) {
                problems.add(at(toolPath, "name"), "duplicate tool name " + tool.get("name"));
            }
            problems.field(tool, toolPath, "description", problems::string);
            problems.field(tool, toolPath, "input_schema", (schema, schemaPath) -> {
                if (problems.object(schema, schemaPath)) {
                    problems.oneOf(schema.path("type"), at(schemaPath, "type"), Set.of("object"));
                }
            });
            cacheControl(tool, toolPath);
        });
    }

    private void toolChoice(JsonNode choice, String path) {
        if (!problems.object(choice, path)) {
            return;
        }
        problems.onlyFields(choice, path, Set.of("type", "name", "disable_parallel_tool_use"));
        problems.required(choice, path, "type");
        problems.oneOf(choice.path("type"), at(path, "type"), Set.of("auto", "any", "tool", "none"));
        boolean isTool = Json.text(choice.path("type")).equals("tool");
        if (isTool != choice.has("name")) {
            problems.add(path, "\"name\" is required with type \"tool\" and only with it");
        }
        if (choice.has("name")) {
            problems.string(choice.get("name"), at(path, "name"));
        }
        if (choice.has("disable_parallel_tool_use")) {
            problems.bool(choice.get("disable_parallel_tool_use"), at(path, "disable_parallel_tool_use"));
        }
    }

    private void metadata(JsonNode metadata, String path) {
        if (problems.object(metadata, path)) {
            problems.onlyFields(metadata, path, Set.of("user_id"));
            if (metadata.has("user_id") && !metadata.get("user_id").isNull()) {
                problems.string(metadata.get("user_id"), at(path, "user_id"));
            }
        }
    }

    private void contextManagement(JsonNode node, String path) {
        if (!problems.object(node, path)) {
            return;
        }
        problems.onlyFields(node, path, Set.of("edits"));
        problems.eachObject(node.path("edits"), at(path, "edits"), (edit, editPath) -> problems.oneOf(
                edit.path("type"), at(editPath, "type"), Set.of("clear_thinking_20251015", "clear_tool_uses_20250919")));
    }

    private void thinking(JsonNode thinking, String path, JsonNode maxTokens) {
        if (!problems.object(thinking, path)) {
            return;
        }
        if (claudeCode && Json.text(thinking.path("type")).equals("adaptive")) {
            problems.onlyFields(thinking, path, Set.of("type"));
            return;
        }
        problems.onlyFields(thinking, path, Set.of("type", "budget_tokens"));
        problems.oneOf(thinking.path("type"), at(path, "type"), Set.of("enabled", "disabled"));
        boolean enabled = Json.text(thinking.path("type")).equals("enabled");
        if (enabled != thinking.has("budget_tokens")) {
            problems.add(path, "\"budget_tokens\" is required with type \"enabled\" and only with it");
        }
        if (thinking.has("budget_tokens")
                && problems.integer(thinking.get("budget_tokens"), at(path, "budget_tokens"), 1024, Integer.MAX_VALUE)
                && maxTokens.isIntegralNumber() && thinking.get("budget_tokens").longValue() >= maxTokens.longValue()) {
            problems.add(at(path, "budget_tokens"), "must be less than max_tokens (" + maxTokens + ")");
        }
    }

    private void messages(JsonNode messages, String path) {
        if (!problems.array(messages, path)) {
            return;
        }
        if (messages.isEmpty()) {
            problems.add(path, "must not be empty");
        }
        List<String> unanswered = List.of();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String messagePath = at(path, i);
            if (!problems.object(message, messagePath)) {
                continue;
            }
            problems.onlyFields(message, messagePath, Set.of("role", "content"));
            problems.required(message, messagePath, "role", "content");
            problems.oneOf(message.path("role"), at(messagePath, "role"), Set.of("user", "assistant"));
            String role = Json.text(message.path("role"));
            Turn turn = new Turn();
            JsonNode content = message.path("content");
            if (content.isArray()) {
                for (int j = 0; j < content.size(); j++) {
                    block(content.get(j), at(at(messagePath, "content"), j), role, turn);
                }
            } else if (message.has("content") && !content.isString()) {
                problems.add(at(messagePath, "content"), "expected a string or an array of content blocks, got "
                        + content.getNodeType());
            }
            List<String> missing = new ArrayList<>(unanswered);
            missing.removeAll(turn.toolResultIds);
            if (!missing.isEmpty()) {
                problems.add(messagePath, "tool_use ids " + missing + " of messages[" + (i - 1)
                        + "] have no tool_result blocks in this message, which must immediately follow");
            }
            for (String id : turn.toolResultIds) {
                if (!unanswered.contains(id)) {
                    problems.add(messagePath, "tool_result for tool_use_id \"" + id
                            + "\" answers no tool_use block of the previous (assistant) message");
                }
            }
            unanswered = turn.toolUseIds;
        }
        if (!unanswered.isEmpty()) {
            problems.add(path, "the last message asks for tool_use ids " + unanswered + " that no tool_result answers");
        }
    }

    /** What one message's blocks declare, for the tool-use pairing rules. */
    private static final class Turn {
        final List<String> toolUseIds = new ArrayList<>();
        final List<String> toolResultIds = new ArrayList<>();
        boolean sawNonToolResult;
    }

    private void block(JsonNode block, String path, String role, Turn turn) {
        if (!problems.object(block, path)) {
            return;
        }
        String type = Json.text(block.path("type"));
        switch (type) {
            case "text" -> {
                problems.onlyFields(block, path, Set.of("type", "text", "cache_control"));
                nonEmptyText(block, path);
            }
            case "image" -> image(block, path);
            case "tool_use" -> {
                onlyIn("assistant", role, path, type);
                problems.onlyFields(block, path, Set.of("type", "id", "name", "input", "cache_control"));
                problems.required(block, path, "id", "name", "input");
                if (block.has("id") && problems.string(block.get("id"), at(path, "id"))) {
                    turn.toolUseIds.add(block.get("id").stringValue());
                }
                if (block.has("name")) {
                    problems.matches(block.get("name"), at(path, "name"), TOOL_NAME);
                }
                if (block.has("input")) {
                    problems.object(block.get("input"), at(path, "input"));
                }
            }
            case "tool_result" -> {
                onlyIn("user", role, path, type);
                if (turn.sawNonToolResult) {
                    problems.add(path, "tool_result blocks must come before any other content of the message");
                }
                toolResult(block, path, turn);
            }
            case "thinking", "redacted_thinking" -> {
                onlyIn("assistant", role, path, type);
                Set<String> fields = type.equals("thinking") ? Set.of("type", "thinking", "signature")
                        : Set.of("type", "data");
                problems.onlyFields(block, path, fields);
                fields.stream().filter(f -> !f.equals("type")).forEach(f -> {
                    problems.required(block, path, f);
                    if (block.has(f)) {
                        problems.string(block.get(f), at(path, f));
                    }
                });
                return; // thinking blocks cannot carry cache_control; onlyFields has reported it
            }
            default -> problems.add(at(path, "type"), "expected one of [image, redacted_thinking, text, thinking,"
                    + " tool_result, tool_use], got " + block.path("type"));
        }
        if (!type.equals("tool_result")) {
            turn.sawNonToolResult = true;
        }
        cacheControl(block, path);
    }

    private void toolResult(JsonNode block, String path, Turn turn) {
        problems.onlyFields(block, path, Set.of("type", "tool_use_id", "content", "is_error", "cache_control"));
        problems.required(block, path, "tool_use_id");
        if (block.has("tool_use_id") && problems.string(block.get("tool_use_id"), at(path, "tool_use_id"))) {
            turn.toolResultIds.add(block.get("tool_use_id").stringValue());
        }
        if (block.has("is_error")) {
            problems.bool(block.get("is_error"), at(path, "is_error"));
        }
        JsonNode content = block.path("content");
        if (content.isArray()) {
            problems.eachObject(content, at(path, "content"), (inner, innerPath) -> {
                if (Json.text(inner.path("type")).equals("image")) {
                    image(inner, innerPath);
                } else if (problems.oneOf(inner.path("type"), at(innerPath, "type"), Set.of("text", "image"))) {
                    problems.onlyFields(inner, innerPath, Set.of("type", "text", "cache_control"));
                    nonEmptyText(inner, innerPath);
                }
                cacheControl(inner, innerPath);
            });
        } else if (block.has("content") && !content.isString()) {
            problems.add(at(path, "content"), "expected a string or an array of text and image blocks, got "
                    + content.getNodeType());
        }
    }

    private void image(JsonNode block, String path) {
        problems.onlyFields(block, path, Set.of("type", "source", "cache_control"));
        problems.required(block, path, "source");
        JsonNode source = block.path("source");
        String sourcePath = at(path, "source");
        if (!block.has("source") || !problems.object(source, sourcePath)) {
            return;
        }
        if (!problems.oneOf(source.path("type"), at(sourcePath, "type"), Set.of("base64", "url"))) {
            return;
        }
        if (source.get("type").stringValue().equals("base64")) {
            problems.onlyFields(source, sourcePath, Set.of("type", "media_type", "data"));
            problems.required(source, sourcePath, "media_type", "data");
            problems.oneOf(source.path("media_type"), at(sourcePath, "media_type"), IMAGE_MEDIA_TYPES);
            problems.string(source.path("data"), at(sourcePath, "data"));
        } else {
            problems.onlyFields(source, sourcePath, Set.of("type", "url"));
            problems.required(source, sourcePath, "url");
            problems.string(source.path("url"), at(sourcePath, "url"));
        }
    }

    private void nonEmptyText(JsonNode block, String path) {
        problems.required(block, path, "text");
        if (block.has("text") && problems.string(block.get("text"), at(path, "text"))
                && block.get("text").stringValue().isEmpty()) {
            problems.add(at(path, "text"), "text content blocks must be non-empty");
        }
    }

    private void onlyIn(String expectedRole, String role, String path, String type) {
        if (!role.equals(expectedRole)) {
            problems.add(path, type + " blocks belong in " + expectedRole + " messages, not in a " + role + " message");
        }
    }

    private void cacheControl(JsonNode holder, String path) {
        if (!holder.has("cache_control")) {
            return;
        }
        cacheControlBlocks++;
        JsonNode control = holder.get("cache_control");
        String controlPath = at(path, "cache_control");
        if (problems.object(control, controlPath)) {
            problems.onlyFields(control, controlPath, Set.of("type", "ttl"));
            problems.oneOf(control.path("type"), at(controlPath, "type"), Set.of("ephemeral"));
            if (control.has("ttl")) {
                problems.oneOf(control.get("ttl"), at(controlPath, "ttl"), Set.of("5m", "1h"));
            }
        }
    }
}
