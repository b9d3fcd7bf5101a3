package dev.munero.core;

import dev.munero.core.plan.Plan;
import dev.munero.store.StoredEvent;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A run's event log folded into what the loop needs to continue and what reports show: the run's identity, the
 * current plan, the iteration, the tasks done (a task revised by a reflection is not done any more), the last
 * checkpoint, each iteration's checkpoint commit, and the last check result.
 *
 * <p>A rollback to iteration {@code N} ({@code rolled_back}) puts the run back where it was at iteration N's
 * checkpoint: the plan it had then, the tasks done then (tasks finished after it are not done any more), and no
 * later checkpoint; N = 0 is before the first task, with the first plan. {@link #rollbacks()} counts them.
 *
 * <p>Not thread-safe; built once from a list of events.
 */
public final class RunHistory {
    String repo = "";
    String worktree = "";
    String branch = "";
    String baseCommit = "";
    String model = "";
    String spec = "";
    JsonNode settings;
    int sessions;
    Plan plan;
    int planIteration;
    int iteration;
    final Set<String> done = new LinkedHashSet<>();
    String lastCheckpoint;
    final TreeMap<Integer, String> iterationCommits = new TreeMap<>();
    int checkedIteration;
    boolean lastChecksPassed;
    String finalState;
    Instant startedAt;
    int rollbacks;
    double estimatedUsd;
    double workerUsd;
    private Plan firstPlan;
    /** Where the run was at each iteration's checkpoint: what a rollback restores. */
    private final TreeMap<Integer, Snapshot> snapshots = new TreeMap<>();

    private record Snapshot(Plan plan, int planIteration, Set<String> done) { }

    private RunHistory() {
    }

    /** Folds a run's events, oldest first. */
    public static RunHistory fold(List<StoredEvent> events) {
        RunHistory h = new RunHistory();
        for (StoredEvent e : events) {
            JsonNode p = e.payload();
            switch (e.type()) {
                case "run_started" -> {
                    h.repo = p.path("repo").asString("");
                    h.worktree = p.path("worktree").asString("");
                    h.branch = p.path("branch").asString("");
                    h.baseCommit = p.path("base_commit").asString("");
                    h.model = p.path("model").asString("");
                    h.spec = p.path("spec").asString("");
                    h.settings = p.path("settings");
                    h.lastCheckpoint = h.baseCommit;
                    h.iterationCommits.put(0, h.baseCommit);
                    h.startedAt = e.at();
                }
                case "session_started" -> h.sessions++;
                case "limits_changed" -> h.settings = p.path("settings");
                case "plan_accepted" -> {
                    h.plan = PlanJson.fromJson(p.path("plan"));
                    if (h.firstPlan == null) {
                        h.firstPlan = h.plan;
                    }
                    h.planIteration = p.path("iteration").asInt();
                    for (JsonNode id : p.path("redo")) {
                        h.done.remove(id.asString());
                    }
                }
                case "iteration_started" -> h.iteration = p.path("iteration").asInt();
                case "task_finished" -> h.done.add(p.path("task").asString());
                case "checkpoint" -> {
                    h.lastCheckpoint = p.path("commit").asString();
                    if (p.path("label").asString().equals("iteration")) {
                        int iteration = p.path("iteration").asInt();
                        h.iterationCommits.put(iteration, h.lastCheckpoint);
                        h.snapshots.put(iteration, new Snapshot(h.plan, h.planIteration, Set.copyOf(h.done)));
                    }
                }
                case "rolled_back" -> h.rollBack(p.path("iteration").asInt(), p.path("commit").asString());
                case "model_call_interrupted" -> h.estimatedUsd += p.path("worst_case_usd").asDouble(0);
                case "worker_finished" -> h.workerUsd += p.path("cost_usd").asDouble(0);
                case "checks_finished" -> {
                    h.checkedIteration = p.path("iteration").asInt();
                    h.lastChecksPassed = p.path("passed").asBoolean();
                }
                case "run_completed" -> h.finalState = RunState.COMPLETED.label();
                case "run_failed" -> h.finalState = RunState.FAILED.label();
                default -> { }
            }
        }
        return h;
    }

    private void rollBack(int to, String commit) {
        rollbacks++;
        lastCheckpoint = commit;
        iterationCommits.tailMap(to, false).clear();
        snapshots.tailMap(to, false).clear();
        Snapshot at = snapshots.get(to);
        done.clear();
        if (at == null) { // iteration 0: before the first task
            plan = firstPlan;
            planIteration = firstPlan == null ? 0 : 1;
            iteration = 0;
        } else {
            plan = at.plan();
            planIteration = at.planIteration();
            iteration = to;
            done.addAll(at.done());
        }
        checkedIteration = Math.min(checkedIteration, to - 1);
        finalState = null;
    }

    /**
     * The tasks that were done at iteration {@code iteration}'s checkpoint (none for 0): what a rollback to it
     * keeps done.
     */
    public Set<String> doneAt(int iteration) {
        Snapshot at = snapshots.get(iteration);
        return at == null ? Set.of() : at.done();
    }

    /** How many times the run was rolled back. */
    public int rollbacks() {
        return rollbacks;
    }

    /** USD counted for model calls cut off after they were sent, at their worst case (an estimate). */
    public double estimatedUsd() {
        return estimatedUsd;
    }

    /** USD the run's CLI workers spent ({@code worker_finished}, issue 15); their calls are not model calls. */
    public double workerUsd() {
        return workerUsd;
    }

    /** {@code Completed} or {@code Failed} once the run ended (and no rollback reopened it since). */
    public Optional<String> finalState() {
        return Optional.ofNullable(finalState);
    }

    /** The repository the run was started in. */
    public String repo() {
        return repo;
    }

    /** The run's own worktree. */
    public String worktree() {
        return worktree;
    }

    /** The checkpoint branch, {@code munero/<run-id>}. */
    public String branch() {
        return branch;
    }

    /** The commit the run started from. */
    public String baseCommit() {
        return baseCommit;
    }

    /** The model, {@code provider:model}. */
    public String model() {
        return model;
    }

    /** The current plan, if the run got that far. */
    public Optional<Plan> plan() {
        return Optional.ofNullable(plan);
    }

    /** The current iteration, 0 before the first. */
    public int iteration() {
        return iteration;
    }

    /** Ids of the tasks done and not revised since. */
    public Set<String> done() {
        return Set.copyOf(done);
    }

    /** The commit of each iteration's checkpoint; 0 is the commit the run started from. */
    public java.util.SortedMap<Integer, String> iterationCommits() {
        return java.util.Collections.unmodifiableSortedMap(iterationCommits);
    }

    /** The newest checkpoint commit. */
    public String lastCheckpoint() {
        return lastCheckpoint;
    }

    /** How many sessions (start and resumes) the run has had. */
    public int sessions() {
        return sessions;
    }
}
