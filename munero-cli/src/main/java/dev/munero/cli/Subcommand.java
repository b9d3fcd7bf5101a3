package dev.munero.cli;

import dev.munero.core.app.AppException;
import java.util.concurrent.Callable;

/**
 * Base of the subcommands of {@code memory}, {@code sessions}, {@code mcp servers} and {@code token}: runs
 * {@link #run()} and turns an {@link AppException} into {@code munero: error: MESSAGE} on standard error and its
 * exit code ({@link RunDriver#error}: 1 for UNAVAILABLE, else 2). Not thread-safe (one per command run).
 */
abstract class Subcommand implements Callable<Integer> {
    /** The invocation of the command (its streams, directory and environment), from the parent command. */
    abstract Invocation invocation();

    /**
     * The subcommand's work.
     *
     * @return the exit code ({@link ExitCodes})
     * @throws AppException for what the user can fix or what failed (printed, then its exit code)
     */
    abstract int run();

    @Override
    public final Integer call() {
        try {
            return run();
        } catch (AppException e) {
            return RunDriver.error(invocation(), e);
        }
    }
}
