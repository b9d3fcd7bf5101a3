package dev.munero.cli;

import dev.munero.agent.AgentEvent;
import dev.munero.agent.AgentListener;
import dev.munero.agent.AgentResult;
import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.llm.record.Recordings;
import java.io.PrintStream;
import java.util.Locale;
import java.util.OptionalDouble;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Prints an agent run's events: a readable transcript, or one JSON object per line ({@code --json}) with an
 * {@code "event"} field naming the variant ({@code turn_started}, {@code text_delta}, {@code retrying},
 * {@code model_responded}, {@code tool_call_started}, {@code tool_call_finished}, {@code context_trimmed},
 * {@code stopped}) and, last, a {@code result} line. Thread-safe: text deltas come from a provider thread.
 */
final class AgentTranscript implements AgentListener {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PREVIEW_LINES = 6;

    private final PrintStream out;
    private final boolean json;
    private boolean streamedText;

    AgentTranscript(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public synchronized void onEvent(AgentEvent event) {
        if (json) {
            out.println(JSON.writeValueAsString(toJson(event)));
            out.flush();
            return;
        }
        switch (event) {
            case AgentEvent.TurnStarted t -> {
                streamedText = false;
                out.printf("%n-- turn %d (about %,d input tokens, %d messages)%n", t.turn(), t.estimatedInputTokens(),
                        t.messages());
            }
            case AgentEvent.TextDelta d -> {
                if (!streamedText) {
                    out.print("model: ");
                }
                streamedText = true;
                out.print(d.text());
            }
            case AgentEvent.Retrying r -> out.printf("   retrying in %.1f s (attempt %d failed: %s)%n",
                    r.delay().toMillis() / 1000.0, r.attempt(), r.reason());
            case AgentEvent.ModelResponded m -> {
                if (streamedText) {
                    out.println();
                } else if (!m.text().isBlank()) {
                    out.println("model: " + m.text().strip());
                }
                out.printf("   %s; %s%s%n", tokens(m.usage()), cost(m.costUsd(), m.totalCostUsd()),
                        m.turn() > 1 ? String.format(Locale.ROOT, ", prefix reuse %.0f%%", m.prefixReuse() * 100) : "");
            }
            case AgentEvent.ToolCallStarted c -> out.printf("-> %s %s%n", c.name(), abbreviate(compact(c.argumentsJson()), 160));
            case AgentEvent.ToolCallFinished f -> {
                out.printf("   %s %s (%d ms)%n", f.error() ? "error:" : "ok:", f.name(), f.duration().toMillis());
                preview(f.output());
            }
            case AgentEvent.ContextTrimmed c -> out.printf("   context: shortened %d old tool results, about %,d -> %,d "
                    + "tokens%n", c.resultsTrimmed(), c.tokensBefore(), c.tokensAfter());
            case AgentEvent.Stopped s -> out.printf("%n-- stopped: %s (%s)%n", s.condition().id(), s.detail());
        }
        out.flush();
    }

    /** The arguments on one line (providers may send them pretty-printed), or as they are when not JSON. */
    private static String compact(String json) {
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (tools.jackson.core.JacksonException e) {
            return json;
        }
    }

    private void preview(String output) {
        String[] lines = output.replaceFirst("^\n+", "").stripTrailing().split("\n", -1);
        int shown = Math.min(lines.length, PREVIEW_LINES);
        for (int i = 0; i < shown; i++) {
            out.println("   | " + abbreviate(lines[i], 200));
        }
        if (lines.length > shown) {
            out.printf("   | ... %d more lines%n", lines.length - shown);
        }
    }

    /** Prints the run's result: the summary (transcript) or the {@code result} line (JSON). */
    synchronized void finish(AgentResult result, String model, ModelInfo info) {
        if (json) {
            ObjectNode r = JSON.createObjectNode().put("event", "result").put("model", model)
                    .put("condition", result.condition().id()).put("completed", result.condition().completed())
                    .put("summary", result.summary()).put("detail", result.detail()).put("turns", result.turns())
                    .put("tool_calls", result.toolCalls()).put("duration_ms", result.duration().toMillis());
            r.set("usage", usage(result.usage()));
            if (result.costUsd().isPresent()) {
                r.put("cost_usd", result.costUsd().getAsDouble());
            } else {
                r.putNull("cost_usd");
            }
            r.put("mean_prefix_reuse", result.meanPrefixReuse());
            out.println(JSON.writeValueAsString(r));
            out.flush();
            return;
        }
        out.printf("%s after %d turns and %d tool calls in %.1f s%n", result.condition().completed() ? "finished"
                : "stopped", result.turns(), result.toolCalls(), result.duration().toMillis() / 1000.0);
        out.printf("usage: %s; cost %s%s%n", tokens(result.usage()), result.costUsd().isPresent()
                ? usd(result.costUsd().getAsDouble()) : "unknown (no price for " + model + ")",
                result.turns() > 1 ? String.format(Locale.ROOT, "; mean prefix reuse %.0f%%",
                        result.meanPrefixReuse() * 100) : "");
        if (!result.summary().isBlank()) {
            out.println("summary: " + result.summary().strip());
        }
        out.flush();
    }

    private static String tokens(Usage u) {
        String s = String.format(Locale.ROOT, "%,d input / %,d output tokens", u.inputTokens(), u.outputTokens());
        if (u.cacheReadTokens() > 0 || u.cacheWriteTokens() > 0) {
            s += String.format(Locale.ROOT, " (cache: %,d read, %,d written)", u.cacheReadTokens(), u.cacheWriteTokens());
        }
        return s;
    }

    private static String cost(OptionalDouble call, OptionalDouble total) {
        if (call.isEmpty()) {
            return "cost unknown";
        }
        return usd(call.getAsDouble()) + (total.isPresent() ? " (total " + usd(total.getAsDouble()) + ")" : "");
    }

    private static String usd(double usd) {
        return String.format(Locale.ROOT, "$%.4f", usd);
    }

    private static String abbreviate(String text, int max) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
    }

    private static ObjectNode usage(Usage u) {
        return Recordings.usageJson(u); // the same form as in recordings
    }

    private static ObjectNode toJson(AgentEvent event) {
        ObjectNode n = JSON.createObjectNode();
        switch (event) {
            case AgentEvent.TurnStarted t -> n.put("event", "turn_started").put("turn", t.turn())
                    .put("estimated_input_tokens", t.estimatedInputTokens()).put("messages", t.messages());
            case AgentEvent.TextDelta d -> n.put("event", "text_delta").put("turn", d.turn()).put("text", d.text());
            case AgentEvent.Retrying r -> n.put("event", "retrying").put("turn", r.turn()).put("attempt", r.attempt())
                    .put("delay_ms", r.delay().toMillis()).put("reason", r.reason());
            case AgentEvent.ModelResponded m -> {
                n.put("event", "model_responded").put("turn", m.turn()).put("text", m.text())
                        .put("tool_calls", m.toolCalls()).put("stop_reason", m.stopReason());
                n.set("usage", usage(m.usage()));
                putCost(n, "cost_usd", m.costUsd());
                putCost(n, "total_cost_usd", m.totalCostUsd());
                n.put("prefix_reuse", m.prefixReuse()).put("duration_ms", m.duration().toMillis());
            }
            case AgentEvent.ToolCallStarted c -> n.put("event", "tool_call_started").put("turn", c.turn())
                    .put("id", c.id()).put("name", c.name()).put("arguments", c.argumentsJson());
            case AgentEvent.ToolCallFinished f -> n.put("event", "tool_call_finished").put("turn", f.turn())
                    .put("id", f.id()).put("name", f.name()).put("error", f.error()).put("output", f.output())
                    .put("duration_ms", f.duration().toMillis());
            case AgentEvent.ContextTrimmed c -> n.put("event", "context_trimmed").put("turn", c.turn())
                    .put("results_trimmed", c.resultsTrimmed()).put("tokens_before", c.tokensBefore())
                    .put("tokens_after", c.tokensAfter());
            case AgentEvent.Stopped s -> n.put("event", "stopped").put("turn", s.turn())
                    .put("condition", s.condition().id()).put("detail", s.detail());
        }
        return n;
    }

    private static void putCost(ObjectNode n, String field, OptionalDouble value) {
        if (value.isPresent()) {
            n.put(field, value.getAsDouble());
        } else {
            n.putNull(field);
        }
    }
}
