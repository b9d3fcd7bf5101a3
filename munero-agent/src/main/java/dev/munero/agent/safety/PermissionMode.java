package dev.munero.agent.safety;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How much the agent may do without asking, as users know it from Claude Code ({@code --permission-mode}) and
 * Codex ({@code --ask-for-approval}).
 *
 * <p>In every mode the built-in deny list of {@link CommandPolicy} holds; reads and {@code finish} never ask.
 */
public enum PermissionMode {
    /** Asks before every file edit, build and command. */
    ASK("ask"),
    /** The default: file edits and builds run without asking; commands on the allow list run, others ask. */
    AUTO_EDIT("auto-edit"),
    /** Everything that is not denied runs without asking. */
    FULL("full");

    private final String cliName;

    PermissionMode(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line: {@code ask}, {@code auto-edit} or {@code full}. */
    public String cliName() {
        return cliName;
    }

    /**
     * The mode named {@code name} ({@link #cliName()}, case-insensitive; {@code auto_edit} is accepted too).
     *
     * @throws IllegalArgumentException when {@code name} is none of them; the message lists the valid names
     */
    public static PermissionMode parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (PermissionMode mode : values()) {
            if (mode.cliName.equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown permission mode '" + name + "'; valid modes: "
                + Arrays.stream(values()).map(PermissionMode::cliName).collect(Collectors.joining(", ")));
    }
}
