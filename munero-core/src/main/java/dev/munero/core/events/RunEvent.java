package dev.munero.core.events;

import java.util.List;
import java.util.Map;

/**
 * Everything a run does, in order: the manager appends each event (but {@link Progress}) to the run's event log
 * in the store, then publishes it on the {@link EventBus} for the console, {@code --events jsonl} and metrics.
 * Sealed: subscribers switch over the variants. {@link #type()} is the event's name in the log and in JSON lines;
 * the payload is the record's fields in snake_case ({@link RunEvents#payload}).
 *
 * <p>Money is USD, durations milliseconds ({@code ...Millis}), tokens counts.
 */
public sealed interface RunEvent {

    /** The event's name in the log, e.g. {@code task_finished}. */
    String type();

    /** Whether the event goes to the event log; false for derived, high-rate events. */
    default boolean persisted() {
        return true;
    }

    /** A run began (first session only). */
    record RunStarted(String runId, String repo, String worktree, String branch, String baseCommit, String model,
                      String spec, Map<String, Object> settings) implements RunEvent {
        public String type() { return "run_started"; }
    }

    /** A session (the first, or a resume) attached to the run. */
    record SessionStarted(String runId, int session, String reason, long pid) implements RunEvent {
        public String type() { return "session_started"; }
    }

    /**
     * A resume changed the run's limits ({@code munero resume --budget-usd ...}); later sessions keep them.
     *
     * @param settings every limit as it is now, in the shape of {@link RunStarted#settings()}
     */
    record LimitsChanged(Map<String, Object> settings) implements RunEvent {
        public String type() { return "limits_changed"; }
    }

    /** The state machine moved. */
    record StateChanged(String from, String to, String reason) implements RunEvent {
        public String type() { return "state_changed"; }
    }

    /** The loop entered a phase: planning, executing, observing, reflecting. */
    record PhaseStarted(String phase, int iteration) implements RunEvent {
        public String type() { return "phase_started"; }
    }

    /**
     * The MCP servers of the run's agents: all of them when a session starts them ({@code cause} {@code start} in
     * state ConfiguringMCP, {@code resume} when a resumed session starts them again), or the one server whose state
     * changed during the session ({@code cause} {@code change}: it crashed, is restarting, is up again).
     *
     * <p>Compatibility: rows written before issue 13 have {@code status} "no MCP servers: MCP support is not built
     * yet", {@code servers} as a list of names (always empty) and no {@code cause}; they read as servers with only a
     * name and a null cause.
     *
     * @param status  over every configured server after this event: {@code ready} (every server up), {@code degraded}
     *                (some down or restarting) or {@code none} (no server configured)
     * @param servers the servers this event reports
     * @param cause   {@code start}, {@code resume} or {@code change}; null in rows before issue 13
     */
    record McpStatus(String status, List<Server> servers, String cause) implements RunEvent {
        public String type() { return "mcp_status"; }

        /**
         * One server's state.
         *
         * @param state         {@code up}, {@code down} or {@code restarting}; null in rows before issue 13
         * @param required      whether the run needs it ({@code required: true} in its configuration)
         * @param version       the server's own name and version from its initialize answer, e.g.
         *                      {@code secure-filesystem-server 0.2.0}; null when it never answered
         * @param tools         how many tools it offers the agents
         * @param toolNames     their names as the agents see them ({@code mcp__<server>__<tool>})
         * @param latencyMillis how long its last start took (process start, initialize, tools/list), ms; null when
         *                      it never started
         * @param error         why it is down or restarting; null when up
         * @param restarts      how many times it was restarted after a crash in this session
         */
        public record Server(String name, String state, boolean required, String version, int tools,
                             List<String> toolNames, Long latencyMillis, String error, int restarts) {
            public Server {
                toolNames = toolNames == null ? List.of() : List.copyOf(toolNames);
            }

            /** A row before issue 13 listed servers by name only. */
            @com.fasterxml.jackson.annotation.JsonCreator(mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
            public static Server named(String name) {
                return new Server(name, null, false, null, 0, List.of(), null, null, 0);
            }
        }
    }

    /**
     * A plan (initial, revised after a reflection, or with a merge conflict's follow-up task) was accepted.
     *
     * @param iteration the iteration it is for
     * @param plan      its JSON, as the {@code submit_plan} tool's input
     * @param redo      tasks done before that this plan revised, so they run again
     */
    record PlanAccepted(int iteration, Map<String, Object> plan, int attempts, boolean revised, List<String> redo)
            implements RunEvent {
        public String type() { return "plan_accepted"; }
    }

    /** An iteration (execute, observe, maybe reflect) began. */
    record IterationStarted(int iteration) implements RunEvent {
        public String type() { return "iteration_started"; }
    }

    /** An agent started on a task. */
    record TaskStarted(int iteration, String task, String description, int agent, String workspace)
            implements RunEvent {
        public String type() { return "task_started"; }
    }

    /**
     * The scheduler gave a ready task to an agent profile (issue 14): who does it and why. With one profile (no
     * {@code agents:} section) every task goes to the default profile, and the factors still say so.
     *
     * @param profile the agent profile's name ({@code agents:} in munero.yaml; {@code agent} by default)
     * @param role    the profile's role (planner, coder, tester, reviewer or user-defined)
     * @param agent   the agent's slot in this iteration, as in {@link TaskStarted#agent()}
     * @param score   the weighted sum of the factors, 0 to 1
     * @param factors each factor before weighting, 0 to 1: {@code availability}, {@code expertise},
     *                {@code workload}, {@code success}, {@code affinity}
     * @param weights each factor's weight as configured, in the same keys
     * @param others  the scores of the other candidate profiles, by name (for "why not them")
     */
    record TaskAssigned(int iteration, String task, String profile, String role, int agent, double score,
                        Map<String, Double> factors, Map<String, Double> weights, Map<String, Double> others)
            implements RunEvent {
        public String type() { return "task_assigned"; }
    }

    /**
     * A task leased the files it plans to edit before it started, or leased one more file when a write went outside
     * its leases (issue 14).
     *
     * @param files     the files leased by this event, relative to the repository root
     * @param expiresAt ISO-8601 instant, UTC: when the lease expires unless renewed
     */
    record LeaseAcquired(int iteration, String task, List<String> files, String expiresAt) implements RunEvent {
        public String type() { return "lease_acquired"; }
    }

    /**
     * A ready task did not start, or a write tool call was refused, because another running task holds a lease on
     * one of its files (issue 14).
     *
     * @param file   the contested file, relative to the repository root
     * @param holder who holds it, e.g. {@code task parse-config (coder-1)}
     * @param action {@code wait} (the task waits for the holder to finish) or {@code refused} (a write tool call
     *               failed with a tool error naming the holder)
     */
    record LeaseConflict(int iteration, String task, String file, String holder, String action)
            implements RunEvent {
        public String type() { return "lease_conflict"; }
    }

    /**
     * A reviewer agent read a finished task's diff (issue 14): approved it, or sent it back with comments for another
     * round (at most the configured rounds).
     *
     * @param round    1 for the first review of the task
     * @param reviewer the reviewer profile's name
     * @param comments what the reviewer said (the agent's next prompt gets them on a rejection); when it stopped
     *                 without a verdict, {@code no verdict: ...} and why, with {@code approved} false
     * @param costUsd  the review's model calls, USD, at the model's prices (a resumed session's review answered from
     *                 the store counts its stored calls, as {@code task_finished} does); 0 when the price is unknown
     */
    record ReviewFinished(int iteration, String task, int round, String reviewer, boolean approved, String comments,
                          double costUsd) implements RunEvent {
        public String type() { return "review_finished"; }
    }

    /**
     * A model call completed.
     *
     * @param scope     who called: {@code plan}, {@code task:<iteration>:<task>}, {@code reflect:<iteration>}
     * @param fromStore answered from the store by a resumed run: nothing was sent, nothing paid
     * @param costUsd   null when the model's price is unknown; 0 when from the store
     */
    record ModelCalled(String scope, int index, String model, long inputTokens, long outputTokens,
                       long cacheWriteTokens, long cacheReadTokens, Double costUsd, boolean fromStore,
                       long durationMillis) implements RunEvent {
        public String type() { return "model_call"; }
    }

    /**
     * A model call was cut off after it was sent (a pause or Ctrl-C mid-call, a timeout, or a process killed
     * mid-call, found by the next session): the provider may have billed it, so it counts as spent at its worst
     * case, an estimate.
     *
     * @param worstCaseUsd the reserved worst case counted as spent; null when the model's price is unknown
     * @param cause        what cut it off, e.g. {@code the process ended mid-call}
     */
    record ModelCallInterrupted(String scope, int index, String model, Double worstCaseUsd, String cause)
            implements RunEvent {
        public String type() { return "model_call_interrupted"; }
    }

    /**
     * A task was handed to a coding-agent CLI worker (issue 15), written before its process starts: where its
     * session lives ({@code home}, kept across resumes), its stream and stderr, and the session id when Munero chose
     * it up front (Claude Code, Gemini CLI) or resumes it; null when the CLI names it ({@link WorkerSession}).
     *
     * @param scope       {@code task:<iteration>:<id>} (plus {@code #<session>} after a review), as model calls name it
     * @param index       the attempt of this scope, 0, 1, ...: the key of its cost reservation
     * @param reservedUsd what was reserved for it from the budget, USD; null without a budget
     */
    record WorkerStarted(int iteration, String task, String scope, int index, String worker, String model,
                         String sessionId, boolean resume, String home, String stdout, String stderr,
                         Double reservedUsd) implements RunEvent {
        public String type() { return "worker_started"; }
    }

    /** A CLI worker's stream named its session (Codex's {@code thread.started}), for a later resume. */
    record WorkerSession(String scope, int index, String worker, String sessionId) implements RunEvent {
        public String type() { return "worker_session"; }
    }

    /**
     * A CLI worker's attempt ended, and what it spent (counted in the run's cost like a model call's).
     *
     * @param outcome    finished, limit, error, hung, crashed (the worker's), or {@code interrupted} (Munero stopped,
     *                   or was killed: then the spend was read back from the kept stream)
     * @param model      the worker and its model as {@code munero cost} lists it, e.g. {@code claude-code
     *                   (anthropic:claude-sonnet-4-6)}
     * @param costUsd    USD; null when unknown (the CLI reports no cost and the model has no price)
     * @param costSource reported, priced or unpriced
     */
    record WorkerFinished(String scope, int index, String worker, String model, String outcome, String detail,
                          String sessionId, long inputTokens, long outputTokens, long cacheWriteTokens,
                          long cacheReadTokens, Double costUsd, String costSource, int turns, Integer exitCode,
                          String stdout, String stderr, long durationMillis) implements RunEvent {
        public String type() { return "worker_finished"; }
    }

    /** An agent's tool call ended; arguments and result are cut to a preview. */
    record ToolCalled(String scope, String task, String name, String arguments, boolean error, String result,
                      long durationMillis) implements RunEvent {
        public String type() { return "tool_call"; }
    }

    /** An agent ended: how, its summary, and the checkpoint commit of its work (null when nothing changed). */
    record TaskFinished(int iteration, String task, String condition, String summary, String commit, int turns,
                        int toolCalls, double costUsd) implements RunEvent {
        public String type() { return "task_finished"; }
    }

    /** A finished task's branch did not merge; its work becomes the follow-up task. */
    record MergeConflict(int iteration, String task, List<String> files, String followUp) implements RunEvent {
        public String type() { return "merge_conflict"; }
    }

    /** The acceptance checks ran in the run's worktree. */
    record ChecksFinished(int iteration, boolean passed, List<String> checks, List<Map<String, Object>> failures,
                          int stepsRun, int cacheHits, long durationMillis) implements RunEvent {
        public String type() { return "checks_finished"; }
    }

    /** A reflection recorded a lesson. */
    record LessonRecorded(int iteration, int ordinal, String check, String whatFailed, String why, String fix,
                          List<String> files) implements RunEvent {
        public String type() { return "lesson_recorded"; }
    }

    /** A checkpoint commit on the run's branch: {@code label} is {@code task:<id>} or {@code iteration}. */
    record Checkpoint(int iteration, String label, String commit) implements RunEvent {
        public String type() { return "checkpoint"; }
    }

    /** The cost so far, its projection to the end of the run (null until there is progress), the budget. */
    record CostUpdated(double spentUsd, Double projectedUsd, Double budgetUsd) implements RunEvent {
        public String type() { return "cost_update"; }
    }

    /** Where the run is: not persisted (derived from the others). */
    record Progress(String phase, int iteration, int tasksDone, int tasksTotal, double fraction, Long etaMillis)
            implements RunEvent {
        public String type() { return "progress"; }

        @Override
        public boolean persisted() {
            return false;
        }
    }

    /** Someone asked the run to pause ({@code munero pause}). */
    record PauseRequested(String by) implements RunEvent {
        public String type() { return "pause_requested"; }
    }

    /** The run paused with its state saved; {@code neededUsd} is set when the budget stopped it. */
    record RunPaused(String reason, Double neededUsd, long peakHeapBytes) implements RunEvent {
        public String type() { return "run_paused"; }
    }

    /**
     * The branch was rolled back to an iteration's checkpoint ({@code munero rollback}); the run is paused there.
     *
     * @param fromState the run's state before (an ended run is reopened)
     * @param toState   its state after, {@code Paused}
     * @param undone    tasks that were done after the checkpoint and are to be done again
     */
    record RolledBack(int iteration, String commit, String fromState, String toState, List<String> undone)
            implements RunEvent {
        public String type() { return "rolled_back"; }
    }

    /**
     * The run's worktree was damaged (missing, half-deleted, not a worktree any more) and was rebuilt from the
     * last checkpoint.
     *
     * @param damage  what was wrong with it
     * @param movedTo where what was left of it was moved, or null when nothing was left
     * @param commit  the checkpoint it was rebuilt at
     */
    record WorktreeRebuilt(String worktree, String damage, String movedTo, String commit) implements RunEvent {
        public String type() { return "worktree_rebuilt"; }
    }

    /** Every check passed. */
    record RunCompleted(int iterations, double costUsd, String commit, long peakHeapBytes) implements RunEvent {
        public String type() { return "run_completed"; }
    }

    /** The run failed for good (max iterations with failing checks, or an error it cannot resume from). */
    record RunFailed(String reason, long peakHeapBytes) implements RunEvent {
        public String type() { return "run_failed"; }
    }
}
