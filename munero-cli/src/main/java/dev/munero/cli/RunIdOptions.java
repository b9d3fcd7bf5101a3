package dev.munero.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The run a session command is about, and where its repository is. */
final class RunIdOptions {
    @Parameters(index = "0", paramLabel = "ID", description = "The run id (see munero sessions list).")
    String id;

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "The repository (default: the current directory).")
    Path directory;
}
