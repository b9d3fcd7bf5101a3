package dev.munero.cli;

import picocli.CommandLine;

/** Entry point of the {@code munero} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns its exit code: 0 ok, 1 build failed, 2 usage or configuration
     * error, 130 interrupted.
     */
    public static int run(String... args) {
        Trace.mark("main");
        CommandLine cl = new CommandLine(new MuneroCommand());
        cl.setExitCodeExceptionMapper(t -> ExitCodes.USAGE);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println("munero: internal error: " + ex);
            line.getErr().println("munero: please report this with the command you ran; the stack trace follows only with MUNERO_DEBUG=1");
            if (System.getenv("MUNERO_DEBUG") != null) {
                ex.printStackTrace(line.getErr());
            }
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }
}
