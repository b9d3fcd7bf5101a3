package dev.munero.engine.exec;

/**
 * How a child process ended.
 *
 * @param exitCode       the exit code; -1 when it could not be started, or was killed by Munero
 * @param timedOut       killed because it ran past its timeout
 * @param cancelled      killed because the build was cancelled (Ctrl-C, fail-fast)
 * @param startError     why it could not be started (e.g. "No such file or directory"), else null
 * @param durationMillis wall time from start to exit
 */
public record ProcessOutcome(int exitCode, boolean timedOut, boolean cancelled, String startError, long durationMillis) {
    /** Exited on its own with code 0. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut && !cancelled && startError == null;
    }
}
