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
 *   <li>{@code stream_event} (partial messages) and anything else: ignored with a debug note.</li>
 * </ul>
 * One instance per stream (it keeps the usage per message and the names of tool calls).
 */
final class ClaudeCodeStream implements StreamParser {
    private final Map<String, Usage> usageByMessage = new LinkedHashMap<>();
    private final Map<String, String> toolNames = new LinkedHashMap<>();

    @Override
    public void accept(JsonNode event, StreamState state, Consumer<WorkerEvent> out) {
        String type = event.path("type").asString();
        switch (type) {
            case "system" -> system(event, state, out);
            case "assistant" -> assistant(event, state, out);
            case "user" -> user(event, out);
            case "result" -> result(event, state, out);
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
            String id = message.path("id").asString("message-" + (usageByMessage.size() + 1));
            if (!usageByMessage.containsKey(id)) {
                state.turns++;
            }
            usageByMessage.put(id, usage(usage));
            state.usage = usageByMessage.values().stream().reduce(Usage.ZERO, Usage::plus);
            out.accept(state.usageUpdate());
        }
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
