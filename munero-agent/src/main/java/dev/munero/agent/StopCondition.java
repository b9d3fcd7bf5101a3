package dev.munero.agent;

/** Why an agent run ended. */
public enum StopCondition {
    /** The model called {@code finish} with a summary. */
    FINISHED(true),
    /** The model ended its turn without asking for a tool call. */
    END_TURN(true),
    /** The run used its maximum number of turns (model calls). */
    MAX_TURNS(false),
    /** The next call's projected cost would have crossed the cost limit; it was not made. */
    MAX_COST(false),
    /** The wall-clock timeout passed. */
    TIMEOUT(false),
    /** The model repeated the same failing tool call; it was stopped instead of paying for more of the same. */
    LOOP_DETECTED(false),
    /** The model's answer was cut at the max output tokens without a tool call to run. */
    MAX_OUTPUT_TOKENS(false),
    /** The provider failed after retries, or refused the request (bad key, invalid request). */
    PROVIDER_ERROR(false),
    /** An action needed the user's approval and there was no way to ask. */
    PERMISSION_REQUIRED(false),
    /** The run was cancelled (Ctrl-C). */
    INTERRUPTED(false);

    private final boolean completed;

    StopCondition(boolean completed) {
        this.completed = completed;
    }

    /** True when the model itself ended the work; false when a limit or a failure stopped it. */
    public boolean completed() {
        return completed;
    }

    /** The lower-case, dash-separated name used in JSON and the transcript, e.g. {@code max-cost}. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
