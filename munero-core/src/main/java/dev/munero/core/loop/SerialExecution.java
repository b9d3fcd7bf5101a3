package dev.munero.core.loop;

import dev.munero.agent.AgentResult;
import dev.munero.core.git.GitException;
import dev.munero.core.plan.PlanTask;
import java.util.Set;

/**
 * Executes the tasks one at a time in the run's own worktree, in plan order as they become ready; each task's
 * work is a checkpoint commit ({@code munero: task ID (iteration N): summary}) on the run's branch.
 *
 * <p>Not thread-safe: the session's thread runs it, and the agent on that thread.
 */
final class SerialExecution implements Execution {
    private final RunContext ctx;
    private final Reviewing reviewing;
    private final TaskRunner tasks;
    private final Dispatcher dispatcher;

    /** @param reviewing runs each task's agent and its reviews */
    SerialExecution(RunContext ctx, Reviewing reviewing, TaskRunner tasks, Dispatcher dispatcher) {
        this.ctx = ctx;
        this.reviewing = reviewing;
        this.tasks = tasks;
        this.dispatcher = dispatcher;
    }

    @Override
    public void execute(int iteration) throws InterruptedException, GitException {
        while (dispatcher.waiting(Set.of())) {
            ctx.checkStop();
            Dispatcher.Dispatch d = dispatcher.next(iteration, Set.of(), 1);
            if (d == null) {
                // the ready tasks wait on leases held by another run in this repository: look again shortly
                Thread.sleep(ParallelExecution.LEASE_POLL_MILLIS);
                continue;
            }
            try {
                PlanTask task = d.task();
                AgentResult result = reviewing.run(iteration, d, ctx.worktree, ctx.git);
                String commit = ctx.git.commitAllowEmpty("munero: task " + task.id() + " (iteration " + iteration
                        + "): " + Text.firstLine(result.summary()));
                tasks.finish(iteration, task, result, commit);
            } finally {
                dispatcher.finished(d);
            }
        }
    }
}
