package dev.munero.agent.safety;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whether agents' commands run in the sandbox ({@code --sandbox auto|on|off}, munero.yaml {@code run: sandbox},
 * the user config's {@code [sandbox] mode}).
 */
public enum SandboxMode {
    /** The default: the bubblewrap sandbox where it starts; elsewhere only commands on the allow list run. */
    AUTO("auto"),
    /** The bubblewrap sandbox, or an error when it cannot start. */
    ON("on"),
    /** No sandbox: commands run as the user and can read and change what the user can. */
    OFF("off");

    private final String cliName;

    SandboxMode(String cliName) {
        this.cliName = cliName;
    }

    /** {@code auto}, {@code on} or {@code off}. */
    public String cliName() {
        return cliName;
    }

    /**
     * The mode named {@code name} (case-insensitive; {@code true}/{@code false} are read as on/off).
     *
     * @throws IllegalArgumentException when it is none of them; the message lists the valid names
     */
    public static SandboxMode parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "true" -> wanted = "on";
            case "false" -> wanted = "off";
            default -> { }
        }
        for (SandboxMode mode : values()) {
            if (mode.cliName.equals(wanted)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown sandbox mode '" + name + "'; valid modes: "
                + Arrays.stream(values()).map(SandboxMode::cliName).collect(Collectors.joining(", ")));
    }
}
