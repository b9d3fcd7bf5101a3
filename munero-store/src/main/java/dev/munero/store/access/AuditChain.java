package dev.munero.store.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;

/**
 * The audit log's hash chain. A row's canonical content is the compact JSON array
 * {@code ["munero-audit-1", id, at, who, token_id, action, remote, status, prev_hash]} ({@code at} as ISO-8601 UTC,
 * {@code token_id} null when absent), encoded as UTF-8; its hash is the SHA-256 of that, in lowercase hex. Row 1's
 * {@code prev_hash} is {@link #GENESIS}. Because each hash covers the id and the previous hash, editing a row changes
 * its hash, deleting one leaves a gap in the ids and a dangling link, and inserting one breaks the next link.
 *
 * <p>The chain is keyed by nothing secret: whoever can write the file can recompute every hash after the row they
 * changed. It detects changes made by anyone who does not rewrite the rest of the chain; against a determined writer
 * the head hash {@link AccessStore#verifyAudit} reports can be kept elsewhere and compared.
 *
 * <p>Stateless; thread-safe.
 */
public final class AuditChain {
    /** The previous hash of row 1: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AuditChain() {
    }

    /** The canonical content of a row (everything but its own hash), as described above. */
    public static String canonical(long id, Instant at, String who, String tokenId, String action, String remote,
                                   int status, String prevHash) {
        ArrayNode a = JSON.createArrayNode();
        a.add("munero-audit-1").add(id).add(at.toString()).add(who);
        if (tokenId == null) {
            a.addNull();
        } else {
            a.add(tokenId);
        }
        a.add(action).add(remote).add(status).add(prevHash);
        return JSON.writeValueAsString(a);
    }

    /** The hash a row should have: SHA-256 of its canonical content, lowercase hex. */
    public static String hash(long id, Instant at, String who, String tokenId, String action, String remote,
                              int status, String prevHash) {
        return sha256Hex(canonical(id, at, who, tokenId, action, remote, status, prevHash));
    }

    /** SHA-256 of {@code text} as UTF-8, 64 lowercase hex digits. */
    public static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every Java platform has SHA-256", e);
        }
    }

    /**
     * Checks one row against the row before it.
     *
     * @param previous the row before it in id order, or null for the first row present
     * @return the break this row shows, if any
     */
    static Optional<AuditBreak> check(AuditRow previous, AuditRow row) {
        String expected = hash(row.id(), row.at(), row.who(), row.tokenId(), row.action(), row.remote(), row.status(),
                row.prevHash());
        if (!expected.equals(row.hash())) {
            return Optional.of(new AuditBreak(row.id(), AuditBreak.Kind.EDITED, "row " + row.id()
                    + " was changed after it was written: its content hashes to " + expected + ", not to the stored "
                    + row.hash(), Optional.of(row)));
        }
        long expectedId = previous == null ? 1 : previous.id() + 1;
        if (row.id() != expectedId) {
            String missing = expectedId == row.id() - 1 ? "row " + expectedId
                    : "rows " + expectedId + " to " + (row.id() - 1);
            return Optional.of(new AuditBreak(row.id(), AuditBreak.Kind.DELETED, missing + " deleted: row " + row.id()
                    + " follows " + (previous == null ? "nothing" : "row " + previous.id()), Optional.of(row)));
        }
        String expectedPrev = previous == null ? GENESIS : previous.hash();
        if (!expectedPrev.equals(row.prevHash()) && previous == null) {
            return Optional.of(new AuditBreak(row.id(), AuditBreak.Kind.INSERTED, "row 1 does not start the chain "
                    + "(its previous hash is " + row.prevHash() + ", not " + GENESIS + "): it was inserted or replaced",
                    Optional.of(row)));
        }
        if (!expectedPrev.equals(row.prevHash())) {
            return Optional.of(new AuditBreak(row.id(), AuditBreak.Kind.INSERTED, "row " + row.id()
                    + " does not link to row " + (row.id() - 1) + " (it names the previous hash " + row.prevHash()
                    + ", row " + (row.id() - 1) + " has " + expectedPrev + "): row " + (row.id() - 1)
                    + " or row " + row.id() + " was inserted or replaced", Optional.of(row)));
        }
        return Optional.empty();
    }
}
