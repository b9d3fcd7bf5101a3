package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code munero init}: writes the auto-detected graph as a munero.yaml to edit. */
@Command(name = "init", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Detect the repository's build systems and write the graph as munero.yaml, ready to edit.", ""})
final class InitCommand implements Callable<Integer> {
    private final Invocation invocation;

    InitCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspaceOptions workspace;

    @Option(names = "--force", description = "Overwrite an existing munero.yaml.")
    boolean force;

    @Option(names = "--stdout", description = "Print the YAML instead of writing the file.")
    boolean stdout;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Builds builds = Builds.of(workspace.locate(invocation.cwd()), workspace.profile,
                    BuildCommand.caches(invocation));
            if (stdout) {
                Builds.DetectedConfig detected = builds.detectConfig();
                if (!detected.existed()) {
                    detected.warnings().forEach(w -> err.println("munero: warning: " + w));
                }
                out.print(detected.yaml());
                out.flush();
                return ExitCodes.OK;
            }
            Builds.DetectedConfig written = builds.writeConfig(force);
            if (!written.existed()) {
                written.warnings().forEach(w -> err.println("munero: warning: " + w));
            }
            out.printf("wrote %s: %d steps (%s)%n", written.file(), written.steps(), written.origin());
            return ExitCodes.OK;
        } catch (AppException e) {
            return BuildCommand.printError(err, e);
        }
    }
}
