package dev.munero.cli;

import dev.munero.engine.AtomicFiles;
import dev.munero.engine.Workspace;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Path file = workspace.root(invocation.cwd()).resolve(ConfigLoader.FILE_NAME);
        if (Files.exists(file) && !force && !stdout) {
            err.println("munero: error: " + file + " exists; use --force to overwrite it, or --stdout to print the detected graph");
            return ExitCodes.USAGE;
        }
        Workspace ws;
        if (Files.exists(file)) {
            // detect as if there were no munero.yaml: move nothing, read the detectors directly
            try {
                ws = Workspace.detect(workspace.root(invocation.cwd()), workspace.profile);
            } catch (dev.munero.engine.config.ConfigException e) {
                WorkspaceOptions.printProblems(err, e);
                return ExitCodes.USAGE;
            }
        } else {
            ws = workspace.open(invocation, err);
            if (ws == null) {
                return ExitCodes.USAGE;
            }
        }
        String yaml = ConfigWriter.toYaml(ws.graph().steps(), List.of(
                "munero.yaml: written by 'munero init' from the " + ws.project().origin().replace("auto-detected: ", "")
                        + " build files found here.",
                "Edit freely; fields: name, command, shell, cwd, env, passEnv, dependsOn, inputs, outputs, skipIf,",
                "retries, retryBackoff, timeout, parallel, cache; plus settings, profiles and verify (see the README)."));
        if (stdout) {
            out.print(yaml);
            out.flush();
            return ExitCodes.OK;
        }
        try {
            AtomicFiles.write(file, yaml.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            err.println("munero: error: cannot write " + file + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
        out.printf("wrote %s: %d steps (%s)%n", file, ws.graph().size(), ws.project().origin());
        return ExitCodes.OK;
    }
}
