package dev.munero.store.access;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of the audit log.
 *
 * @param id       1, 2, 3... in append order, without gaps
 * @param at       when it was appended
 * @param who      a token's name, {@code local} (auth off, or the CLI), or {@code -} (no valid token)
 * @param tokenId  the token's id, or null when no token authenticated the request
 * @param action   what was done: {@code "POST /api/v1/runs"}, {@code "token create ci (operator)"}
 * @param remote   where from: the client's IP address, or {@code cli}
 * @param status   the outcome: the HTTP status, or a CLI action's exit code (0)
 * @param prevHash the previous row's {@code hash} (64 zeros for row 1)
 * @param hash     SHA-256 of this row's canonical content ({@link AuditChain#hash}), 64 lowercase hex digits
 */
public record AuditRow(long id, Instant at, String who, String tokenId, String action, String remote, int status,
                       String prevHash, String hash) {
    public AuditRow {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(who, "who");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(prevHash, "prevHash");
        Objects.requireNonNull(hash, "hash");
    }
}
