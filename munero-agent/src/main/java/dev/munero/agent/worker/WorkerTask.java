package dev.munero.agent.worker;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One task for a {@link Worker}.
 *
 * @param prompt      the task text (with whatever lessons the caller adds), sent to the worker as its prompt
 * @param workspace   the directory the worker works in (absolute); the only writable place besides {@code home}
 * @param home        the worker's own home directory (absolute): a CLI gets it as {@code HOME} and keeps its
 *                    configuration and sessions there, so the same {@code home} must be given to resume a session.
 *                    Created when missing; it must not lie inside {@code workspace}
 * @param logDir      where the worker keeps the task's {@code stdout.jsonl} and {@code stderr.log} (created; files
 *                    replaced)
 * @param model       the model, as {@code provider:model} or the CLI's own id; empty for the CLI's default
 * @param permissions Munero's permission mode, mapped to the CLI's own
 * @param sandbox     where the CLI process runs ({@link Sandbox#wrapWorker})
 * @param env         the environment the worker takes its variables from: the API key and base URL it needs, and
 *                    {@code PATH}; nothing else of it reaches the CLI
 * @param mcpConfig   an MCP configuration file for CLIs that take one ({@code claude --mcp-config}); empty for none
 * @param sessionId   the session to start (a UUID, for CLIs that take one up front) or, with {@code resume}, the CLI
 *                    session to resume; empty to let the CLI choose
 * @param resume      whether {@code sessionId} names an existing session to continue
 * @param limits      budget, inactivity, grace and timeout
 */
public record WorkerTask(String prompt, Path workspace, Path home, Path logDir, Optional<String> model,
                         PermissionMode permissions, Sandbox sandbox, Map<String, String> env,
                         Optional<Path> mcpConfig, Optional<String> sessionId, boolean resume, WorkerLimits limits) {
    public WorkerTask {
        Objects.requireNonNull(prompt, "prompt");
        workspace = absolute("workspace", workspace);
        home = absolute("home", home);
        logDir = absolute("logDir", logDir);
        Objects.requireNonNull(permissions, "permissions");
        Objects.requireNonNull(sandbox, "sandbox");
        env = Map.copyOf(env);
        Objects.requireNonNull(limits, "limits");
        if (home.startsWith(workspace)) {
            throw new IllegalArgumentException("the worker's home " + home + " lies inside the workspace " + workspace
                    + "; its configuration and key must stay out of the work");
        }
        if (resume && sessionId.isEmpty()) {
            throw new IllegalArgumentException("resuming needs the session id to resume");
        }
    }

    /** The model id without a {@code provider:} prefix, as a CLI's {@code --model} takes it. */
    public Optional<String> cliModel() {
        return model.map(m -> {
            int colon = m.indexOf(':');
            return colon > 0 ? m.substring(colon + 1) : m;
        });
    }

    private static Path absolute(String name, Path p) {
        Objects.requireNonNull(p, name);
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException(name + " must be an absolute path, was " + p);
        }
        return p.normalize();
    }
}
