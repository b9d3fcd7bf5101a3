package dev.munero.cli;

import dev.munero.engine.Workspace;
import dev.munero.engine.WorkspaceRoot;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Options shared by commands that open a repository: {@code -C DIR} and {@code --profile}. The workspace root is
 * searched upward from {@code DIR} (the current directory by default), as git and turbo do: see
 * {@link WorkspaceRoot}. Not thread-safe (one per command run).
 */
final class WorkspaceOptions {
    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "Start in DIR instead of the current directory; the workspace root is the nearest "
                    + "directory at or above it with a munero.yaml or a workspace's build files (never above "
                    + "the git top-level).")
    Path directory;

    @Option(names = {"-p", "--profile"}, paramLabel = "PROFILE", defaultValue = ConfigLoader.DEFAULT_PROFILE,
            description = "Profile to apply: development (default), production, test, or one declared in munero.yaml.")
    String profile;

    private WorkspaceRoot located;

    /** The workspace found from {@code -C} (resolved against the invocation's working directory), searched once. */
    WorkspaceRoot locate(Path cwd) {
        if (located == null) {
            located = WorkspaceRoot.find(cwd.resolve(directory));
        }
        return located;
    }

    /** The workspace root found from {@code -C} (see {@link #locate}). */
    Path root(Path cwd) {
        return locate(cwd).root();
    }

    /** "/x (found from packages/b)", or "/x" when the search started at the root. */
    String describe(Path cwd) {
        WorkspaceRoot w = locate(cwd);
        return w.root() + (w.start().equals(w.root()) ? "" : " (found from " + w.startRelative() + ")");
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
