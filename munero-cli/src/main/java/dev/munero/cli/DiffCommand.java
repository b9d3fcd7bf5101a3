package dev.munero.cli;

import dev.munero.core.RunHistory;
import dev.munero.core.git.Git;
import dev.munero.core.git.GitException;
import dev.munero.store.Store;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code munero diff ID A B}: what changed between two iterations' checkpoints. */
@Command(name = "diff", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what changed in a run between the checkpoints of iterations A and B (0 = where the run "
                + "started), as a unified diff.", ""},
        footer = {"", "Exit codes: 0 ok, 1 git failed, 2 no such run or iteration."})
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
        try (Store store = RunStore.open(RunStore.repo(invocation, run.directory), false)) {
            RunStore.run(store, run.id);
            RunHistory h = RunHistory.fold(store.events(run.id, 0));
            for (int i : new int[] {from, to}) {
                if (!h.iterationCommits().containsKey(i)) {
                    invocation.err().println("munero: error: run " + run.id + " has no checkpoint for iteration " + i
                            + "; it has " + h.iterationCommits().keySet() + " (0 is where it started)");
                    return ExitCodes.USAGE;
                }
            }
            Git git = Git.open(Path.of(h.repo()));
            String a = h.iterationCommits().get(from);
            String b = h.iterationCommits().get(to);
            if (stat) {
                git.changedFiles(a, b).forEach(invocation.out()::println);
            } else {
                invocation.out().print(git.diff(a, b));
            }
            return ExitCodes.OK;
        } catch (RunStore.Missing e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (GitException e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }
}
