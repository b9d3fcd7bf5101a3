package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code munero pause ID}: asks a running run, in another process, to pause. */
@Command(name = "pause", mixinStandardHelpOptions = true,
        description = {"Ask a running run to pause. The process running it sees the request within a second, stops "
                + "its agents, resets its worktree to the last checkpoint, saves its state and exits with code 3; "
                + "continue it with munero resume ID.", ""},
        footer = {"", "Exit codes: 0 requested, 1 the run database failed, 2 no such run or it has ended (the message says "
                + "what to do)."})
final class PauseCommand implements Callable<Integer> {
    private final Invocation invocation;

    PauseCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    RunIdOptions run;

    @Override
    public Integer call() {
        Path repo = RunDriver.repo(invocation, run.directory);
        try (Runs runs = RunDriver.open(invocation, repo, false)) {
            runs.pause(run.id, "munero pause (pid " + ProcessHandle.current().pid() + ")");
            invocation.out().println("pause requested for run " + run.id + "; see munero sessions show"
                    + RunDriver.directoryOption(invocation, repo) + " " + run.id);
            return ExitCodes.OK;
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
    }
}
