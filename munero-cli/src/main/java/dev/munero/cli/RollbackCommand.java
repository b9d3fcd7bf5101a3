package dev.munero.cli;

import dev.munero.core.BuildManager;
import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code munero rollback ID --to N}: restores a run's branch to an iteration's checkpoint. */
@Command(name = "rollback", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Restore a run's branch (munero/ID) and worktree to the checkpoint commit of an iteration "
                + "(0 = where the run started). Later commits stay reachable with git reflog. Tasks finished after "
                + "that checkpoint are to be done again, and the run becomes Paused (a completed or failed run is "
                + "reopened): munero resume ID runs its checks on that code and continues from there.", ""},
        footer = {"", "Exit codes: 0 restored, 1 git or the run database failed, 2 no such run or iteration, or the run is running."})
final class RollbackCommand implements Callable<Integer> {
    private final Invocation invocation;

    RollbackCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    RunIdOptions run;

    @Option(names = "--to", paramLabel = "ITERATION", required = true, description = "The iteration to restore.")
    int iteration;

    @Option(names = "--force", description = "Roll back a run whose state says it is running (after a crash).")
    boolean force;

    @Override
    public Integer call() {
        try (Runs runs = RunDriver.open(invocation, RunDriver.repo(invocation, run.directory), false)) {
            BuildManager.RolledBack done = runs.rollback(run.id, iteration, force);
            invocation.out().println("run " + run.id + ": branch " + runs.summary(run.id).branch()
                    + " is back at iteration " + iteration + " (" + done.commit() + ")");
            invocation.out().println("  the run is " + done.to().label() + (done.from() == done.to() ? ""
                    : " (it was " + done.from().label() + ")") + "; " + (done.undone().isEmpty()
                    ? "no finished task is undone" : "tasks to do again: " + String.join(", ", done.undone())));
            invocation.out().println("next: munero resume " + run.id + " runs the checks on this code and continues "
                    + "from there");
            return ExitCodes.OK;
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
    }
}
