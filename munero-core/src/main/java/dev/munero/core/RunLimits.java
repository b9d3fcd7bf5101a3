package dev.munero.core;

import dev.munero.agent.safety.PermissionMode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What bounds a run and how its agents work: the resolved settings of {@code munero run} (see
 * {@code config.RunSettings} for where each comes from).
 *
 * @param budgetUsd       the hard budget, USD; empty for none
 * @param timeout         the run's wall-clock limit, across sessions it is per session
 * @param maxIterations   execute → observe → reflect rounds before the run fails, at least 1
 * @param agents          tasks run in parallel, each in its own worktree when more than 1
 * @param maxTurns        model calls per task agent
 * @param maxOutputTokens max output tokens per model call
 * @param permissionMode  what task agents may do without asking (there is no one to ask: a command that needs
 *                        approval is refused and the agent is told so)
 * @param allow           command patterns task agents may run
 * @param leases          whether tasks lease the files they edit ({@code run: leases}, issue 14); off, parallel
 *                        tasks may edit the same files and their merges conflict
 * @param reviewRounds    the most reviews of one task when the run has a reviewer profile (issue 14), at least 1
 * @param worker          who executes a task whose agent profile names no worker (issue 15): {@code agent} (the
 *                        built-in agent) or a CLI worker, {@code claude-code}, {@code codex}, {@code gemini}
 * @param workerInactivity how long a CLI worker may send no event before it counts as hung (killed, and the task
 *                        tried once more), more than 0 ({@code run: workers: inactivity:}, issue 15)
 * @param workerGrace     how long a CLI worker's process may live on after its final event before its tree is killed,
 *                        more than 0 ({@code run: workers: grace:})
 */
public record RunLimits(OptionalDouble budgetUsd, Duration timeout, int maxIterations, int agents, int maxTurns,
                        int maxOutputTokens, PermissionMode permissionMode, List<String> allow, boolean leases,
                        int reviewRounds, String worker, Duration workerInactivity, Duration workerGrace) {
    /** The review rounds of a run that does not set {@code run: review_rounds}. */
    public static final int DEFAULT_REVIEW_ROUNDS = 2;
    /** A CLI worker's inactivity limit when {@code run: workers: inactivity} is not set. */
    public static final Duration DEFAULT_WORKER_INACTIVITY = Duration.ofMinutes(10);
    /** A CLI worker's grace after its final event when {@code run: workers: grace} is not set. */
    public static final Duration DEFAULT_WORKER_GRACE = Duration.ofSeconds(10);

    /** @throws IllegalArgumentException naming the value when one is out of range */
    public RunLimits {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("max iterations must be at least 1, was " + maxIterations);
        }
        if (agents < 1) {
            throw new IllegalArgumentException("agents must be at least 1, was " + agents);
        }
        if (budgetUsd.isPresent() && !(budgetUsd.getAsDouble() > 0)) {
            throw new IllegalArgumentException("the budget must be more than 0 USD, was " + budgetUsd.getAsDouble());
        }
        if (reviewRounds < 1) {
            throw new IllegalArgumentException("review rounds must be at least 1, was " + reviewRounds);
        }
        if (!dev.munero.agent.worker.Workers.NAMES.contains(worker)) {
            throw new IllegalArgumentException("unknown worker '" + worker + "'; valid: "
                    + String.join(", ", dev.munero.agent.worker.Workers.NAMES));
        }
        if (workerInactivity.isNegative() || workerInactivity.isZero()) {
            throw new IllegalArgumentException("a CLI worker's inactivity limit must be more than 0, was "
                    + workerInactivity);
        }
        if (workerGrace.isNegative() || workerGrace.isZero()) {
            throw new IllegalArgumentException("a CLI worker's grace must be more than 0, was " + workerGrace);
        }
        allow = List.copyOf(allow);
    }

    /** Limits with the default inactivity limit and grace of CLI workers. */
    public RunLimits(OptionalDouble budgetUsd, Duration timeout, int maxIterations, int agents, int maxTurns,
                     int maxOutputTokens, PermissionMode permissionMode, List<String> allow, boolean leases,
                     int reviewRounds, String worker) {
        this(budgetUsd, timeout, maxIterations, agents, maxTurns, maxOutputTokens, permissionMode, allow, leases,
                reviewRounds, worker, DEFAULT_WORKER_INACTIVITY, DEFAULT_WORKER_GRACE);
    }

    /** Limits whose tasks the built-in agent executes. */
    public RunLimits(OptionalDouble budgetUsd, Duration timeout, int maxIterations, int agents, int maxTurns,
                     int maxOutputTokens, PermissionMode permissionMode, List<String> allow, boolean leases,
                     int reviewRounds) {
        this(budgetUsd, timeout, maxIterations, agents, maxTurns, maxOutputTokens, permissionMode, allow, leases,
                reviewRounds, dev.munero.agent.worker.Workers.AGENT);
    }

    /** Limits with file leases on (the default) and {@link #DEFAULT_REVIEW_ROUNDS}. */
    public RunLimits(OptionalDouble budgetUsd, Duration timeout, int maxIterations, int agents, int maxTurns,
                     int maxOutputTokens, PermissionMode permissionMode, List<String> allow) {
        this(budgetUsd, timeout, maxIterations, agents, maxTurns, maxOutputTokens, permissionMode, allow, true,
                DEFAULT_REVIEW_ROUNDS);
    }

    /** These limits with file leases on or off. */
    public RunLimits withLeases(boolean on) {
        return new RunLimits(budgetUsd, timeout, maxIterations, agents, maxTurns, maxOutputTokens, permissionMode,
                allow, on, reviewRounds, worker, workerInactivity, workerGrace);
    }

    /** These limits with {@code name} as the run's worker. @throws IllegalArgumentException for an unknown name */
    public RunLimits withWorker(String name) {
        return new RunLimits(budgetUsd, timeout, maxIterations, agents, maxTurns, maxOutputTokens, permissionMode,
                allow, leases, reviewRounds, name, workerInactivity, workerGrace);
    }

    /**
     * These limits with a CLI worker's inactivity limit and grace.
     *
     * @throws IllegalArgumentException when {@code inactivity} or {@code grace} is not more than 0
     */
    public RunLimits withWorkerTimes(Duration inactivity, Duration grace) {
        return new RunLimits(budgetUsd, timeout, maxIterations, agents, maxTurns, maxOutputTokens, permissionMode,
                allow, leases, reviewRounds, worker, inactivity, grace);
    }

    /** The limits as JSON-friendly values, for the event log. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("budget_usd", budgetUsd.isPresent() ? budgetUsd.getAsDouble() : null);
        m.put("timeout_seconds", timeout.toSeconds());
        m.put("max_iterations", maxIterations);
        m.put("agents", agents);
        m.put("max_turns", maxTurns);
        m.put("max_output_tokens", maxOutputTokens);
        m.put("permission_mode", permissionMode.cliName());
        m.put("allow", allow);
        m.put("leases", leases);
        m.put("review_rounds", reviewRounds);
        if (!worker.equals(dev.munero.agent.worker.Workers.AGENT)) { // the built-in agent's runs log what they did
            m.put("worker", worker);
        }
        if (!workerInactivity.equals(DEFAULT_WORKER_INACTIVITY)) { // only what a run changed, as for the worker
            m.put("worker_inactivity_ms", workerInactivity.toMillis());
        }
        if (!workerGrace.equals(DEFAULT_WORKER_GRACE)) {
            m.put("worker_grace_ms", workerGrace.toMillis());
        }
        return m;
    }

    /**
     * The limits {@link #asMap} wrote, read back (a run's {@code run_started} settings, or a distributed run's
     * limits JSON); a missing key takes the value {@code munero run} defaults to.
     *
     * @throws IllegalArgumentException when a value is out of range (as the constructor) or the permission mode or
     *                                  worker is unknown
     */
    public static RunLimits fromMap(tools.jackson.databind.JsonNode s) {
        return new RunLimits(s.path("budget_usd").isNumber() ? OptionalDouble.of(s.path("budget_usd").asDouble())
                : OptionalDouble.empty(), Duration.ofSeconds(s.path("timeout_seconds").asLong(3600)),
                s.path("max_iterations").asInt(5), s.path("agents").asInt(1), s.path("max_turns").asInt(50),
                s.path("max_output_tokens").asInt(8192),
                dev.munero.agent.safety.PermissionMode.parse(s.path("permission_mode").asString("auto-edit")),
                PlanJson.strings(s.path("allow")), s.path("leases").asBoolean(true),
                s.path("review_rounds").asInt(RunLimits.DEFAULT_REVIEW_ROUNDS),
                s.path("worker").asString(dev.munero.agent.worker.Workers.AGENT),
                Duration.ofMillis(s.path("worker_inactivity_ms").asLong(DEFAULT_WORKER_INACTIVITY.toMillis())),
                Duration.ofMillis(s.path("worker_grace_ms").asLong(DEFAULT_WORKER_GRACE.toMillis())));
    }
}
