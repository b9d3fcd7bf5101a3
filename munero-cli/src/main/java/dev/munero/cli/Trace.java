package dev.munero.cli;

/**
 * Start-up tracing for measuring where a command's time goes: with {@code -Dmunero.trace=true} (e.g.
 * through {@code MUNERO_JAVA_OPTS}) each mark prints the milliseconds since {@code main} started to
 * stderr (the JVM's own start-up before {@code main} is the wall time minus the last mark).
 */
final class Trace {
    private static final boolean ON = Boolean.getBoolean("munero.trace");
    private static final long START = System.nanoTime();

    private Trace() {
    }

    static void mark(String what) {
        if (ON) {
            System.err.println("[trace] +" + (System.nanoTime() - START) / 1_000_000 + " ms " + what);
        }
    }
}
