package dev.munero.cli;

/** Exit codes of every {@code munero} command; scripts can rely on them. */
final class ExitCodes {
    /** Success. */
    static final int OK = 0;
    /** The build (or a verify artifact) failed. */
    static final int FAILED = 1;
    /** Bad command line or configuration (munero.yaml, unknown step, cycle). */
    static final int USAGE = 2;
    /** Interrupted by Ctrl-C (128 + SIGINT). */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
