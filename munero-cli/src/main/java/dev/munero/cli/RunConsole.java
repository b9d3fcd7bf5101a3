package dev.munero.cli;

import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.core.swarm.AgentProfile;
import dev.munero.core.swarm.ScoringWeights;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Prints a run's events: a line per step (MCP servers, plan, task, tool call at {@code debug}, checks, lessons,
 * checkpoints, cost), and on a terminal a live status line under them (phase, tasks done/total, progress, ETA, cost)
 * that is rewritten in place. With {@code --events jsonl} every event is one JSON line on stdout instead.
 *
 * <p>Thread-safe: parallel agents publish from several threads.
 */
final class RunConsole implements Consumer<RunEvent> {
    enum Level { ERROR, WARN, INFO, DEBUG }

    private final PrintStream out;
    private final boolean live;
    private final boolean jsonl;
    private final Level level;
    private final Clock clock;
    private String status = "";
    private double spentUsd;
    private Double budgetUsd;

    RunConsole(PrintStream out, boolean live, boolean jsonl, Level level, Clock clock) {
        this.out = out;
        this.live = live && !jsonl;
        this.jsonl = jsonl;
        this.level = level;
        this.clock = clock;
    }

    /** @throws IllegalArgumentException naming the levels, for an unknown one */
    static Level level(String name) {
        try {
            return Level.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--log-level " + name + ": use error, warn, info or debug");
        }
    }

    @Override
    public synchronized void accept(RunEvent event) {
        if (jsonl) {
            out.println(RunEvents.line(event, clock.instant()));
            out.flush();
            return;
        }
        String line = switch (event) {
            case RunEvent.RunStarted s -> "munero run " + s.runId() + ": " + s.model() + " on " + s.repo()
                    + "\n  working on branch " + s.branch() + " in " + s.worktree();
            case RunEvent.SessionStarted s -> s.session() > 1 ? "resumed run " + s.runId() + " (session " + s.session()
                    + ")" : null;
            case RunEvent.StateChanged c -> level == Level.DEBUG ? "state " + c.from() + " -> " + c.to() + " ("
                    + c.reason() + ")" : null;
            case RunEvent.McpStatus m -> mcp(m);
            case RunEvent.PlanAccepted p -> plan(p);
            case RunEvent.IterationStarted i -> "iteration " + i.iteration();
            case RunEvent.TaskStarted t -> "  task " + t.task() + (t.agent() > 1 ? " (agent " + t.agent() + ")" : "")
                    + ": " + t.description().strip().lines().findFirst().orElse("");
            case RunEvent.TaskAssigned a -> assigned(a);
            case RunEvent.LeaseAcquired l -> "  task " + l.task() + " leased " + String.join(", ", l.files())
                    + " (until " + l.expiresAt() + ")";
            case RunEvent.LeaseConflict c -> c.action().equals("wait") ? "  task " + c.task() + " waits: "
                    + c.file() + " is leased by " + c.holder() : "  task " + c.task() + ": write to " + c.file()
                    + " " + c.action() + ", leased by " + c.holder();
            case RunEvent.ReviewFinished r -> String.format(Locale.ROOT, "  review %d of task %s by %s: %s ($%.4f)",
                    r.round(), r.task(), r.reviewer(), r.approved() ? "approved" : "not approved: " + (r.comments()
                    == null ? "" : r.comments().strip().lines().findFirst().orElse("")), r.costUsd());
            case RunEvent.ToolCalled t -> level == Level.DEBUG ? "    " + t.name() + " " + t.arguments()
                    + (t.error() ? " -> error" : "") : null;
            case RunEvent.ModelCalled m -> m.fromStore() && level.compareTo(Level.INFO) >= 0
                    ? "    " + m.scope() + " call " + m.index() + " answered from the store (not sent)"
                    : level == Level.DEBUG ? String.format(Locale.ROOT, "    %s call %d: %d in, %d out, %d cache write, "
                    + "%d cache read, %s", m.scope(), m.index(), m.inputTokens(), m.outputTokens(), m.cacheWriteTokens(),
                    m.cacheReadTokens(), m.costUsd() == null ? "cost unknown" : String.format(Locale.ROOT, "$%.4f",
                    m.costUsd())) : null;
            case RunEvent.TaskFinished t -> String.format(Locale.ROOT, "  task %s: %s after %s, %s, $%.4f%s", t.task(),
                    t.condition(), count(t.turns(), "turn"), count(t.toolCalls(), "tool call"), t.costUsd(),
                    t.commit() == null ? "" : "; checkpoint " + t.commit().substring(0, Math.min(12, t.commit().length())));
            case RunEvent.MergeConflict c -> "  task " + c.task() + " conflicts in " + String.join(", ", c.files())
                    + "; follow-up task " + c.followUp();
            case RunEvent.ChecksFinished c -> checks(c);
            case RunEvent.LessonRecorded l -> "  lesson: " + l.check() + ": " + l.whatFailed() + " — " + l.why();
            case RunEvent.Checkpoint c -> c.label().equals("iteration") ? "  checkpoint of iteration "
                    + c.iteration() + ": " + c.commit() : null;
            case RunEvent.CostUpdated c -> {
                spentUsd = c.spentUsd();
                budgetUsd = c.budgetUsd();
                yield null;
            }
            case RunEvent.Progress p -> {
                status = String.format(Locale.ROOT, "[%s, iteration %d: %d/%d tasks, %d %%%s, $%.4f%s]", p.phase(),
                        p.iteration(), p.tasksDone(), p.tasksTotal(), Math.round(p.fraction() * 100),
                        p.etaMillis() == null ? "" : ", ETA " + seconds(p.etaMillis()), spentUsd,
                        budgetUsd == null ? "" : String.format(Locale.ROOT, " of $%.2f", budgetUsd));
                yield null; // shown as the live status line only
            }
            case RunEvent.RunPaused p -> "paused: " + p.reason();
            case RunEvent.RunFailed f -> "failed: " + f.reason();
            case RunEvent.RunCompleted c -> "every check passed in iteration " + c.iterations();
            case RunEvent.ModelCallInterrupted i -> String.format(Locale.ROOT, "  %s call %d was cut off after it was "
                    + "sent (%s): counted at its worst case, %s (estimate)", i.scope(), i.index(), i.cause(),
                    i.worstCaseUsd() == null ? "unknown" : String.format(Locale.ROOT, "$%.4f", i.worstCaseUsd()));
            case RunEvent.WorkerStarted w -> "  task " + w.task() + " → " + w.worker() + (w.resume()
                    ? " (resuming session " + w.sessionId() + ")" : w.sessionId() == null ? ""
                    : " (session " + w.sessionId() + ")") + "; stream " + w.stdout() + ", stderr " + w.stderr();
            case RunEvent.WorkerFinished w -> String.format(Locale.ROOT, "  %s %s: %s, %s%s", w.worker(), w.scope(),
                    w.outcome(), w.costUsd() == null ? "cost unknown" : String.format(Locale.ROOT, "$%.4f (%s)",
                            w.costUsd(), w.costSource()), w.outcome().equals("finished") && w.costUsd() != null ? ""
                            : " — " + w.detail());
            case RunEvent.WorktreeRebuilt w -> "the worktree " + w.worktree() + " was damaged (" + w.damage()
                    + "); rebuilt at the last checkpoint" + (w.movedTo() == null ? "" : "; what was left of it is in "
                    + w.movedTo());
            default -> null;
        };
        if (line != null && (level.compareTo(Level.INFO) >= 0 || event instanceof RunEvent.RunFailed)) {
            if (live) {
                out.print("\r\033[K");
            }
            out.println(line);
        }
        if (live && !status.isEmpty()) {
            out.print("\r\033[K" + status);
        }
        out.flush();
    }

    /** Ends the live status line, if any. */
    synchronized void close() {
        if (live && !status.isEmpty()) {
            out.print("\r\033[K");
            out.flush();
        }
    }

    /**
     * {@code "  task parse → coder-1 (score 0.82: expertise 1.00, success 0.75, ...; others: coder-2 0.61)"}: the
     * factors by weight, heaviest first; null for a run without agent profiles (every task to the default profile).
     */
    static String assigned(RunEvent.TaskAssigned a) {
        if (a.profile().equals(AgentProfile.DEFAULT.name()) && a.others().isEmpty() && a.factors().size() == 1) {
            return null;
        }
        return "  task " + a.task() + " \u2192 " + a.profile() + " (" + why(a) + ")";
    }

    /** {@code "score 0.82: expertise 1.00, ...; others: coder-2 0.61"}, for the console and sessions show. */
    static String why(RunEvent.TaskAssigned a) {
        List<String> factors = new java.util.ArrayList<>(a.factors().keySet());
        List<String> order = ScoringWeights.FACTORS;
        factors.sort(java.util.Comparator.comparingDouble((String f) -> -a.weights().getOrDefault(f, 0.0))
                .thenComparingInt(f -> order.indexOf(f) < 0 ? order.size() : order.indexOf(f)));
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "score %.2f: ", a.score()));
        b.append(String.join(", ", factors.stream().map(f -> String.format(Locale.ROOT, "%s %.2f", f,
                a.factors().get(f))).toList()));
        if (!a.others().isEmpty()) {
            b.append("; others: ").append(String.join(", ", a.others().entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), e.getValue())).toList()));
        }
        return b.toString();
    }

    /** {@code "1 step"}, {@code "2 steps"}. */
    static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String seconds(long millis) {
        long s = Math.round(millis / 1000.0);
        return s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }

    /** One line per server: {@code MCP server fs: up, 14 tools (secure-filesystem-server 0.2.0, 850 ms)}. */
    private static String mcp(RunEvent.McpStatus m) {
        if (m.servers().isEmpty()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (RunEvent.McpStatus.Server s : m.servers()) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append("  MCP server ").append(s.name()).append(": ").append(s.state() == null ? "unknown" : s.state());
            if ("up".equals(s.state())) {
                b.append(", ").append(count(s.tools(), "tool"));
                List<String> about = new java.util.ArrayList<>();
                if (s.version() != null) {
                    about.add(s.version());
                }
                if (s.latencyMillis() != null) {
                    about.add(s.latencyMillis() + " ms");
                }
                if (!about.isEmpty()) {
                    b.append(" (").append(String.join(", ", about)).append(')');
                }
            } else if (s.error() != null) {
                b.append(": ").append(s.error());
            }
            if (s.restarts() > 0) {
                b.append(" [").append(count(s.restarts(), "restart")).append(']');
            }
            if (s.required() && !"up".equals(s.state())) {
                b.append(" (required)");
            }
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static String plan(RunEvent.PlanAccepted p) {
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) p.plan().get("tasks");
        List<Map<String, Object>> checks = (List<Map<String, Object>>) p.plan().get("checks");
        StringBuilder b = new StringBuilder(p.revised() ? "revised plan for iteration " + p.iteration() : "plan");
        b.append(": ").append(tasks.size()).append(" task").append(tasks.size() == 1 ? "" : "s");
        if (!p.redo().isEmpty()) {
            b.append(" (redo ").append(String.join(", ", p.redo())).append(')');
        }
        b.append("; checks ").append(String.join(", ", checks.stream().map(c -> (String) c.get("name")).toList()));
        if (!p.revised()) {
            for (Map<String, Object> t : tasks) {
                b.append("\n  - ").append(t.get("id")).append(t.get("role") == null ? "" : " [" + t.get("role")
                        + (t.get("skills") == null ? "" : ": " + String.join(", ", (List<String>) t.get("skills")))
                        + "]").append(": ")
                        .append(((String) t.get("description")).strip().lines().findFirst().orElse(""));
            }
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static String checks(RunEvent.ChecksFinished c) {
        if (c.passed()) {
            return String.format(Locale.ROOT, "  checks %s: PASSED (%s run, %d from cache, %.1f s)",
                    String.join(", ", c.checks()), count(c.stepsRun(), "step"), c.cacheHits(),
                    c.durationMillis() / 1000.0);
        }
        StringBuilder b = new StringBuilder("  checks FAILED:");
        for (Map<String, Object> f : c.failures()) {
            b.append("\n    ").append(f.get("step"));
            if (f.get("exit_code") != null) {
                b.append(" (exit ").append(f.get("exit_code")).append(')');
            }
            List<String> tests = (List<String>) f.get("failing_tests");
            if (tests != null && !tests.isEmpty()) {
                b.append(": ").append(String.join(", ", tests));
            }
        }
        return b.toString();
    }
}
