package dev.munero.cli;

import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.safety.SandboxMode;
import dev.munero.agent.safety.SandboxSettings;
import dev.munero.agent.safety.SandboxUnavailableException;
import dev.munero.core.app.RunSessions;
import dev.munero.llm.UserConfig;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox of {@code munero agent}: the mode from the flag, the caches from the user config's {@code [sandbox]}
 * table, and the one line that says where commands run when they are not contained ({@code run} and {@code resume}
 * get theirs from {@link RunSessions}). Stateless.
 */
final class SandboxChoice {
    /** The {@code --sandbox} help text, shared by the commands. */
    static final String HELP = "Where commands run: auto (the default) runs them in bubblewrap where it starts — only the "
            + "workspace writable (not its .git), home hidden but for build caches, private /tmp, no network — and "
            + "elsewhere runs only read-only commands on the allow list; on: bubblewrap or an error; off: commands run "
            + "unsandboxed, as you, and can read and change what you can (API keys are never in their environment).";

    private SandboxChoice() {
    }

    /**
     * The agent's mode: {@code flag}, else {@code MUNERO_SANDBOX}, else the user config's {@code [sandbox] mode},
     * else auto.
     *
     * @throws IllegalArgumentException when a value is not auto, on or off; the message says which
     */
    static SandboxMode agentMode(String flag, Map<String, String> env, UserConfig config) {
        if (flag != null) {
            return SandboxMode.parse(flag);
        }
        String fromEnv = env.get("MUNERO_SANDBOX");
        if (fromEnv != null && !fromEnv.isBlank()) {
            try {
                return SandboxMode.parse(fromEnv);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("MUNERO_SANDBOX: " + e.getMessage(), e);
            }
        }
        return SandboxSettings.modeFromConfig(config.tree(), config.file().toString()).orElse(SandboxMode.AUTO);
    }

    /**
     * The sandbox for {@code mode} with the user config's caches.
     *
     * @throws SandboxUnavailableException for {@code on} where bubblewrap cannot start
     * @throws IllegalArgumentException    when the user config's {@code [sandbox]} table is invalid
     */
    static Sandbox select(SandboxMode mode, UserConfig config) throws SandboxUnavailableException {
        return Sandbox.select(mode, SandboxSettings.fromConfig(config.tree(), config.file().toString()));
    }

    /** The line to show once when commands are not contained; empty in the sandbox ({@link RunSessions#sandboxNotice}). */
    static Optional<String> notice(Sandbox sandbox) {
        return RunSessions.sandboxNotice(sandbox);
    }
}
