package dev.munero.store;

import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;
import tools.jackson.databind.node.ObjectNode;

/**
 * A completed model call, kept so that a resumed run answers it from here instead of paying for it again.
 *
 * @param runId     the run
 * @param scope     who made it: {@code plan}, {@code task:3}, {@code reflect:2}
 * @param callIndex its position among the scope's calls, from 0
 * @param digest    the request's digest; a resumed call with another digest is a different call
 * @param response  the response, JSON
 * @param usage     its token counts, JSON
 * @param costUsd   its cost, empty when the model's price is unknown
 * @param at        when it completed
 */
public record ModelCallRecord(String runId, String scope, int callIndex, String digest, ObjectNode response,
                              ObjectNode usage, OptionalDouble costUsd, Instant at) {
    public ModelCallRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(costUsd, "costUsd");
        Objects.requireNonNull(at, "at");
        if (callIndex < 0) {
            throw new IllegalArgumentException("callIndex cannot be negative: " + callIndex);
        }
    }
}
