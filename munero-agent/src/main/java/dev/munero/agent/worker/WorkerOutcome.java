package dev.munero.agent.worker;

import java.util.Locale;

/**
 * How a worker's task ended, from the exit code and the last event of its stream ({@link Outcomes#classify}).
 */
public enum WorkerOutcome {
    /** The worker ended its work and said so: a final event without error, exit code 0. */
    FINISHED,
    /** A limit stopped it: Munero's budget or timeout, or the CLI's own turn or budget limit. */
    LIMIT,
    /** The worker reported a failure (an error result, a failed turn, a refused request). */
    ERROR,
    /** No event came for the inactivity time; Munero killed the process tree. */
    HUNG,
    /** The process died without a final event (a signal, a non-zero exit, a stream that stopped). */
    CRASHED;

    /** The lower-case name used in JSON and the transcript, e.g. {@code hung}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
