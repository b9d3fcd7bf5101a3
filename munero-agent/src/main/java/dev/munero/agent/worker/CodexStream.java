package dev.munero.agent.worker;

import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Codex's {@code codex exec --json} events (seen from Codex CLI 0.171.0; shapes as in its {@code exec} event types,
 * https://github.com/openai/codex/blob/main/docs/exec.md):
 * <ul>
 *   <li>{@code thread.started} ({@code thread_id}: the session id that {@code codex exec resume} takes);</li>
 *   <li>{@code turn.started}; {@code turn.completed} with {@code usage} ({@code input_tokens} including
 *       {@code cached_input_tokens}, {@code output_tokens}, and in 0.171 {@code cache_write_input_tokens}): the final
 *       event of a successful run; {@code turn.failed} with {@code error.message}: the final event of a failed one;</li>
 *   <li>{@code item.started|updated|completed} with an {@code item} of type {@code agent_message} ({@code text}),
 *       {@code command_execution} ({@code command}, {@code aggregated_output}, {@code exit_code}, {@code status}),
 *       {@code file_change} ({@code changes}), {@code mcp_tool_call}, {@code web_search}, {@code reasoning},
 *       {@code todo_list}, {@code error} (a non-fatal notice);</li>
 *   <li>{@code error} ({@code message}): a notice (Codex retries and reconnects say so here); not final by itself.</li>
 * </ul>
 * Codex reports no cost: the usage is priced with Munero's model table. A turn's usage comes only with its
 * {@code turn.completed}; for a stream cut mid-turn, {@link Workers#readBack} reads it from Codex's session log
 * ({@link CodexRollout}). One instance per stream.
 */
final class CodexStream implements StreamParser {
    private boolean turnOpen;

    /**
     * Whether the stream's last turn started and neither completed nor failed: its usage is not in the stream (see
     * {@link CodexRollout}).
     */
    boolean turnOpen() {
        return turnOpen;
    }

    @Override
    public void accept(JsonNode event, StreamState state, Consumer<WorkerEvent> out) {
        String type = event.path("type").asString();
        switch (type) {
            case "thread.started" -> {
                state.sessionId = event.path("thread_id").asString(state.sessionId);
                out.accept(new WorkerEvent.SessionStarted(state.sessionId, state.model));
            }
            case "turn.started" -> {
                state.turns++;
                turnOpen = true;
            }
            case "turn.completed" -> {
                turnOpen = false;
                state.usage = state.usage.plus(CodexRollout.usage(event.path("usage")));
                state.verdict = StreamState.Final.SUCCESS;
                out.accept(state.usageUpdate());
            }
            case "turn.failed" -> {
                turnOpen = false;
                state.verdict = StreamState.Final.ERROR;
                state.verdictDetail = "Codex reported a failed turn: "
                        + event.path("error").path("message").asString("(no message)");
            }
            case "error" -> {
                state.lastError = event.path("message").asString("");
                out.accept(new WorkerEvent.Note("warn", "codex: " + state.lastError));
            }
            case "item.started", "item.updated", "item.completed" -> item(type, event.path("item"), state, out);
            default -> StreamState.unknown("type \"" + type + "\"", out);
        }
    }

    private static void item(String phase, JsonNode item, StreamState state, Consumer<WorkerEvent> out) {
        String id = item.path("id").asString("");
        String kind = item.path("type").asString("");
        boolean started = phase.equals("item.started");
        boolean completed = phase.equals("item.completed");
        switch (kind) {
            case "agent_message" -> {
                if (completed) {
                    state.summary = item.path("text").asString("");
                    out.accept(new WorkerEvent.AssistantText(state.summary));
                }
            }
            case "command_execution" -> {
                if (started) {
                    out.accept(new WorkerEvent.ToolUse(id, kind, "{\"command\":"
                            + StreamState.json(item.path("command")) + "}"));
                } else if (completed) {
                    boolean error = item.path("status").asString("").equals("failed")
                            || (item.path("exit_code").isNumber() && item.path("exit_code").asInt() != 0);
                    out.accept(new WorkerEvent.ToolResult(id, kind, error,
                            item.path("aggregated_output").asString("")));
                }
            }
            case "file_change", "web_search" -> {
                if (completed) {
                    // reported once, when done: the call and its result together
                    String input = kind.equals("file_change") ? "{\"changes\":"
                            + StreamState.json(item.path("changes")) + "}"
                            : "{\"query\":" + StreamState.json(item.path("query")) + "}";
                    out.accept(new WorkerEvent.ToolUse(id, kind, input));
                    out.accept(new WorkerEvent.ToolResult(id, kind,
                            item.path("status").asString("").equals("failed"), ""));
                }
            }
            case "mcp_tool_call" -> {
                String name = "mcp__" + item.path("server").asString("") + "__" + item.path("tool").asString("");
                if (started) {
                    out.accept(new WorkerEvent.ToolUse(id, name, StreamState.json(item.path("arguments"))));
                } else if (completed) {
                    boolean error = item.path("status").asString("").equals("failed") || item.hasNonNull("error")
                            && !item.path("error").isMissingNode();
                    String output = error ? item.path("error").path("message").asString("")
                            : StreamState.text(item.path("result").path("content"));
                    out.accept(new WorkerEvent.ToolResult(id, name, error, output));
                }
            }
            case "error" -> {
                if (completed) {
                    out.accept(new WorkerEvent.Note("warn", "codex: " + item.path("message").asString("")));
                }
            }
            case "reasoning", "todo_list" -> { }
            default -> StreamState.unknown(phase + " item \"" + kind + "\"", out);
        }
    }
}
