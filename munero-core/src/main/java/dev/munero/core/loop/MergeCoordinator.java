package dev.munero.core.loop;

import dev.munero.core.events.RunEvent;
import dev.munero.core.git.Git;
import dev.munero.core.git.GitException;
import dev.munero.core.git.MergeResult;
import dev.munero.core.plan.PlanTask;
import dev.munero.core.PlanJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings one finished parallel task's work onto the run's branch: commits it on the task's branch, merges that
 * branch into the run's worktree ({@code git merge --no-ff}), removes the task's worktree and branch. A clean merge
 * is the task's checkpoint. A conflicting merge is aborted (by {@link Git#merge}) and never dropped: the task is
 * finished without a checkpoint, {@code merge_conflict} names the files, and a follow-up task
 * ({@code <task>-merge}, {@code -merge2}...) carrying the task's diff is added to the plan
 * ({@code plan_accepted}, same iteration, no tasks redone) to re-apply its intent on top of the current code.
 *
 * <p>Not thread-safe: only the coordinator (the session's thread) calls it, one task at a time.
 */
final class MergeCoordinator {
    private static final int DIFF_CHARS = 4000;

    private final RunContext ctx;
    private final TaskRunner tasks;

    MergeCoordinator(RunContext ctx, TaskRunner tasks) {
        this.ctx = ctx;
        this.tasks = tasks;
    }

    /**
     * Merges {@code f}'s work and records the task as finished.
     *
     * @param main git in the user's repository, where the task's worktree and branch are registered
     * @throws GitException when git fails (other than by a merge conflict)
     */
    void merge(int iteration, ParallelExecution.Finished f, Git main) throws GitException {
        String taskCommit = f.git().commitAllowEmpty("munero: task " + f.task().id() + " (iteration " + iteration
                + "): " + Text.firstLine(f.result().summary()));
        MergeResult merged = ctx.git.merge(f.branch(), "munero: merge task " + f.task().id() + " (iteration "
                + iteration + ")");
        main.removeWorktree(f.dir());
        switch (merged) {
            case MergeResult.Merged m -> tasks.finish(iteration, f.task(), f.result(), m.commit());
            case MergeResult.Conflict c -> {
                String followId = followUpId(f.task().id());
                String diff = Text.cut(ctx.git.diff(ctx.git.head(), taskCommit), DIFF_CHARS);
                PlanTask follow = new PlanTask(followId, "Task " + f.task().id() + " (\"" + f.task()
                        .description() + "\") was done on its own branch, but its change conflicts with work "
                        + "merged meanwhile in " + String.join(", ", c.files()) + ". Re-apply its intent on "
                        + "top of the current code. Its change was:\n" + diff, c.files(), List.of(), f.task().role(),
                        f.task().skills());
                tasks.finish(iteration, f.task(), f.result(), null);
                ctx.emit(new RunEvent.MergeConflict(iteration, f.task().id(), c.files(), followId));
                List<PlanTask> planned = new ArrayList<>(ctx.run.plan.tasks());
                planned.add(follow);
                ctx.run.plan = ctx.run.plan.withTasks(planned);
                ctx.emit(new RunEvent.PlanAccepted(ctx.run.planIteration, PlanJson.toMap(ctx.run.plan), 0, true,
                        List.of()));
            }
        }
        main.deleteBranch(f.branch());
    }

    /** An id for the follow-up of task {@code id} that no task of the plan has. */
    private String followUpId(String id) {
        String stem = (id.length() > 30 ? id.substring(0, 30) : id) + "-merge";
        String candidate = stem;
        for (int n = 2; ctx.run.plan.task(candidate).isPresent(); n++) {
            candidate = stem + n;
        }
        return candidate;
    }
}
