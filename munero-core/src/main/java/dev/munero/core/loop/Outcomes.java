package dev.munero.core.loop;

import dev.munero.core.BudgetExceededException;
import dev.munero.core.BuildManager.Outcome;
import dev.munero.core.BuildManager.Status;
import dev.munero.core.RunState;
import dev.munero.core.events.RunEvent;
import dev.munero.core.git.GitException;

/**
 * How a session ends, each recorded before the {@link Outcome} is returned: complete ({@code Completing →
 * Completed}, {@code run_completed}, the run's lessons confirmed), pause ({@code Paused}, {@code run_paused}; the
 * worktree is reset to the last checkpoint so that an unfinished task is redone on resume) and fail
 * ({@code Failed}, {@code run_failed}).
 *
 * <p>Not thread-safe: the session's thread ends the session, after its agents stopped.
 */
final class Outcomes {
    private final RunContext ctx;

    private final Lessons lessons;

    Outcomes(RunContext ctx, Lessons lessons) {
        this.ctx = ctx;
        this.lessons = lessons;
    }

    /** Records the completion (from {@code Completing}) and ends the run as {@code Completed}. */
    Outcome complete(int iteration, String commit) {
        lessons.confirm();
        if (!ctx.run.ended) {
            ctx.emit(new RunEvent.RunCompleted(iteration, ctx.guard.spentUsd(), commit, Heap.peakBytes()));
        }
        ctx.move(RunState.COMPLETED, "its completion is recorded");
        return new Outcome(ctx.runId, Status.COMPLETED, "every check passed in iteration " + iteration,
                ctx.guard.spentUsd(), iteration, ctx.branch, ctx.worktree.toString(), null, null, null);
    }

    /**
     * Pauses the run after its session was stopped: by the stop watcher (its reason), or by an interrupt
     * (Ctrl-C, SIGTERM: {@link Status#INTERRUPTED}, and the thread stays interrupted).
     */
    Outcome stopped() {
        String why = ctx.stop.reason();
        if (why == null) {
            Thread.interrupted();
            return pause("interrupted", null, Status.INTERRUPTED);
        }
        return pause(why, null);
    }

    /**
     * Pauses the run ({@link Status#PAUSED}).
     *
     * @param budget set when the budget stopped it: the outcome then says what budget lets the refused call through
     */
    Outcome pause(String reason, BudgetExceededException budget) {
        return pause(reason, budget, Status.PAUSED);
    }

    private Outcome pause(String reason, BudgetExceededException budget, Status status) {
        Double neededUsd = budget == null || Double.isNaN(budget.neededUsd()) ? null : budget.neededUsd();
        boolean wasInterrupted = Thread.interrupted();
        try {
            if (ctx.git != null && ctx.run.lastCheckpoint != null) {
                ctx.git.resetHard(ctx.run.lastCheckpoint); // work of an unfinished task is redone on resume
            }
        } catch (GitException e) {
            reason = reason + " (and the worktree could not be reset: " + e.getMessage() + ")";
        }
        if (ctx.state() != RunState.PAUSED) {
            ctx.move(RunState.PAUSED, reason);
        }
        ctx.emit(new RunEvent.RunPaused(reason, neededUsd, Heap.peakBytes()));
        if (wasInterrupted && status == Status.INTERRUPTED) {
            Thread.currentThread().interrupt();
        }
        return new Outcome(ctx.runId, status, reason, ctx.guard.spentUsd(), ctx.run.iteration, ctx.branch,
                ctx.worktree.toString(), neededUsd, neededUsd == null ? null : budget.resumeBudgetUsd(),
                neededUsd == null ? null : budget.addBudgetUsd());
    }

    /** Ends the run as {@code Failed}. */
    Outcome fail(String reason) {
        if (!ctx.state().isFinal()) {
            ctx.move(RunState.FAILED, reason);
        }
        ctx.emit(new RunEvent.RunFailed(reason, Heap.peakBytes()));
        return new Outcome(ctx.runId, Status.FAILED, reason, ctx.guard.spentUsd(), ctx.run.iteration, ctx.branch,
                ctx.worktree.toString(), null, null, null);
    }
}
