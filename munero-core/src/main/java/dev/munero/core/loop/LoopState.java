package dev.munero.core.loop;

import dev.munero.core.plan.Plan;
import dev.munero.core.plan.PlanTask;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The run as this session moves it on: the current plan and the iteration it was made for, the current
 * iteration, the tasks done (in the order they were done), the last checkpoint commit; and, fixed for the
 * session, the spec and what the folded log said when it started. It starts from the run's folded event log
 * ({@link dev.munero.core.RunHistory}); a phase changes it together with the event that records the change, so
 * it stays what folding the log again would give (the tasks done and the plan change just before their event,
 * because the event's projection counts the tasks done).
 *
 * <p>Thread-safety: not thread-safe. Only the session's thread changes it (with parallel agents, the coordinator
 * that merges their work); agents' threads only read the task counts and the progress, through the events they
 * emit (the model calls' cost projection and the summary's {@code tasks_done}).
 */
public final class LoopState {
    final String spec;
    Plan plan;
    int planIteration;
    int iteration;
    final Set<String> done;
    String lastCheckpoint;
    /** The iteration last checked when the session started (the progress does not move it within a session). */
    final int checkedIteration;
    final Instant startedAt;
    /** Whether the log already records the run's end ({@code run_completed} or {@code run_failed}). */
    final boolean ended;
    /** Sessions the run had before this one. */
    final int sessions;
    /** Rollbacks so far: calls after one are kept under {@code scope@N}. */
    final int rollbacks;

    /**
     * @param plan            the current plan, null before the first
     * @param planIteration   the iteration the plan was made for (1 for the first plan, N + 1 after iteration N's
     *                        reflection), 0 before the first
     * @param iteration       the current iteration, 0 before the first
     * @param done            ids of the tasks done, in the order they were done
     * @param lastCheckpoint  the newest checkpoint commit (the base commit before the first)
     * @param checkedIteration the iteration whose checks ran last, 0 for none
     * @param startedAt       when the run started, null if unknown
     * @param ended           whether the run's completion or failure is already recorded
     * @param sessions        sessions the run had before this one
     * @param rollbacks       rollbacks so far
     */
    public LoopState(String spec, Plan plan, int planIteration, int iteration, Collection<String> done,
                     String lastCheckpoint, int checkedIteration, Instant startedAt, boolean ended, int sessions,
                     int rollbacks) {
        this.spec = spec;
        this.plan = plan;
        this.planIteration = planIteration;
        this.iteration = iteration;
        this.done = new LinkedHashSet<>(done);
        this.lastCheckpoint = lastCheckpoint;
        this.checkedIteration = checkedIteration;
        this.startedAt = startedAt;
        this.ended = ended;
        this.sessions = sessions;
        this.rollbacks = rollbacks;
    }

    /** Tasks of the current plan that are done; 0 before the first plan. */
    public int tasksDone() {
        return plan == null ? 0 : (int) plan.tasks().stream().filter(t -> done.contains(t.id())).count();
    }

    /** Tasks of the current plan; 0 before the first plan. */
    int tasksTotal() {
        return plan == null ? 0 : plan.tasks().size();
    }

    /**
     * The first task not done whose dependencies (those in the plan) are done, skipping {@code running}; null
     * when none is ready. Needs a plan.
     */
    PlanTask nextReady(Set<String> running) {
        for (PlanTask t : plan.tasks()) {
            if (!done.contains(t.id()) && !running.contains(t.id())
                    && done.containsAll(t.dependsOn().stream().filter(d -> plan.task(d).isPresent()).toList())) {
                return t;
            }
        }
        return null;
    }

    /**
     * Progress through the run, 0 to 1: planning 10 %, the current iteration's tasks 70 %, its checks 20 %
     * (counted when the session started after them); 0.05 before the first plan.
     */
    double fraction() {
        if (plan == null) {
            return 0.05;
        }
        int total = plan.tasks().size();
        long doneNow = plan.tasks().stream().filter(t -> done.contains(t.id())).count();
        double checked = checkedIteration >= iteration && iteration > 0 ? 0.2 : 0;
        return 0.1 + 0.7 * (total == 0 ? 1 : (double) doneNow / total) + checked;
    }
}
