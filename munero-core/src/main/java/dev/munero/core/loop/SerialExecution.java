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
    private final TaskRunner tasks;

    SerialExecution(RunContext ctx, TaskRunner tasks) {
        this.ctx = ctx;
        this.tasks = tasks;
    }

    @Override
    public void execute(int iteration) throws InterruptedException, GitException {
        for (PlanTask task = ctx.run.nextReady(Set.of()); task != null; task = ctx.run.nextReady(Set.of())) {
            ctx.checkStop();
            AgentResult result = tasks.run(iteration, task, ctx.worktree, 1);
            String commit = ctx.git.commitAllowEmpty("munero: task " + task.id() + " (iteration " + iteration
                    + "): " + Text.firstLine(result.summary()));
            tasks.finish(iteration, task, result, commit);
        }
    }
}
