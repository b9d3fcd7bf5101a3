package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code munero diff ID A B}: what changed between two iterations' checkpoints. */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what changed in a run between the checkpoints of iterations A and B (0 = where the run "
                + "started), as a unified diff.", ""},
        footer = {"", "Exit codes: 0 ok, 1 git or the run database failed, 2 no such run or iteration."})
final class DiffCommand implements Callable<Integer> {
    private final Invocation invocation;

    DiffCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    RunIdOptions run;

    @Parameters(index = "1", paramLabel = "A", description = "The earlier iteration.")
    int from;

    @Parameters(index = "2", paramLabel = "B", description = "The later iteration.")
    int to;

    @Option(names = "--stat", description = "Only the changed files.")
    boolean stat;

    @Override
    public Integer call() {
        try (Runs runs = RunDriver.open(invocation, RunDriver.repo(invocation, run.directory), false)) {
            Runs.Diff diff = runs.diff(run.id, from, to);
            if (stat) {
                diff.files().forEach(invocation.out()::println);
            } else {
                invocation.out().print(diff.patch());
            }
            return ExitCodes.OK;
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
    }
}
