package dev.munero.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * A {@link Subcommand} about one repository's {@code .munero/munero.db} ({@code memory}, {@code sessions}): the
 * options {@code -C DIR} and {@code --json}. Not thread-safe (one per command run).
 */
abstract class RepoSubcommand extends Subcommand {
    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "The repository (default: the current directory).")
    Path directory;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    /** The repository: {@code -C} resolved against the invocation's directory, absolute and normalized. */
    Path repo() {
        return RunDriver.repo(invocation(), directory);
    }
}
