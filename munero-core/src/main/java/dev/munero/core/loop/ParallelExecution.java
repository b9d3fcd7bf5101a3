package dev.munero.core.loop;

import dev.munero.agent.AgentResult;
import dev.munero.core.git.Git;
import dev.munero.core.git.GitException;
import dev.munero.core.plan.PlanTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Executes up to {@code --agents} tasks at once. Each ready task gets its own worktree
 * ({@code .munero/worktrees/<run-id>-<task>-<iteration>}) on its own branch
 * ({@code munero/<run-id>-<task>-<iteration>}, beside the run's branch: git cannot nest refs under a branch) made
 * from the run's current checkpoint, and its
 * agent runs on a virtual thread ({@code munero-agent-N}). The session's thread is the coordinator: it starts
 * agents while slots and ready tasks remain, and hands each finished task to the {@link MergeCoordinator}, one at
 * a time, in the order they finish.
 *
 * <p>Invariant: a task is in {@code running} iff its agent was started and its merge has not begun; only the
 * coordinator changes the plan and the run's branch.
 *
 * <p>Not thread-safe: one coordinator per execution; each agent's thread is enlisted with the stop watcher, and
 * all are interrupted when the execution ends early.
 */
final class ParallelExecution implements Execution {
    /** How often a coordinator with nothing running looks again for leases another run released, ms. */
    static final long LEASE_POLL_MILLIS = 500;
    /**
     * A task whose agent finished: its number, git in its worktree, the worktree, its branch, and the result.
     */
    record Finished(Dispatcher.Dispatch dispatch, int agent, Git git, Path dir, String branch, AgentResult result) {
        PlanTask task() {
            return dispatch.task();
        }
    }

    private final RunContext ctx;
    private final Reviewing reviewing;
    private final MergeCoordinator merges;
    private final Dispatcher dispatcher;

    /** @param reviewing runs each task's agent and its reviews, on the agent's thread */
    ParallelExecution(RunContext ctx, Reviewing reviewing, MergeCoordinator merges, Dispatcher dispatcher) {
        this.ctx = ctx;
        this.reviewing = reviewing;
        this.merges = merges;
        this.dispatcher = dispatcher;
    }

    @Override
    public void execute(int iteration) throws InterruptedException, GitException {
        ExecutorService pool = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("munero-agent-", 1)
                .factory());
        ExecutorCompletionService<Finished> done = new ExecutorCompletionService<>(pool);
        Set<String> running = new LinkedHashSet<>();
        List<Future<Finished>> futures = new ArrayList<>();
        int slot = 0;
        Git main = Git.open(ctx.repo);
        try {
            while (true) {
                ctx.checkStop();
                Dispatcher.Dispatch d;
                while (running.size() < ctx.limits.agents() && (d = dispatcher.next(iteration, running, slot + 1))
                        != null) {
                    PlanTask task = d.task();
                    String taskBranch = ctx.branch + "-" + task.id() + "-" + iteration;
                    Path dir = ctx.repo.resolve(".munero").resolve("worktrees").resolve(ctx.runId + "-" + task.id()
                            + "-" + iteration);
                    main.removeWorktree(dir);
                    main.deleteBranch(taskBranch);
                    Git taskGit = main.addWorktree(dir, taskBranch, ctx.git.head());
                    Dispatcher.Dispatch started = d;
                    int agent = ++slot;
                    running.add(task.id());
                    futures.add(done.submit(() -> {
                        ctx.stop.enlist();
                        try {
                            return new Finished(started, agent, taskGit, dir, taskBranch, reviewing.run(iteration,
                                    started, dir, taskGit));
                        } finally {
                            ctx.stop.release();
                        }
                    }));
                }
                if (running.isEmpty()) {
                    if (!dispatcher.waiting(running)) {
                        return;
                    }
                    // ready tasks wait on leases held by another run in this repository: look again shortly
                    Thread.sleep(LEASE_POLL_MILLIS);
                    continue;
                }
                Finished f;
                try {
                    f = done.take().get();
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    if (e.getCause() instanceof InterruptedException ie) {
                        throw ie;
                    }
                    if (e.getCause() instanceof GitException ge) { // reading a reviewed task's diff failed
                        throw ge;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                running.remove(f.task().id());
                try {
                    merges.merge(iteration, f, main);
                } finally {
                    dispatcher.finished(f.dispatch());
                }
            }
        } finally {
            pool.shutdownNow();
            pool.close();
            // the execution ends early (pause, timeout, failure) with tasks leased: no agent of it runs now
            dispatcher.leases().releaseRun(ctx.runId);
        }
    }
}
