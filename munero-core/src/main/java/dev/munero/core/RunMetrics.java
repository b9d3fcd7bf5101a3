package dev.munero.core;

import dev.munero.store.StoredEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A run's metrics, folded from its event log (so {@code munero report} works for any run, finished or not):
 * wall time per phase, model calls and tokens by kind, cost broken down by phase, agent, task and model, tool
 * calls, check runs, peak heap, and the size of the log itself.
 *
 * <p>Model calls answered from the store on resume count as calls {@code fromStore} and cost nothing. Durations
 * are milliseconds; money USD; the cost of calls whose price was unknown is left out and counted in
 * {@code unpricedCalls}. Calls cut off after they were sent ({@code model_call_interrupted}) count at their worst
 * case: {@code interruptedCalls} of them, {@code estimatedUsd} of {@code costUsd} and of the breakdowns. A CLI
 * worker's attempts ({@code worker_finished}, issue 15) add their tokens and cost, under their task and
 * {@code <worker> (<model>)}; they are not model calls.
 *
 * @param phaseMillis   wall time per phase (planning, executing, observing, reflecting), every session
 * @param costByPhase   USD by phase (planning, executing, reviewing, reflecting); {@code costByAgent} by agent
 *                      slot ("planner" for plan and reflections, "reviewer" for reviews), {@code costByTask} by task
 *                      id (a task's later sessions and its reviews included), {@code costByModel} by
 *                      {@code provider:model}
 * @param peakHeapBytes the highest peak heap a session of the run reported, bytes
 * @param eventBytes    the bytes of the log's JSON payloads
 */
public record RunMetrics(long wallMillis, Map<String, Long> phaseMillis, int sessions, int iterations,
                         int modelCalls, int modelCallsFromStore, int unpricedCalls, int interruptedCalls,
                         long inputTokens, long outputTokens, long cacheWriteTokens, long cacheReadTokens,
                         double costUsd, double estimatedUsd,
                         Map<String, Double> costByPhase, Map<String, Double> costByAgent,
                         Map<String, Double> costByTask, Map<String, Double> costByModel, int toolCalls,
                         int toolErrors, int tasksFinished, int checkRuns, int checkRunsPassed, long checkMillis,
                         int checkCacheHits, long peakHeapBytes, int events, long eventBytes) {

    /** Events that end the current phase: a new phase, or the end or start of a session. */
    private static final java.util.Set<String> PHASE_BOUNDARIES = java.util.Set.of("phase_started", "run_paused",
            "run_completed", "run_failed", "session_started");

    /** Folds a run's events, oldest first. */
    public static RunMetrics of(List<StoredEvent> events) {
        Map<String, Long> phaseMillis = new TreeMap<>();
        Map<String, Double> byPhase = new TreeMap<>();
        Map<String, Double> byAgent = new TreeMap<>();
        Map<String, Double> byTask = new TreeMap<>();
        Map<String, Double> byModel = new TreeMap<>();
        Map<String, String> agentOfTask = new TreeMap<>();
        int sessions = 0;
        int iterations = 0;
        int calls = 0;
        int fromStore = 0;
        int unpriced = 0;
        int interrupted = 0;
        double estimated = 0;
        long in = 0;
        long out = 0;
        long cw = 0;
        long cr = 0;
        double cost = 0;
        int tools = 0;
        int toolErrors = 0;
        int tasks = 0;
        int checks = 0;
        int checksPassed = 0;
        long checkMillis = 0;
        int hits = 0;
        long peak = 0;
        long bytes = 0;
        String phase = null;
        Instant phaseStart = null;
        for (StoredEvent e : events) {
            JsonNode p = e.payload();
            bytes += p.toString().length();
            if (PHASE_BOUNDARIES.contains(e.type())) {
                if (phase != null) {
                    phaseMillis.merge(phase, Duration.between(phaseStart, e.at()).toMillis(), Long::sum);
                }
                phase = e.type().equals("phase_started") ? p.path("phase").asString() : null;
                phaseStart = e.at();
                peak = Math.max(peak, p.path("peak_heap_bytes").asLong(0));
            }
            switch (e.type()) {
                case "session_started" -> sessions++;
                case "iteration_started" -> iterations = Math.max(iterations, p.path("iteration").asInt());
                case "task_started" -> agentOfTask.put(p.path("task").asString(), "agent " + p.path("agent").asInt());
                case "task_finished" -> tasks++;
                case "tool_call" -> {
                    tools++;
                    toolErrors += p.path("error").asBoolean() ? 1 : 0;
                }
                case "checks_finished" -> {
                    checks++;
                    checksPassed += p.path("passed").asBoolean() ? 1 : 0;
                    checkMillis += p.path("duration_millis").asLong();
                    hits += p.path("cache_hits").asInt();
                }
                // a CLI worker's attempt (issue 15) adds its usage and cost like a call, but is not a model call
                case "model_call", "worker_finished" -> {
                    boolean call = e.type().equals("model_call");
                    if (call && p.path("from_store").asBoolean()) {
                        fromStore++;
                        break;
                    }
                    calls += call ? 1 : 0;
                    in += p.path("input_tokens").asLong();
                    out += p.path("output_tokens").asLong();
                    cw += p.path("cache_write_tokens").asLong();
                    cr += p.path("cache_read_tokens").asLong();
                    if (!p.path("cost_usd").isNumber()) {
                        unpriced++;
                        break;
                    }
                    double c = p.path("cost_usd").asDouble();
                    cost += c;
                    attribute(p, c, agentOfTask, byPhase, byAgent, byTask, byModel);
                }
                case "model_call_interrupted" -> {
                    interrupted++;
                    if (!p.path("worst_case_usd").isNumber()) {
                        unpriced++;
                        break;
                    }
                    double c = p.path("worst_case_usd").asDouble();
                    cost += c;
                    estimated += c;
                    attribute(p, c, agentOfTask, byPhase, byAgent, byTask, byModel);
                }
                default -> { }
            }
        }
        long wall = events.isEmpty() ? 0 : Duration.between(events.getFirst().at(), events.getLast().at()).toMillis();
        return new RunMetrics(wall, phaseMillis, sessions, iterations, calls, fromStore, unpriced, interrupted, in, out,
                cw, cr, cost, estimated, byPhase, byAgent, byTask, byModel, tools, toolErrors, tasks, checks, checksPassed, checkMillis,
                hits, peak, events.size(), bytes);
    }

    /** Adds a call's cost to the breakdowns by phase, agent, task and model. */
    private static void attribute(JsonNode call, double usd, Map<String, String> agentOfTask,
                                  Map<String, Double> byPhase, Map<String, Double> byAgent,
                                  Map<String, Double> byTask, Map<String, Double> byModel) {
        String scope = call.path("scope").asString();
        boolean review = scope.startsWith("review:");
        String task = null;
        if (scope.startsWith("task:")) { // task:<iteration>:<id>, or task:<iteration>:<id>#<session> after a review
            task = scope.substring(scope.indexOf(':', 5) + 1).replaceFirst("#\\d+$", "");
        } else if (review) { // review:<iteration>:<task>:<round>
            task = scope.substring(scope.indexOf(':', 7) + 1, scope.lastIndexOf(':'));
        }
        byPhase.merge(scope.startsWith("task:") ? "executing" : review ? "reviewing"
                : scope.startsWith("reflect:") ? "reflecting" : "planning", usd, Double::sum);
        byAgent.merge(review ? "reviewer" : task == null ? "planner" : agentOfTask.getOrDefault(task, "agent"), usd,
                Double::sum);
        if (task != null) {
            byTask.merge(task, usd, Double::sum);
        }
        byModel.merge(call.path("model").asString(), usd, Double::sum);
    }
}
