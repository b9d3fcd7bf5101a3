package dev.munero.cli;

import dev.munero.engine.Workspace;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by commands that open a repository: {@code -C DIR} and {@code --profile}. */
final class WorkspaceOptions {
    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "Repository root (default: the current directory).")
    Path directory;

    @Option(names = {"-p", "--profile"}, paramLabel = "PROFILE", defaultValue = ConfigLoader.DEFAULT_PROFILE,
            description = "Profile to apply: development (default), production, test, or one declared in munero.yaml.")
    String profile;

    /** The repository root: {@code -C} resolved against the invocation's working directory. */
    Path root(Path cwd) {
        return cwd.resolve(directory).toAbsolutePath().normalize();
    }

    /** Opens the repository, printing each problem and returning null on a configuration error. */
    Workspace open(Invocation invocation, PrintWriter err) {
        try {
            Path root = root(invocation.cwd());
            Workspace ws = invocation.warm() != null ? invocation.warm().workspaces().open(root, profile)
                    : Workspace.open(root, profile);
            ws.warnings().forEach(w -> err.println("munero: warning: " + w));
            return ws;
        } catch (ConfigException e) {
            printProblems(err, e);
            return null;
        }
    }

    static void printProblems(PrintWriter err, ConfigException e) {
        e.problems().forEach(p -> err.println("munero: error: " + p));
        err.flush();
    }
}
