package dev.munero.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code munero} command: lists the subcommands. */
@Command(name = "munero", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Munero: an AI build manager (munero run: from a spec to passing checks with coding agents) "
                + "and a fast, incremental, parallel build orchestrator for polyglot repositories (munero build).",
                "Reads munero.yaml, or detects Maven, npm/pnpm/yarn, Cargo, Go, Python, Gradle and Make builds.",
                ""},
        footer = {"", "Exit codes: 0 ok, 1 build or run failed, 2 usage or configuration error, 3 run paused, "
                + "130 interrupted.",
                "Run 'munero COMMAND --help' for a command's options."})
final class MuneroCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
