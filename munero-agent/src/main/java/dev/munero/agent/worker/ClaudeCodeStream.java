package dev.munero.agent.worker;

import dev.munero.llm.Usage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Claude Code's {@code --output-format stream-json --verbose} events (seen from Claude Code 2.1.197; shapes as in the
 * Agent SDK's {@code SDKMessage} types, https://docs.anthropic.com/en/docs/claude-code/sdk):
 * <ul>
 *   <li>{@code system} with {@code subtype: init}: {@code session_id}, {@code model}; other subtypes are noted;</li>
 *   <li>{@code assistant}: an API message ({@code message.id}, {@code content} blocks {@code text},
 *       {@code tool_use}, {@code thinking}, and {@code usage}); Claude Code may send one event per content block of
 *       the same message, each with the message's usage, so usage is kept per message id, not added per event;</li>
 *   <li>{@code user}: {@code tool_result} blocks ({@code tool_use_id}, {@code is_error}, {@code content});</li>
 *   <li>{@code result}: {@code subtype} ({@code success}, {@code error_max_turns}, {@code error_max_budget_usd},
 *       {@code error_during_execution}, ...), {@code is_error}, {@code result}, {@code total_cost_usd},
 *       {@code usage}, {@code num_turns}, {@code session_id}: the final event;</li>
 *   <li>{@code stream_event} ({@code --include-partial-messages}, which Munero passes): the Messages API's stream
 *       events as Claude Code receives them, wrapped with {@code session_id} and {@code parent_tool_use_id}.
 *       {@code message_start} carries the message's id and its usage at the start (input and cache tokens exact,
 *       output tokens as of the start); {@code message_delta} carries the cumulative usage when the message ends
 *       (at least {@code output_tokens}); they are the only place a stream shows a message's final output tokens
 *       before {@code result}, and a call cut off mid-response shows only its {@code message_start}. The content
 *       events are not read (the {@code assistant} event repeats them whole); another event type is a debug note;</li>
 *   <li>anything else: ignored with a debug note.</li>
 * </ul>
 * A message's usage is the largest count of each kind seen in its {@code message_start}, {@code message_delta} and
 * {@code assistant} events (Claude Code 2.1.197 prints the {@code assistant} event, with the start's usage, before
 * the {@code message_delta}); the stream's usage until {@code result} is the sum over messages, so a stream cut off
 * by a kill counts every completed call exactly and a call cut off mid-response at what it streamed.
 * One instance per stream (it keeps the usage per message and the names of tool calls).
 */
final class ClaudeCodeStream implements StreamParser {
    private final Map<String, Usage> usageByMessage = new LinkedHashMap<>();
    private final Map<String, String> toolNames = new LinkedHashMap<>();
    /** The message each agent (by {@code parent_tool_use_id}, "" for the main one) is streaming now. */
    private final Map<String, String> openMessages = new LinkedHashMap<>();

    @Override
    public void accept(JsonNode event, StreamState state, Consumer<WorkerEvent> out) {
        String type = event.path("type").asString();
        switch (type) {
            case "system" -> system(event, state, out);
            case "assistant" -> assistant(event, state, out);
            case "user" -> user(event, out);
            case "result" -> result(event, state, out);
            case "stream_event" -> streamEvent(event, state, out);
            default -> StreamState.unknown("type \"" + type + "\"", out);
        }
    }

    private static void system(JsonNode event, StreamState state, Consumer<WorkerEvent> out) {
        String subtype = event.path("subtype").asString("");
        if (!subtype.equals("init")) {
            StreamState.unknown("system/" + subtype, out);
            return;
        }
        state.sessionId = event.path("session_id").asString(state.sessionId);
        if (event.path("model").isString()) {
            state.model = event.path("model").asString();
        }
        out.accept(new WorkerEvent.SessionStarted(state.sessionId, state.model));
    }

    private void assistant(JsonNode event, StreamState state, Consumer<WorkerEvent> out) {
        JsonNode message = event.path("message");
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asString("")) {
                case "text" -> {
                    String text = block.path("text").asString("");
                    if (!text.isBlank()) {
                        state.summary = text;
                        out.accept(new WorkerEvent.AssistantText(text));
                    }
                }
                case "tool_use" -> {
                    String id = block.path("id").asString("");
                    String name = block.path("name").asString("");
                    toolNames.put(id, name);
                    out.accept(new WorkerEvent.ToolUse(id, name, StreamState.json(block.path("input"))));
                }
                case "thinking", "redacted_thinking" -> { }
                default -> StreamState.unknown("assistant content block \"" + block.path("type").asString("")
                        + "\"", out);
            }
        }
        JsonNode usage = message.path("usage");
        if (usage.isObject()) {
            count(message.path("id").asString("message-" + (usageByMessage.size() + 1)), usage, state, out);
        }
    }

    /** A partial-message event: the usage of {@code message_start} and {@code message_delta}. */
    private void streamEvent(JsonNode event, StreamState state, Consumer<WorkerEvent> out) {
        JsonNode inner = event.path("event");
        String parent = event.path("parent_tool_use_id").isString() ? event.path("parent_tool_use_id").asString() : "";
        String type = inner.path("type").asString("");
        switch (type) {
            case "message_start" -> {
                JsonNode message = inner.path("message");
                String id = message.path("id").asString("message-" + (usageByMessage.size() + 1));
                openMessages.put(parent, id);
                if (message.path("usage").isObject()) {
                    count(id, message.path("usage"), state, out);
                }
            }
            case "message_delta" -> {
                String id = openMessages.get(parent);
                if (id != null && inner.path("usage").isObject()) {
                    count(id, inner.path("usage"), state, out);
                }
            }
            case "content_block_start", "content_block_delta", "content_block_stop", "message_stop", "ping" -> { }
            default -> StreamState.unknown("stream_event \"" + type + "\"", out);
        }
    }

    /** Counts {@code usage} for message {@code id}: the largest count of each kind seen for it so far. */
    private void count(String id, JsonNode usage, StreamState state, Consumer<WorkerEvent> out) {
        Usage before = usageByMessage.get(id);
        if (before == null) {
            state.turns++;
            before = Usage.ZERO;
        }
        usageByMessage.put(id, new Usage(
                Math.max(before.inputTokens(), usage.path("input_tokens").asLong(0)),
                Math.max(before.outputTokens(), usage.path("output_tokens").asLong(0)),
                Math.max(before.cacheWriteTokens(), usage.path("cache_creation_input_tokens").asLong(0)),
                Math.max(before.cacheReadTokens(), usage.path("cache_read_input_tokens").asLong(0))));
        state.usage = usageByMessage.values().stream().reduce(Usage.ZERO, Usage::plus);
        out.accept(state.usageUpdate());
    }

    private void user(JsonNode event, Consumer<WorkerEvent> out) {
        JsonNode content = event.path("message").path("content");
        if (!content.isArray()) {
            return; // the prompt itself, echoed on resume
        }
        for (JsonNode block : content) {
            if (block.path("type").asString("").equals("tool_result")) {
                String id = block.path("tool_use_id").asString("");
                out.accept(new WorkerEvent.ToolResult(id, toolNames.getOrDefault(id, ""),
                        block.path("is_error").asBoolean(false), StreamState.text(block.path("content"))));
            }
        }
    }

    private static void result(JsonNode event, StreamState state, Consumer<WorkerEvent> out) {
        String subtype = event.path("subtype").asString("");
        boolean error = event.path("is_error").asBoolean(false);
        if (subtype.equals("success") && !error) {
            state.verdict = StreamState.Final.SUCCESS;
        } else if (subtype.startsWith("error_max")) {
            state.verdict = StreamState.Final.LIMIT;
            state.verdictDetail = "Claude Code stopped at its limit (" + subtype + ")";
        } else {
            state.verdict = StreamState.Final.ERROR;
            state.verdictDetail = "Claude Code reported an error (" + subtype
                    + (event.path("api_error_status").isNumber() ? ", API status "
                    + event.path("api_error_status").asInt() : "") + ")";
        }
        if (event.path("result").isString()) {
            state.summary = event.path("result").asString();
            if (state.verdict == StreamState.Final.ERROR) {
                state.verdictDetail += ": " + StreamState.abbreviate(state.summary);
            }
        }
        state.sessionId = event.path("session_id").asString(state.sessionId);
        if (event.path("num_turns").isNumber()) {
            state.turns = event.path("num_turns").asInt();
        }
        if (event.path("usage").isObject()) {
            state.usage = usage(event.path("usage"));
        }
        if (event.path("total_cost_usd").isNumber()) {
            state.reportedCostUsd = OptionalDouble.of(event.path("total_cost_usd").asDouble());
        }
        out.accept(state.usageUpdate());
    }

    private static Usage usage(JsonNode u) {
        return new Usage(u.path("input_tokens").asLong(0), u.path("output_tokens").asLong(0),
                u.path("cache_creation_input_tokens").asLong(0), u.path("cache_read_input_tokens").asLong(0));
    }
}
