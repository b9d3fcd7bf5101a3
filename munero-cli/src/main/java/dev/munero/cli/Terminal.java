package dev.munero.cli;

import java.io.Console;

/** Whether standard output is an interactive terminal (live progress) or not (line-per-event output). */
final class Terminal {
    private Terminal() {
    }

    /**
     * The terminal's width in columns as the {@code munero} launcher measured it ({@code stty size} on the
     * terminal, passed as the system property {@code munero.columns}), or 0 when unknown: not started by the
     * launcher, or not on a terminal. Asking the terminal from Java would need a library or a child process on
     * the client's start path.
     */
    static int columns() {
        Integer c = Integer.getInteger("munero.columns");
        return c == null || c < 1 ? 0 : c;
    }

    static boolean isInteractive() {
        return isInteractive(System.getenv());
    }

    /** Whether output with environment {@code env} should be treated as interactive, given this JVM's console. */
    static boolean isInteractive(java.util.Map<String, String> env) {
        if (env.get("CI") != null || "dumb".equals(env.get("TERM"))) {
            return false;
        }
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try { // Console.isTerminal() exists from Java 22; on 21 a non-null console means a terminal
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
