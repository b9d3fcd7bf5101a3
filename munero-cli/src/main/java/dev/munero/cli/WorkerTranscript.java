package dev.munero.cli;

import dev.munero.agent.worker.WorkerEvent;
import dev.munero.agent.worker.WorkerListener;
import dev.munero.agent.worker.WorkerResult;
import dev.munero.llm.Usage;
import dev.munero.llm.record.Recordings;
import java.io.PrintStream;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Prints a CLI worker's events ({@code munero agent --worker NAME}) in the style of {@link AgentTranscript}: a
 * transcript, or with {@code --json} one JSON object per line ({@code event}: {@code session_started},
 * {@code assistant_text}, {@code tool_call_started}, {@code tool_call_finished}, {@code usage}, {@code note}, and a
 * last {@code result}). Debug notes (ignored unknown events) are printed only as JSON. Thread-safe.
 */
final class WorkerTranscript implements WorkerListener {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PREVIEW_LINES = 6;

    private final PrintStream out;
    private final boolean json;

    WorkerTranscript(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    @Override
    public synchronized void onEvent(WorkerEvent event) {
        if (json) {
            out.println(JSON.writeValueAsString(toJson(event)));
            out.flush();
            return;
        }
        switch (event) {
            case WorkerEvent.SessionStarted s -> out.printf("-- session %s%s%n", s.sessionId(),
                    s.model() == null ? "" : " (" + s.model() + ")");
            case WorkerEvent.AssistantText t -> out.println("model: " + t.text().strip());
            case WorkerEvent.ToolUse u -> out.printf("-> %s %s%n", u.name(), abbreviate(u.inputJson(), 160));
            case WorkerEvent.ToolResult r -> {
                out.printf("   %s %s%n", r.error() ? "error:" : "ok:", r.name());
                String[] lines = r.output().stripTrailing().split("\n", -1);
                for (int i = 0; i < Math.min(lines.length, PREVIEW_LINES) && !r.output().isBlank(); i++) {
                    out.println("   | " + abbreviate(lines[i], 200));
                }
                if (lines.length > PREVIEW_LINES) {
                    out.printf("   | ... %d more lines%n", lines.length - PREVIEW_LINES);
                }
            }
            case WorkerEvent.UsageUpdate u -> out.printf("   %s; %s%n", tokens(u.usage()), u.costUsd().isPresent()
                    ? "total " + usd(u.costUsd().getAsDouble()) + " (" + u.source().id() + ")" : "cost unknown");
            case WorkerEvent.Note n -> {
                if (!n.level().equals("debug")) {
                    out.println("   note: " + n.text());
                }
            }
        }
        out.flush();
    }

    /** Prints the task's result. */
    synchronized void finish(String worker, WorkerResult r) {
        if (json) {
            ObjectNode n = JSON.createObjectNode().put("event", "result").put("worker", worker)
                    .put("outcome", r.outcome().id()).put("summary", r.summary()).put("detail", r.detail())
                    .put("turns", r.turns()).put("duration_ms", r.duration().toMillis())
                    .put("cost_source", r.costSource().id()).put("malformed_lines", r.malformed());
            n.set("usage", Recordings.usageJson(r.usage()));
            if (r.costUsd().isPresent()) {
                n.put("cost_usd", r.costUsd().getAsDouble());
            } else {
                n.putNull("cost_usd");
            }
            n.put("session_id", r.sessionId().orElse(null));
            if (r.exitCode().isPresent()) {
                n.put("exit_code", r.exitCode().getAsInt());
            } else {
                n.putNull("exit_code");
            }
            n.put("stdout", r.stdout().map(Object::toString).orElse(null));
            n.put("stderr", r.stderr().map(Object::toString).orElse(null));
            out.println(JSON.writeValueAsString(n));
            out.flush();
            return;
        }
        out.printf("%n-- %s: %s (%s)%n", worker, r.outcome().id(), r.detail());
        out.printf("%d turns in %.1f s%n", r.turns(), r.duration().toMillis() / 1000.0);
        out.printf("usage: %s; cost %s%n", tokens(r.usage()), r.costUsd().isPresent()
                ? usd(r.costUsd().getAsDouble()) + " (" + r.costSource().id() + ")" : "unknown");
        if (!r.summary().isBlank()) {
            out.println("summary: " + r.summary().strip());
        }
        r.sessionId().ifPresent(id -> out.println("session: " + id + " (continue it with --resume " + id + ")"));
        r.stdout().ifPresent(p -> out.println("stream: " + p));
        r.stderr().ifPresent(p -> out.println("stderr: " + p));
        out.flush();
    }

    private static ObjectNode toJson(WorkerEvent event) {
        ObjectNode n = JSON.createObjectNode();
        switch (event) {
            case WorkerEvent.SessionStarted s -> n.put("event", "session_started").put("session_id", s.sessionId())
                    .put("model", s.model());
            case WorkerEvent.AssistantText t -> n.put("event", "assistant_text").put("text", t.text());
            case WorkerEvent.ToolUse u -> n.put("event", "tool_call_started").put("id", u.id()).put("name", u.name())
                    .put("arguments", u.inputJson());
            case WorkerEvent.ToolResult r -> n.put("event", "tool_call_finished").put("id", r.id())
                    .put("name", r.name()).put("error", r.error()).put("output", r.output());
            case WorkerEvent.UsageUpdate u -> {
                n.put("event", "usage").set("usage", Recordings.usageJson(u.usage()));
                if (u.costUsd().isPresent()) {
                    n.put("total_cost_usd", u.costUsd().getAsDouble());
                } else {
                    n.putNull("total_cost_usd");
                }
                n.put("cost_source", u.source().id());
            }
            case WorkerEvent.Note note -> n.put("event", "note").put("level", note.level()).put("text", note.text());
        }
        return n;
    }

    private static String tokens(Usage u) {
        String s = String.format(Locale.ROOT, "%,d input / %,d output tokens", u.inputTokens(), u.outputTokens());
        if (u.cacheReadTokens() > 0 || u.cacheWriteTokens() > 0) {
            s += String.format(Locale.ROOT, " (cache: %,d read, %,d written)", u.cacheReadTokens(),
                    u.cacheWriteTokens());
        }
        return s;
    }

    private static String usd(double usd) {
        return String.format(Locale.ROOT, "$%.4f", usd);
    }

    private static String abbreviate(String text, int max) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
    }
}
