package dev.munero.agent.worker;

import dev.munero.llm.Usage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Gemini CLI's {@code -o stream-json} events, from the {@code JsonStreamEventType} emitter of
 * {@code @google/gemini-cli} 0.61.0 (its bundled {@code nonInteractiveCli} and {@code StreamJsonFormatter}):
 * <ul>
 *   <li>{@code init}: {@code session_id}, {@code model};</li>
 *   <li>{@code message}: {@code role} ({@code user}|{@code assistant}), {@code content}, {@code delta} (assistant
 *       text comes in pieces);</li>
 *   <li>{@code tool_use}: {@code tool_name}, {@code tool_id}, {@code parameters};</li>
 *   <li>{@code tool_result}: {@code tool_id}, {@code status} ({@code success}|{@code error}), {@code output},
 *       {@code error.message};</li>
 *   <li>{@code error}: {@code severity} ({@code warning}|{@code error}), {@code message}: a notice;</li>
 *   <li>{@code result}: {@code status} ({@code success}|{@code error}), {@code error}, {@code stats}
 *       ({@code input_tokens} the prompt tokens including {@code cached}, {@code input} the uncached part,
 *       {@code output_tokens} the candidates' tokens, {@code total_tokens} the API's {@code totalTokenCount}, which
 *       also holds the thinking tokens, {@code tool_calls}, and the same per model under {@code models}): the final
 *       event. Output is counted as {@code total_tokens - input_tokens}, so thinking, which Gemini bills as output,
 *       is not lost (checked against the strict fake with {@code thoughtsTokenCount}).</li>
 * </ul>
 * Gemini reports no cost; Munero prices the usage with a {@code google:MODEL} entry of its model table, which only the
 * user's {@code models.toml} has (the shipped table has no Google prices), else the cost is unpriced. The model priced
 * is the one in {@code stats.models} when there is one; without {@code -m} the CLI's default model {@code auto}
 * first asks a router model ({@code generateContent} on a flash model) and then calls the one it chose, so the
 * stats hold two models and stay unpriced under the name {@code auto} (the per-model split is not priced apart). One
 * instance per stream.
 */
final class GeminiStream implements StreamParser {
    private final Map<String, String> toolNames = new LinkedHashMap<>();
    private final StringBuilder text = new StringBuilder();
    private boolean inText;

    @Override
    public void accept(JsonNode event, StreamState state, Consumer<WorkerEvent> out) {
        String type = event.path("type").asString();
        switch (type) {
            case "init" -> {
                state.sessionId = event.path("session_id").asString(state.sessionId);
                if (event.path("model").isString()) {
                    state.model = event.path("model").asString();
                }
                out.accept(new WorkerEvent.SessionStarted(state.sessionId, state.model));
            }
            case "message" -> {
                if (!event.path("role").asString("").equals("assistant")) {
                    return;
                }
                if (!inText) {
                    inText = true;
                    state.turns++;
                    text.setLength(0);
                }
                String piece = event.path("content").asString("");
                text.append(piece);
                state.summary = text.toString();
                out.accept(new WorkerEvent.AssistantText(piece));
            }
            case "tool_use" -> {
                inText = false;
                String id = string(event, "tool_id");
                String name = string(event, "tool_name");
                toolNames.put(id, name);
                out.accept(new WorkerEvent.ToolUse(id, name, StreamState.json(event.path("parameters"))));
            }
            case "tool_result" -> {
                String id = string(event, "tool_id");
                boolean error = event.path("status").asString("").equals("error");
                String output = error && event.path("error").path("message").isString()
                        ? event.path("error").path("message").asString() : event.path("output").asString("");
                out.accept(new WorkerEvent.ToolResult(id, toolNames.getOrDefault(id, ""), error, output));
            }
            case "error" -> {
                state.lastError = event.path("message").asString("");
                out.accept(new WorkerEvent.Note(event.path("severity").asString("").equals("warning") ? "debug"
                        : "warn", "gemini: " + state.lastError));
            }
            case "result" -> {
                JsonNode stats = event.path("stats");
                if (stats.path("models").isObject() && stats.path("models").size() == 1) {
                    // "auto" in init resolves to the one model the CLI called; with several (its router's
                    // classifier call, then the model it chose) the stats are not priced as one of them
                    state.model = stats.path("models").propertyNames().iterator().next();
                }
                long cached = stats.path("cached").asLong(0);
                long prompt = stats.path("input_tokens").asLong(0);
                long uncached = stats.has("input") ? stats.path("input").asLong(0) : Math.max(0, prompt - cached);
                // output_tokens counts only the candidates; thinking (billed as output) is in total_tokens alone
                long output = Math.max(stats.path("output_tokens").asLong(0),
                        stats.path("total_tokens").asLong(0) - prompt);
                state.usage = new Usage(uncached, output, 0, cached);
                if (event.path("status").asString("").equals("success")) {
                    state.verdict = StreamState.Final.SUCCESS;
                } else {
                    state.verdict = StreamState.Final.ERROR;
                    state.verdictDetail = "Gemini CLI reported an error ("
                            + event.path("error").path("type").asString("unknown") + "): "
                            + event.path("error").path("message").asString("(no message)");
                }
                out.accept(state.usageUpdate());
            }
            default -> StreamState.unknown("type \"" + type + "\"", out);
        }
    }

    /**
     * A field that must be a string for the event to mean anything.
     *
     * @throws IllegalArgumentException when it is not; {@link StreamState} counts the line as malformed
     */
    private static String string(JsonNode event, String field) {
        JsonNode value = event.path(field);
        if (!value.isString()) {
            throw new IllegalArgumentException(field + " is not a string but " + value.getNodeType());
        }
        return value.asString();
    }
}
