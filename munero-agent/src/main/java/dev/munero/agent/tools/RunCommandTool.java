package dev.munero.agent.tools;

import dev.munero.agent.safety.Decision;
import dev.munero.agent.safety.PathEscapeException;
import dev.munero.agent.safety.PermissionMode;
import dev.munero.engine.exec.ProcessOutcome;
import dev.munero.engine.exec.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code run_command}: runs {@code sh -c COMMAND} in the workspace root, in the context's {@link
 * dev.munero.agent.safety.Sandbox sandbox}, with the scrubbed environment and no standard input, through the
 * engine's {@link ProcessRunner} (stdout and stderr merged; at the time limit the whole process tree is killed).
 * The result is the output, capped to keep its head and tail, and a last line {@code exit code N}; a non-zero exit
 * or a timeout is an error result.
 *
 * <p>The agent loop asks the {@link PermissionGate} before calling it; this tool checks the deny list once more
 * itself, so that a denied command never runs whoever calls it.
 */
public final class RunCommandTool extends AbstractTool {
    public RunCommandTool() {
        super("run_command", ToolKind.COMMAND,
                "Runs a shell command line (sh -c) in the workspace root and returns its output (stdout and stderr "
                + "together) and exit code. Use it for tests, git status/diff/log, and tools without a dedicated tool; "
                + "use read_file, grep, glob, edit_file and write_file to read and change files, and build to run the "
                + "build. Standard input is empty: do not start interactive programs or servers that never exit. The "
                + "time limit (timeout_seconds, default 10 minutes) kills the command and its children. Long output "
                + "keeps its beginning and end. API keys and tokens are not in the environment. Some commands are never "
                + "allowed (git push, sudo, rm -rf /, curl | sh) and some may need the user's approval. In the sandbox "
                + "only the workspace is writable (not its .git), the home directory is empty but for build caches, /tmp "
                + "is private and there is no network.",
                Schema.object()
                        .string("command", "The shell command line, run with sh -c in the workspace root.", true)
                        .integer("timeout_seconds", "Time limit in seconds (default and most: the configured limit, normally 600).", 1)
                        .build(),
                "command");
    }

    @Override
    protected ToolResult call(ToolInput in, ToolContext context) throws ToolFailure, PathEscapeException, IOException,
            InterruptedException {
        String command = in.nonBlank("command");
        long maxSeconds = Math.max(1, context.commandTimeout().toSeconds());
        Duration timeout = in.optionalInt("timeout_seconds", 1, Integer.MAX_VALUE)
                .stream().mapToObj(s -> Duration.ofSeconds(Math.min(s, maxSeconds))).findFirst()
                .orElse(context.commandTimeout());
        if (context.commandPolicy().decide(command, PermissionMode.FULL) instanceof Decision.Deny deny) {
            return ToolResult.error(deny.reason());
        }
        if (context.sandbox().refusesUnlisted() && PermissionGate.command(command, context) instanceof Decision.Deny deny) {
            return ToolResult.error(deny.reason()); // no sandbox here: only the allow list runs, whoever calls
        }
        return run(command, timeout, context);
    }

    private static ToolResult run(String command, Duration timeout, ToolContext context)
            throws IOException, InterruptedException {
        Path workspace = context.workspace();
        Path log = Files.createTempFile("munero-command-", ".log");
        try {
            ProcessOutcome outcome = new ProcessRunner(context.sandbox().launcher(workspace)).run(
                    List.of("sh", "-c", command), workspace, context.environment(), log,
                    Optional.of(timeout), Optional.empty());
            if (Thread.interrupted()) {
                throw new InterruptedException("run_command cancelled: " + command);
            }
            String output = OutputCap.capFile(log, context.maxOutputChars());
            if (!output.isEmpty() && !output.endsWith("\n")) {
                output += "\n";
            }
            if (outcome.startError() != null) {
                return ToolResult.error(outcome.startError());
            }
            if (outcome.timedOut()) {
                return ToolResult.error(output + "timed out after " + timeout.toSeconds()
                        + " s: the command and its child processes were killed");
            }
            String result = output + "exit code " + outcome.exitCode();
            return outcome.exitCode() == 0 ? ToolResult.ok(result) : ToolResult.error(result);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
