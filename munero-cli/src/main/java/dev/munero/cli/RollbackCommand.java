package dev.munero.cli;

import dev.munero.core.BuildManager;
import dev.munero.core.RunState;
import dev.munero.core.git.GitException;
import dev.munero.store.Store;
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
        footer = {"", "Exit codes: 0 restored, 1 git failed, 2 no such run or iteration, or the run is running."})
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
        try (Store store = RunStore.open(RunStore.repo(invocation, run.directory), false)) {
            var record = RunStore.run(store, run.id);
            if (!force && !RunState.ofLabel(record.state()).isFinal()
                    && RunState.ofLabel(record.state()) != RunState.PAUSED) {
                invocation.err().println("munero: error: run " + run.id + " is " + record.state()
                        + "; pause it first (munero pause" + RunDriver.directoryOption(invocation,
                        RunStore.repo(invocation, run.directory)) + " " + run.id + "), or pass --force if its process is gone");
                return ExitCodes.USAGE;
            }
            BuildManager.RolledBack done = BuildManager.rollback(store, run.id, iteration);
            invocation.out().println("run " + run.id + ": branch " + record.summary().path("branch").asString()
                    + " is back at iteration " + iteration + " (" + done.commit() + ")");
            invocation.out().println("  the run is " + done.to().label() + (done.from() == done.to() ? ""
                    : " (it was " + done.from().label() + ")") + "; " + (done.undone().isEmpty()
                    ? "no finished task is undone" : "tasks to do again: " + String.join(", ", done.undone())));
            invocation.out().println("next: munero resume " + run.id + " runs the checks on this code and continues "
                    + "from there");
            return ExitCodes.OK;
        } catch (RunStore.Missing | IllegalArgumentException e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (GitException e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
