package dev.munero.agent.tools;

import dev.munero.agent.safety.Approver;
import dev.munero.agent.safety.CommandPolicy;
import dev.munero.agent.safety.EnvironmentScrubber;
import dev.munero.agent.safety.PathGuard;
import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.safety.SecretRedactor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a tool call may use in one agent run: the workspace (through its {@link PathGuard}), the permission
 * mode and command policy, the sandbox, the scrubbed environment for commands, limits, the approver and the build
 * runner.
 *
 * <p>Immutable and thread-safe; built once per run with {@link #builder(Path)}.
 */
public final class ToolContext {
    /** Default for {@link Builder#commandTimeout}: 10 minutes. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(10);
    /** Default for {@link Builder#maxOutputChars}: 30,000 characters. */
    public static final int DEFAULT_MAX_OUTPUT_CHARS = 30_000;

    private final PathGuard paths;
    private final PermissionMode permissionMode;
    private final CommandPolicy commandPolicy;
    private final Sandbox sandbox;
    private final Map<String, String> environment;
    private final Duration commandTimeout;
    private final int maxOutputChars;
    private final Approver approver;
    private final BuildRunner buildRunner;
    private final SecretRedactor redactor;
    private final WriteGuard writeGuard;

    private ToolContext(Builder b, PathGuard paths) {
        this.redactor = SecretRedactor.of(b.environment);
        this.paths = paths;
        this.permissionMode = b.permissionMode;
        this.commandPolicy = b.commandPolicy;
        this.sandbox = b.sandbox;
        this.environment = EnvironmentScrubber.scrub(b.environment);
        this.commandTimeout = b.commandTimeout;
        this.maxOutputChars = b.maxOutputChars;
        this.approver = b.approver;
        this.writeGuard = b.writeGuard;
        this.buildRunner = b.buildRunner != null ? b.buildRunner : new EngineBuildRunner(paths.root(), environment, sandbox);
    }

    /**
     * A builder for a run in {@code workspace}, with the defaults: {@code auto-edit},
     * {@link CommandPolicy#defaults()}, no sandbox, this process's environment scrubbed, a 10 minute command
     * timeout, 30,000 output characters, {@link Approver#noTerminal()}, and an {@link EngineBuildRunner} for the
     * workspace.
     *
     * @param workspace the workspace root, an existing directory
     */
    public static Builder builder(Path workspace) {
        return new Builder(workspace);
    }

    /** The workspace's path guard; {@link PathGuard#root()} is the workspace root as a real path. */
    public PathGuard paths() {
        return paths;
    }

    /** The workspace root, a real path. */
    public Path workspace() {
        return paths.root();
    }

    public PermissionMode permissionMode() {
        return permissionMode;
    }

    public CommandPolicy commandPolicy() {
        return commandPolicy;
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    /** The environment commands run with, without secrets ({@link EnvironmentScrubber}); unmodifiable. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The longest a command may run, and its default time limit. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** The most characters of output a tool returns; longer output keeps its head and tail. */
    public int maxOutputChars() {
        return maxOutputChars;
    }

    public Approver approver() {
        return approver;
    }

    public BuildRunner buildRunner() {
        return buildRunner;
    }

    /** Removes the values of Munero's secrets (from the environment given and the user config) from tool results. */
    /** Asked before every file write of the tools (file leases, issue 14). */
    public WriteGuard writeGuard() {
        return writeGuard;
    }

    public SecretRedactor redactor() {
        return redactor;
    }

    /** Collects a {@link ToolContext}'s settings; not thread-safe. */
    public static final class Builder {
        private final Path workspace;
        private PermissionMode permissionMode = PermissionMode.AUTO_EDIT;
        private CommandPolicy commandPolicy = CommandPolicy.defaults();
        private Sandbox sandbox = Sandbox.none();
        private Map<String, String> environment = System.getenv();
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private int maxOutputChars = DEFAULT_MAX_OUTPUT_CHARS;
        private Approver approver = Approver.noTerminal();
        private BuildRunner buildRunner;
        private WriteGuard writeGuard = WriteGuard.NONE;

        private Builder(Path workspace) {
            this.workspace = Objects.requireNonNull(workspace, "workspace");
        }

        public Builder permissionMode(PermissionMode mode) {
            this.permissionMode = Objects.requireNonNull(mode, "permissionMode");
            return this;
        }

        public Builder commandPolicy(CommandPolicy policy) {
            this.commandPolicy = Objects.requireNonNull(policy, "commandPolicy");
            return this;
        }

        public Builder sandbox(Sandbox sandbox) {
            this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
            return this;
        }

        /** The base environment of commands and builds; secrets are removed from it in {@link #build()}. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /** The longest a command may run; positive. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = Objects.requireNonNull(timeout, "commandTimeout");
            return this;
        }

        /** The most characters of output a tool returns; at least 1,000. */
        public Builder maxOutputChars(int chars) {
            this.maxOutputChars = chars;
            return this;
        }

        public Builder approver(Approver approver) {
            this.approver = Objects.requireNonNull(approver, "approver");
            return this;
        }

        /** Asked before every file write of the tools; {@link WriteGuard#NONE} (every write allowed) by default. */
        public Builder writeGuard(WriteGuard guard) {
            this.writeGuard = Objects.requireNonNull(guard, "writeGuard");
            return this;
        }

        public Builder buildRunner(BuildRunner runner) {
            this.buildRunner = Objects.requireNonNull(runner, "buildRunner");
            return this;
        }

        /**
         * The context.
         *
         * @throws IllegalArgumentException when the workspace is not an existing directory, the timeout is not
         *                                  positive, or maxOutputChars is below 1,000
         */
        public ToolContext build() {
            if (commandTimeout.isNegative() || commandTimeout.isZero()) {
                throw new IllegalArgumentException("commandTimeout must be positive, was " + commandTimeout);
            }
            if (maxOutputChars < 1_000) {
                throw new IllegalArgumentException("maxOutputChars must be at least 1000, was " + maxOutputChars);
            }
            PathGuard guard;
            try {
                guard = new PathGuard(workspace);
            } catch (IOException e) {
                throw new IllegalArgumentException("the workspace " + workspace + " is not an existing directory: " + e, e);
            }
            return new ToolContext(this, guard);
        }
    }
}
