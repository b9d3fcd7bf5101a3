package dev.munero.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything one run of a command takes from its caller: output streams, environment, working directory,
 * whether the output is a terminal, and how an interrupt reaches it. A process run takes them from the JVM
 * ({@link #ofProcess()}); a run served by the daemon takes them from the client's request.
 *
 * @param out         standard output
 * @param err         standard error
 * @param env         the environment steps inherit and {@code passEnv} reads
 * @param cwd         absolute working directory that relative paths ({@code -C}) resolve against
 * @param interactive whether {@code out} is an interactive terminal (live progress)
 * @param interrupts  where a command registers what to do on Ctrl-C
 * @param warm        what a long-lived process keeps between commands, or null for a one-off process
 * @param columns     the width of the terminal {@code out} goes to, in columns; 0 when unknown (a command asks the
 *                    terminal itself, which only works in the terminal's own process)
 */
record Invocation(PrintStream out, PrintStream err, Map<String, String> env, Path cwd, boolean interactive,
                  Interrupts interrupts, Warm warm, int columns) {

    /** An invocation whose terminal width is unknown. */
    Invocation(PrintStream out, PrintStream err, Map<String, String> env, Path cwd, boolean interactive,
               Interrupts interrupts, Warm warm) {
        this(out, err, env, cwd, interactive, interrupts, warm, 0);
    }

    /**
     * State the daemon keeps across commands: opened workspaces (revalidated by stat) and file hashes
     * (revalidated by stat, with the racy-timestamp rule).
     */
    record Warm(dev.munero.engine.WorkspaceCache workspaces, dev.munero.engine.cache.FileHashCache hashes) {
    }

    /** What to run when the user interrupts the command. */
    interface Interrupts {
        /**
         * Registers {@code onInterrupt}; it runs at most once, on another thread, and should return only when
         * the command has saved its state. Closing the handle unregisters it.
         */
        AutoCloseable register(Runnable onInterrupt);
    }

    /**
     * This JVM's streams, environment and directory; interrupts arrive as shutdown hooks (SIGINT, SIGTERM). The
     * environment is the user's whole one: {@link System#getenv()} plus the secrets the launcher moved out of the
     * process environment ({@link LauncherSecrets}), so providers find their keys and a plain build's steps see them.
     */
    static Invocation ofProcess() {
        return new Invocation(System.out, System.err, LauncherSecrets.environment(), Path.of("").toAbsolutePath(),
                Terminal.isInteractive(), onInterrupt -> {
                    Thread hook = new Thread(onInterrupt, "munero-interrupt");
                    Runtime.getRuntime().addShutdownHook(hook);
                    return () -> {
                        try {
                            Runtime.getRuntime().removeShutdownHook(hook);
                        } catch (IllegalStateException shuttingDown) {
                            // the hook is running or ran: it waited for the command to save its state
                        }
                    };
                }, null);
    }
}
