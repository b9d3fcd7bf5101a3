package dev.munero.store;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * One entry of the append-only event log.
 *
 * @param seq     its position in the whole log, increasing, from 1
 * @param runId   the run it belongs to
 * @param at      when it was appended
 * @param type    what happened, lower_snake_case (e.g. {@code state_changed}, {@code model_call})
 * @param payload the details, a JSON object
 */
public record StoredEvent(long seq, String runId, Instant at, String type, ObjectNode payload) {
    public StoredEvent {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
    }
}
