package dev.munero.engine.build;

/** The outcome of a whole build. Exit codes of {@code munero build}: PASSED 0, FAILED 1, CANCELLED 130. */
public enum BuildStatus {
    /** Every selected step PASSED, was CACHED or SKIPPED by a condition, and every verify artifact exists. */
    PASSED,
    /** A step failed or a verify artifact is missing. */
    FAILED,
    /** Interrupted (Ctrl-C). */
    CANCELLED
}
