package dev.munero.store.access;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of checking the whole audit log.
 *
 * @param rows       how many rows are present
 * @param headHash   the hash of the last row present ({@link AuditChain#GENESIS} when there is none); keep it elsewhere
 *                   to detect a later rewrite of the whole chain
 * @param firstBreak the first row that does not check out, if any
 */
public record AuditVerification(long rows, String headHash, Optional<AuditBreak> firstBreak) {
    public AuditVerification {
        Objects.requireNonNull(headHash, "headHash");
        Objects.requireNonNull(firstBreak, "firstBreak");
    }

    /** Every row checks out and the chain ends where its head says. */
    public boolean intact() {
        return firstBreak.isEmpty();
    }
}
