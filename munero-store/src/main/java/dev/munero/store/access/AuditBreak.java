package dev.munero.store.access;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the audit log's hash chain first breaks, and how.
 *
 * @param row    the id of the first row that does not check out (for {@link Kind#TRUNCATED}: the last row the chain's
 *               head says exists)
 * @param kind   what the check found
 * @param detail one sentence for the user: which row, which hash, what was expected
 * @param found  the row {@code row} as it is now; empty for {@link Kind#TRUNCATED} (it is gone)
 */
public record AuditBreak(long row, Kind kind, String detail, Optional<AuditRow> found) {
    /** How the chain is broken. */
    public enum Kind {
        /** A row's content no longer matches its own hash: it was changed after it was written. */
        EDITED,
        /** Rows are missing: the ids jump, or row 1 is gone. */
        DELETED,
        /**
         * A row hashes correctly but does not link to the row before it: it, or the one before it, was inserted or
         * replaced with a recomputed hash.
         */
        INSERTED,
        /** The chain's head names rows after the last one present: the newest rows were deleted. */
        TRUNCATED
    }

    public AuditBreak {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(found, "found");
    }
}
