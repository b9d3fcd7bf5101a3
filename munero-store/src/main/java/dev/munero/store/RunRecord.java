package dev.munero.store;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * A run's current state: the projection of its events, kept in the {@code runs} table.
 *
 * @param id        the run id
 * @param state     the state machine's current state, as its name
 * @param createdAt when the run was created
 * @param updatedAt when its last event was appended
 * @param lastSeq   the {@link StoredEvent#seq()} of its last event
 * @param summary   what the projection keeps (spec, repository, totals), a JSON object
 */
public record RunRecord(String id, String state, Instant createdAt, Instant updatedAt, long lastSeq,
                        ObjectNode summary) {
    public RunRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(summary, "summary");
    }

    /** This record with another state. */
    public RunRecord withState(String newState) {
        return new RunRecord(id, newState, createdAt, updatedAt, lastSeq, summary);
    }

    /** This record with another summary. */
    public RunRecord withSummary(ObjectNode newSummary) {
        return new RunRecord(id, state, createdAt, updatedAt, lastSeq, newSummary);
    }
}
