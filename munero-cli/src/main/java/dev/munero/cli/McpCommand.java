package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.mcp.McpBackend;
import dev.munero.mcp.MuneroMcpServer;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code munero mcp}: Munero as an MCP server over stdio for hosts that spawn it (Claude Code, Claude Desktop, Cursor),
 * {@code munero mcp config HOST} (the snippet that registers Munero in a host) and {@code munero mcp servers ...} (the
 * MCP servers Munero's agents use).
 *
 * <p>Standard output carries the protocol and nothing else: while it serves, {@code System.out} is pointed at standard
 * error, so a stray print of any library lands there instead of corrupting the JSON-RPC stream (the launcher also
 * sends the JVM's own warnings to standard error and never hands {@code mcp} to the daemon). It serves until the host
 * closes standard input (or a signal ends the process), then asks the runs it started to pause.
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = {"Serve Munero to an MCP host over stdio: the host (Claude Code, Claude Desktop, Cursor...) starts "
                + "this command and speaks JSON-RPC on its standard input and output; Munero's tools (build, graph, "
                + "explain, run_start, run_status, run_events, run_pause, run_resume, run_cost, runs_list, "
                + "memory_search) and resources (run reports, step logs) act on one repository. munero mcp config HOST "
                + "prints how to register it. Served over HTTP instead: munero serve, at /mcp.", ""},
        footer = {"", "Exit codes: 0 the host closed the connection; 2 DIR is not a directory."},
        subcommands = {McpConfigCommand.class, McpServersCommand.class})
final class McpCommand implements Callable<Integer> {
    final Invocation invocation;

    McpCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "The repository the tools act on (default: the current directory; its workspace root is "
                    + "searched upward as for munero build).")
    Path directory;

    @Override
    public Integer call() {
        return serve(System.in);
    }

    /** Serves on {@code in} and the invocation's standard output until {@code in} ends. */
    int serve(InputStream in) {
        PrintStream err = invocation.err();
        if (invocation.warm() != null) {
            err.println("munero: error: munero mcp cannot run in the build daemon: its host speaks to it on its own "
                    + "stdin and stdout (run it with ./munero mcp, which never uses the daemon)");
            return ExitCodes.USAGE;
        }
        Path dir = invocation.cwd().resolve(directory).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            err.println("munero: error: -C " + directory + ": " + dir + " is not a directory");
            return ExitCodes.USAGE;
        }
        PrintStream protocol = invocation.out();
        // in its own process, anything printed to System.out (a library's notice) would corrupt the protocol stream
        boolean ownProcess = protocol == System.out;
        if (ownProcess) {
            System.setOut(err);
        }
        try (McpBackend backend = McpBackend.local(dir, invocation.env())) {
            MuneroMcpServer server = new MuneroMcpServer(backend);
            err.println("munero mcp: serving " + backend.repo() + " over stdio (MCP); the host ends it by closing "
                    + "standard input");
            try (MuneroMcpServer.Serving serving = server.stdio(in, protocol, err);
                 AutoCloseable ignored = invocation.interrupts().register(() -> {
                     err.println("munero mcp: stopping: the runs it started pause (munero resume continues them)");
                     backend.close();
                 })) {
                while (!serving.awaitClosed(Duration.ofHours(1))) {
                    // the host keeps the connection open as long as it likes
                }
            }
            return ExitCodes.OK;
        } catch (AppException e) {
            return RunDriver.error(err, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            if (ownProcess) {
                System.setOut(protocol);
            }
        }
    }
}
