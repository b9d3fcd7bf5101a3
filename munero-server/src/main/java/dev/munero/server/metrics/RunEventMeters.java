package dev.munero.server.metrics;

import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.Tools;
import dev.munero.memory.tools.MemoryTools;
import dev.munero.core.app.Runs;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;

/**
 * The meters fed by stored run events: model calls, tokens and cost by model, tool calls by tool and outcome, the
 * checks' cache hits and misses, phase durations, MCP server state changes, and every event by type.
 *
 * <p>Each event counts once: an event whose seq is not above the last one seen for its run is ignored (a follower
 * that re-reads after a reconnect does not double-count), and so is one appended before {@code countFrom} (the log's
 * history when the server starts; the metrics are "since the server started"). A phase's duration is the time
 * between its {@code phase_started} and the run's next {@code phase_started}, {@code run_paused},
 * {@code run_completed}, {@code run_failed} or {@code session_started} (a session that crashed mid-phase ends it at
 * the next session's start), by the events' own timestamps: the boundaries {@link dev.munero.core.RunMetrics} uses,
 * so a run's phase sums equal its {@code munero report} phase times.
 *
 * <p>Thread-safe: events of all runs may come from many threads; each is handled under one lock (events are a few
 * per second per run).
 */
final class RunEventMeters implements RunEventObserver {
    /** Runs whose last seq and open phase are remembered; the least recently active one is forgotten first. */
    static final int TRACKED_RUNS = 10_000;

    private static final Set<String> PHASES = Set.of("planning", "executing", "observing", "reflecting");

    private final Instant countFrom;
    private final LabelValues repos;
    private final LabelValues models = LabelValues.capped(50);
    private final LabelValues tools = LabelValues.closed(java.util.stream.Stream.concat(
            Tools.standard().stream().map(Tool::name),
            java.util.stream.Stream.of(MemoryTools.STORE, MemoryTools.SEARCH, MemoryTools.GET))
            .collect(Collectors.toSet()));
    private final LabelValues phases = LabelValues.closed(PHASES);
    private final LabelValues types = LabelValues.capped(64);
    private final LabelValues mcpStates = LabelValues.closed(Set.of("up", "down", "restarting"));

    private final Meter.MeterProvider<Counter> events;
    private final Meter.MeterProvider<Counter> undecodable;
    private final Meter.MeterProvider<Counter> modelCalls;
    private final Meter.MeterProvider<Counter> unpricedCalls;
    private final Meter.MeterProvider<Counter> tokens;
    private final Meter.MeterProvider<Counter> cost;
    private final Meter.MeterProvider<Counter> toolCalls;
    private final Meter.MeterProvider<Counter> cacheHits;
    private final Meter.MeterProvider<Counter> cacheMisses;
    private final Meter.MeterProvider<Timer> phaseDuration;
    private final Meter.MeterProvider<Counter> mcpChanges;

    private final Map<String, RunTrack> runs = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunTrack> eldest) {
            return size() > TRACKED_RUNS;
        }
    };

    /** What is remembered of one run between its events. */
    private static final class RunTrack {
        long lastSeq;
        String phase;
        Instant phaseStartedAt;
    }

    RunEventMeters(MeterRegistry registry, LabelValues repos, Instant countFrom) {
        this.repos = repos;
        this.countFrom = countFrom;
        events = Counter.builder("munero.run.events")
                .description("Run events read from the served repositories' event logs, by event type")
                .withRegistry(registry);
        undecodable = Counter.builder("munero.run.events.undecodable")
                .description("Run events whose payload could not be read (a log written by another Munero version); "
                        + "they count in munero_run_events_total but in no other metric")
                .withRegistry(registry);
        modelCalls = Counter.builder("munero.model.calls")
                .description("Model calls of runs, by model and result: answered (sent and answered), from_store "
                        + "(answered from the store by a resumed run, nothing sent), interrupted (cut off after "
                        + "being sent)")
                .withRegistry(registry);
        unpricedCalls = Counter.builder("munero.model.unpriced.calls")
                .description("Answered model calls whose model has no known price; their cost is not in "
                        + "munero_model_cost_usd_total")
                .withRegistry(registry);
        tokens = Counter.builder("munero.model.tokens").baseUnit("tokens")
                .description("Tokens of answered model calls (not from the store), by model and kind: input, output, "
                        + "cache_write, cache_read")
                .withRegistry(registry);
        cost = Counter.builder("munero.model.cost").baseUnit("usd")
                .description("Cost of model calls in US dollars, by model and basis: billed (answered calls at the "
                        + "model's prices) or worst_case (calls cut off after being sent, counted at their reserved "
                        + "worst case, as munero cost does)")
                .withRegistry(registry);
        toolCalls = Counter.builder("munero.tool.calls")
                .description("Tool calls of task agents, by tool (mcp for a tool of an MCP server, other for any "
                        + "other name outside the standard and memory tools) and outcome: ok or error")
                .withRegistry(registry);
        cacheHits = Counter.builder("munero.cache.hits")
                .description("Build steps restored from the cache, by origin: build (builds the server ran) or "
                        + "run_checks (the acceptance checks of runs)")
                .withRegistry(registry);
        cacheMisses = Counter.builder("munero.cache.misses")
                .description("Build steps that were eligible for the cache and ran (passed or failed), by origin: "
                        + "build or run_checks")
                .withRegistry(registry);
        phaseDuration = Timer.builder("munero.run.phase.duration")
                .description("Duration of run phases (planning, executing, observing, reflecting), from a phase's "
                        + "start to the next phase, a pause, the end of the run or the next session's start")
                .serviceLevelObjectives(Buckets.PHASE)
                .withRegistry(registry);
        mcpChanges = Counter.builder("munero.mcp.server.changes")
                .description("State changes of the MCP servers of runs' agents, by the state entered: up, down or "
                        + "restarting (each server's state when a session starts it, then every change during the "
                        + "session)")
                .withRegistry(registry);
    }

    @Override
    public synchronized void onRunEvent(String repo, Runs.Event event) {
        if (event.at().isBefore(countFrom)) {
            return;
        }
        RunTrack run = runs.computeIfAbsent(repo + '\u0000' + event.runId(), k -> new RunTrack());
        if (event.seq() <= run.lastSeq) {
            return;
        }
        run.lastSeq = event.seq();
        String repoLabel = repos.of(repo);
        events.withTags("repo", repoLabel, "type", types.of(event.type())).increment();
        try {
            count(repoLabel, run, event);
        } catch (JacksonException e) {
            undecodable.withTags("repo", repoLabel).increment();
        }
    }

    /** Adds {@code count} cache hits or misses of builds the server ran (the build metrics count their steps). */
    void buildStep(String repoLabel, boolean hit, int count) {
        (hit ? cacheHits : cacheMisses).withTags("repo", repoLabel, "origin", "build").increment(count);
    }

    private void count(String repo, RunTrack run, Runs.Event event) {
        switch (event.type()) {
            case "model_call" -> {
                RunEvent.ModelCalled call = read(event, RunEvent.ModelCalled.class);
                String model = models.of(call.model());
                if (call.fromStore()) {
                    modelCalls.withTags("repo", repo, "model", model, "result", "from_store").increment();
                    return;
                }
                modelCalls.withTags("repo", repo, "model", model, "result", "answered").increment();
                addTokens(repo, model, "input", call.inputTokens());
                addTokens(repo, model, "output", call.outputTokens());
                addTokens(repo, model, "cache_write", call.cacheWriteTokens());
                addTokens(repo, model, "cache_read", call.cacheReadTokens());
                if (call.costUsd() == null) {
                    unpricedCalls.withTags("repo", repo, "model", model).increment();
                } else {
                    cost.withTags("repo", repo, "model", model, "basis", "billed").increment(call.costUsd());
                }
            }
            case "model_call_interrupted" -> {
                RunEvent.ModelCallInterrupted call = read(event, RunEvent.ModelCallInterrupted.class);
                String model = models.of(call.model());
                modelCalls.withTags("repo", repo, "model", model, "result", "interrupted").increment();
                if (call.worstCaseUsd() != null) {
                    cost.withTags("repo", repo, "model", model, "basis", "worst_case").increment(call.worstCaseUsd());
                }
            }
            case "tool_call" -> {
                RunEvent.ToolCalled call = read(event, RunEvent.ToolCalled.class);
                String tool = call.name() != null && call.name().startsWith("mcp__") ? "mcp" : tools.of(call.name());
                toolCalls.withTags("repo", repo, "tool", tool, "outcome", call.error() ? "error" : "ok").increment();
            }
            case "checks_finished" -> {
                RunEvent.ChecksFinished checks = read(event, RunEvent.ChecksFinished.class);
                cacheHits.withTags("repo", repo, "origin", "run_checks").increment(checks.cacheHits());
                cacheMisses.withTags("repo", repo, "origin", "run_checks").increment(checks.stepsRun());
            }
            case "phase_started" -> {
                endPhase(repo, run, event.at());
                run.phase = phases.of(read(event, RunEvent.PhaseStarted.class).phase());
                run.phaseStartedAt = event.at();
            }
            case "mcp_status" -> {
                for (RunEvent.McpStatus.Server server : read(event, RunEvent.McpStatus.class).servers()) {
                    if (server.state() != null) { // rows before issue 13 name servers without a state
                        mcpChanges.withTags("repo", repo, "state", mcpStates.of(server.state())).increment();
                    }
                }
            }
            case "run_paused", "run_completed", "run_failed", "session_started" -> endPhase(repo, run, event.at());
            default -> {
            }
        }
    }

    private void addTokens(String repo, String model, String kind, long count) {
        Counter counter = tokens.withTags("repo", repo, "model", model, "kind", kind);
        if (count > 0) {
            counter.increment(count);
        }
    }

    private void endPhase(String repo, RunTrack run, Instant at) {
        if (run.phase != null) {
            Duration took = Duration.between(run.phaseStartedAt, at);
            phaseDuration.withTags("repo", repo, "phase", run.phase).record(took.isNegative() ? Duration.ZERO : took);
            run.phase = null;
        }
    }

    private static <T> T read(Runs.Event event, Class<T> type) {
        return RunEvents.JSON.treeToValue(event.payload(), type);
    }
}
