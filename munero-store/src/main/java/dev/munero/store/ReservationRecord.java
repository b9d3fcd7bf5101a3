package dev.munero.store;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A model call about to be sent, kept before it leaves so that a crash mid-call cannot hide its cost: the
 * write-ahead half of the run's cost accounting ({@link Store#reserveModelCall}).
 *
 * @param id           the reservation's number, unique in the database
 * @param runId        the run
 * @param scope        who makes the call, as in {@link ModelCallRecord#scope()}
 * @param callIndex    its position among the scope's calls, from 0
 * @param worstCaseUsd the most the provider can charge for it (the estimated input plus the maximum output at the
 *                     model's prices), USD; empty when the model's price is unknown
 * @param at           when it was about to be sent
 */
public record ReservationRecord(long id, String runId, String scope, int callIndex, OptionalDouble worstCaseUsd,
                                Instant at) {
    public ReservationRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(worstCaseUsd, "worstCaseUsd");
        Objects.requireNonNull(at, "at");
        if (callIndex < 0) {
            throw new IllegalArgumentException("callIndex cannot be negative: " + callIndex);
        }
    }
}
