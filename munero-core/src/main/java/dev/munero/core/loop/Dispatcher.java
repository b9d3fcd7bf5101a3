package dev.munero.core.loop;

import dev.munero.agent.tools.WriteGuard;
import dev.munero.core.events.RunEvent;
import dev.munero.core.plan.PlanTask;
import dev.munero.core.swarm.AgentScheduler;
import dev.munero.core.swarm.Assignment;
import dev.munero.core.swarm.FileLeases;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides which ready task starts next, on which agent profile, holding which file leases (issue 14). A ready task
 * (its dependencies done) starts when it can lease every file it plans to edit ({@link FileLeases}) and a profile
 * has a free slot ({@link AgentScheduler}); a task whose files another running task holds waits
 * ({@code lease_conflict} with action {@code wait}, once per holder), and later tasks may start before it.
 * Every start is a {@code task_assigned} event (then {@code lease_acquired} when it leased files).
 *
 * <p>Not thread-safe: the session's (coordinator's) thread only.
 */
final class Dispatcher {
    /** A task that may start now: its assignment, its leases, and the write guard of its tools over them. */
    record Dispatch(Assignment assignment, FileLeases.Lease lease, WriteGuard guard) {
        PlanTask task() {
            return assignment.task();
        }
    }

    private final RunContext ctx;
    private final AgentScheduler scheduler;
    private final FileLeases leases;
    private final Map<String, Integer> busy = new HashMap<>();
    private final Set<String> waitsReported = new HashSet<>();

    Dispatcher(RunContext ctx, AgentScheduler scheduler, FileLeases leases) {
        this.ctx = ctx;
        this.scheduler = scheduler;
        this.leases = leases;
    }

    /** The scheduler of this run's agent profiles. */
    AgentScheduler scheduler() {
        return scheduler;
    }

    /** The file leases of this run. */
    FileLeases leases() {
        return leases;
    }

    /**
     * The first ready task, in plan order, that can start now, assigned and leased; null when none can.
     *
     * @param running the ids of the tasks running now
     * @param agent   the slot number an assignment gets
     */
    Dispatch next(int iteration, Set<String> running, int agent) {
        Set<String> skipped = new HashSet<>(running);
        for (PlanTask task = ctx.run.nextReady(skipped); task != null; task = ctx.run.nextReady(skipped)) {
            skipped.add(task.id());
            var assignment = scheduler.assign(task, busy, agent);
            if (assignment.isEmpty()) {
                continue;
            }
            Assignment a = assignment.get();
            String holder = "task " + task.id() + " (" + a.profile().name() + ")";
            switch (leases.tryAcquire(iteration, task, holder)) {
                case FileLeases.Held held -> {
                    if (waitsReported.add(task.id() + "\u0000" + held.holder())) {
                        ctx.emit(new RunEvent.LeaseConflict(iteration, task.id(), held.file(), held.holder(),
                                "wait"));
                    }
                }
                case FileLeases.Granted granted -> {
                    busy.merge(a.profile().name(), 1, Integer::sum);
                    ctx.emit(new RunEvent.TaskAssigned(iteration, task.id(), a.profile().name(), a.profile().role(),
                            agent, a.score(), a.factors(), a.weights(), a.others()));
                    if (!granted.lease().files().isEmpty()) {
                        ctx.emit(new RunEvent.LeaseAcquired(iteration, task.id(), granted.lease().files(),
                                granted.lease().expiresAt()));
                    }
                    return new Dispatch(a, granted.lease(), leases.guard(granted.lease()));
                }
            }
        }
        return null;
    }

    /** Whether a ready task is waiting (on leases or a profile's slot) while {@code running} run. */
    boolean waiting(Set<String> running) {
        return ctx.run.nextReady(running) != null;
    }

    /** The task's work is merged (or became a follow-up): its leases are released and its profile's slot freed. */
    void finished(Dispatch d) {
        leases.release(d.lease());
        busy.merge(d.assignment().profile().name(), -1, Integer::sum);
    }
}
