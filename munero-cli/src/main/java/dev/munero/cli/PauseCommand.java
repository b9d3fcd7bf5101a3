package dev.munero.cli;

import dev.munero.core.BuildManager;
import dev.munero.store.Store;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code munero pause ID}: asks a running run, in another process, to pause. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Ask a running run to pause. The process running it sees the request within a second, stops "
                + "its agents, resets its worktree to the last checkpoint, saves its state and exits with code 3; "
                + "continue it with munero resume ID.", ""},
        footer = {"", "Exit codes: 0 requested, 2 no such run or it has ended (the message says what to do)."})
final class PauseCommand implements Callable<Integer> {
    private final Invocation invocation;

    PauseCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    RunIdOptions run;

    @Override
    public Integer call() {
        try (Store store = RunStore.open(RunStore.repo(invocation, run.directory), false)) {
            RunStore.run(store, run.id);
            BuildManager.requestPause(store, run.id, "munero pause (pid " + ProcessHandle.current().pid() + ")");
            invocation.out().println("pause requested for run " + run.id + "; see munero sessions show"
                    + RunDriver.directoryOption(invocation, RunStore.repo(invocation, run.directory)) + " " + run.id);
            return ExitCodes.OK;
        } catch (RunStore.Missing | IllegalArgumentException e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
