package dev.munero.cli;

import java.io.Console;

/** Whether standard output is an interactive terminal (live progress) or not (line-per-event output). */
final class Terminal {
    private Terminal() {
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
