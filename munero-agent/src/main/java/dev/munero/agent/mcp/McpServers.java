package dev.munero.agent.mcp;

import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.tools.Tool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The MCP servers of one session (the hub): starts every configured server, keeps them healthy, and gives the
 * agents their tools.
 *
 * <p>Thread-safe. {@link #close()} stops every server with its process tree.
 */
public final class McpServers implements AutoCloseable {

    /**
     * Where and how stdio servers are launched.
     *
     * @param sandbox     the session's sandbox: a stdio server's command line goes through {@link Sandbox#wrap}, so
     *                    it runs inside bubblewrap when the sandbox is on
     * @param workspace   the workspace root (absolute): a stdio server's working directory, and the only place it
     *                    may write inside the sandbox
     * @param environment the session's environment before scrubbing: a server gets it without secrets
     *                    ({@link dev.munero.agent.safety.EnvironmentScrubber}) plus its own {@code env}; {@code ${VAR}}
     *                    in a spec is expanded from it (so a spec may pass a secret to its server on purpose)
     */
    public record Launch(Sandbox sandbox, Path workspace, Map<String, String> environment) {
        public Launch {
            Objects.requireNonNull(sandbox, "sandbox");
            workspace = workspace.toAbsolutePath().normalize();
            environment = Map.copyOf(environment);
        }

        /** No sandbox, this process's environment. */
        public static Launch unsandboxed(Path workspace) {
            return new Launch(Sandbox.none(), workspace, System.getenv());
        }
    }

    /**
     * How hard the hub tries.
     *
     * @param startAttempts  tries to start a server before it is reported down (at least 1)
     * @param backoff        the wait before the second try; it doubles for each later one
     * @param maxBackoff     the longest wait between tries
     * @param healthInterval how often every server that is up is pinged
     * @param maxRestarts    how many times a server that crashed is restarted in a session before it stays down
     */
    public record Options(int startAttempts, Duration backoff, Duration maxBackoff, Duration healthInterval,
                          int maxRestarts) {
        /** 3 tries, 1 s then 2 s between them (at most 30 s), a ping every 15 s, at most 5 restarts. */
        public static final Options DEFAULTS = new Options(3, Duration.ofSeconds(1), Duration.ofSeconds(30),
                Duration.ofSeconds(15), 5);

        public Options {
            if (startAttempts < 1 || maxRestarts < 0) {
                throw new IllegalArgumentException("startAttempts must be at least 1 and maxRestarts at least 0, were "
                        + startAttempts + " and " + maxRestarts);
            }
            Objects.requireNonNull(backoff, "backoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            Objects.requireNonNull(healthInterval, "healthInterval");
            if (backoff.isNegative() || healthInterval.isNegative() || healthInterval.isZero()) {
                throw new IllegalArgumentException("backoff must not be negative and healthInterval must be positive");
            }
        }
    }

    private McpServers() {
    }

    /**
     * Starts every server in {@code specs} with {@link Options#DEFAULTS}; see
     * {@link #start(List, Launch, McpStatusListener, Options)}.
     */
    public static McpServers start(List<McpServerSpec> specs, Launch launch, McpStatusListener listener)
            throws InterruptedException {
        return start(specs, launch, listener, Options.DEFAULTS);
    }

    /**
     * Starts every server in {@code specs}, in parallel, and returns when each is {@code up} or {@code down}: a stdio
     * server is launched through the sandbox, each is initialized within its {@link McpServerSpec#timeout()} and its
     * tools listed; a failed start is retried {@link Options#startAttempts()} times with backoff, then reported
     * down. The listener gets each server's first status before this returns. Then a health thread pings every
     * server every {@link Options#healthInterval()}; a crashed or unresponsive server is restarted with backoff.
     *
     * @param specs    the configured servers; names must be unique
     * @throws IllegalArgumentException when two specs share a name
     * @throws InterruptedException     when interrupted while starting; every server started so far is stopped
     */
    public static McpServers start(List<McpServerSpec> specs, Launch launch, McpStatusListener listener,
                                   Options options) throws InterruptedException {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Every server's current status, in the order of the specs. */
    public List<McpServerStatus> statuses() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The current status of the server named {@code name}, or empty when there is none. */
    public Optional<McpServerStatus> status(String name) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * The agent tools of every server that was up after {@link #start}: one {@link McpTool} per tool it listed,
     * named {@code mcp__<server>__<tool>} ({@link McpTool#toolName}). A tool of a server that is down or restarting
     * when it is called returns an error result saying so.
     */
    public List<Tool> tools() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Stops the health thread and every server, with its process tree. Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
