package dev.munero.engine.config;

import java.util.List;

/**
 * What a step runs: an argv list started directly, or a script run by the platform shell
 * ({@code /bin/sh -c} on Unix, {@code cmd /c} on Windows).
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Command permits Command.Argv, Command.Shell {

    /** The argv to start the process with, after choosing the shell for {@link Shell}. */
    List<String> toArgv();

    /** A stable text form, used in the cache key and in messages. */
    String display();

    /**
     * An argument vector started without a shell.
     *
     * @param args program and arguments; non-empty, no null element
     */
    record Argv(List<String> args) implements Command {
        public Argv {
            if (args == null || args.isEmpty()) {
                throw new IllegalArgumentException("command argv must not be empty");
            }
            args = List.copyOf(args);
        }

        @Override
        public List<String> toArgv() {
            return args;
        }

        @Override
        public String display() {
            return String.join(" ", args.stream().map(Argv::quote).toList());
        }

        private static String quote(String arg) {
            return arg.isEmpty() || arg.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'')
                    ? "'" + arg.replace("'", "'\\''") + "'"
                    : arg;
        }
    }

    /**
     * A script run by the platform shell.
     *
     * @param script the script text; not blank
     */
    record Shell(String script) implements Command {
        public Shell {
            if (script == null || script.isBlank()) {
                throw new IllegalArgumentException("shell command must not be blank");
            }
        }

        @Override
        public List<String> toArgv() {
            return isWindows() ? List.of("cmd.exe", "/d", "/s", "/c", script) : List.of("/bin/sh", "-c", script);
        }

        @Override
        public String display() {
            return script;
        }

        private static boolean isWindows() {
            return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
        }
    }
}
