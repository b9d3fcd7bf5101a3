package dev.munero.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Entry point of the {@code munero} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LauncherSecrets.takeOrExit();
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns its exit code: 0 ok, 1 build failed, 2 usage or configuration
     * error, 130 interrupted.
     */
    public static int run(String... args) {
        return run(Invocation.ofProcess(), args);
    }

    /** Runs the command line with the caller's streams, environment and directory (see {@link Invocation}). */
    static int run(Invocation invocation, String... args) {
        Trace.mark("main");
        CommandLine cl = new CommandLine(new MuneroCommand());
        // Lazy initialisation: picocli reflects over every registered command up front (about 10 ms each
        // in a cold JVM), so a run of one subcommand registers only that one; anything else registers all.
        Map<String, Supplier<Object>> subcommands = new LinkedHashMap<>();
        subcommands.put("build", () -> new BuildCommand(invocation));
        subcommands.put("test", () -> new TestCommand(invocation));
        subcommands.put("graph", () -> new GraphCommand(invocation));
        subcommands.put("init", () -> new InitCommand(invocation));
        subcommands.put("clean", () -> new CleanCommand(invocation));
        subcommands.put("daemon", () -> new DaemonCommand(invocation));
        subcommands.put("agent", () -> new AgentCommand(invocation));
        subcommands.put("run", () -> new RunCommand(invocation));
        subcommands.put("resume", () -> new ResumeCommand(invocation));
        subcommands.put("pause", () -> new PauseCommand(invocation));
        subcommands.put("sessions", () -> new SessionsCommand(invocation));
        subcommands.put("memory", () -> new MemoryCommand(invocation));
        subcommands.put("cost", () -> new CostCommand(invocation));
        subcommands.put("agents", () -> new AgentsCommand(invocation));
        subcommands.put("report", () -> new ReportCommand(invocation));
        subcommands.put("rollback", () -> new RollbackCommand(invocation));
        subcommands.put("diff", () -> new DiffCommand(invocation));
        subcommands.put("config", () -> new ConfigCommand(invocation));
        subcommands.put("demo", () -> new DemoCommand(invocation));
        subcommands.put("serve", () -> new ServeCommand(invocation));
        subcommands.put("token", () -> new TokenCommand(invocation));
        subcommands.put("audit", () -> new AuditCommand(invocation));
        subcommands.put("mcp", () -> new McpCommand(invocation));
        subcommands.put("worker", () -> new WorkerCommand(invocation));
        // munero help [COMMAND]: picocli's help command, which needs every command registered
        subcommands.put("help", CommandLine.HelpCommand::new);
        Supplier<Object> only = args.length > 0 && !args[0].equals("help") ? subcommands.get(args[0]) : null;
        if (only != null) {
            cl.addSubcommand(args[0], only.get());
        } else {
            subcommands.forEach((name, command) -> cl.addSubcommand(name, command.get()));
        }
        // after the subcommands are added: picocli hands these to the commands registered at the time
        cl.setOut(new java.io.PrintWriter(invocation.out(), true));
        cl.setErr(new java.io.PrintWriter(invocation.err(), true));
        HelpWidth.apply(cl, invocation.columns() > 0 ? invocation.columns() : Terminal.columns());
        Trace.mark("command model built");
        cl.setExitCodeExceptionMapper(t -> ExitCodes.USAGE);
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            line.getErr().println("munero: internal error: " + ex);
            line.getErr().println("munero: please report this with the command you ran; the stack trace follows only with MUNERO_DEBUG=1");
            if (invocation.env().get("MUNERO_DEBUG") != null) {
                ex.printStackTrace(line.getErr());
            }
            return ExitCodes.FAILED;
        });
        return cl.execute(args);
    }
}
