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
                case "plan_accepted" -> {
                    h.plan = PlanJson.fromJson(p.path("plan"));
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
                        h.iterationCommits.put(p.path("iteration").asInt(), h.lastCheckpoint);
                    }
                }
                case "rolled_back" -> {
                    h.lastCheckpoint = p.path("commit").asString();
                    int to = p.path("iteration").asInt();
                    h.iterationCommits.tailMap(to, false).clear();
                }
                case "checks_finished" -> {
                    h.checkedIteration = p.path("iteration").asInt();
                    h.lastChecksPassed = p.path("passed").asBoolean();
                }
                case "run_completed" -> h.finalState = "Completing";
                case "run_failed" -> h.finalState = "Failed";
                default -> { }
            }
        }
        return h;
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
