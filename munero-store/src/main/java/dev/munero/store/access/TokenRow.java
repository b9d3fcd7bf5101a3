package dev.munero.store.access;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One API token as stored: never its secret, only the secret's SHA-256.
 *
 * @param id         the token's public id ({@code tok_} and 12 hex digits)
 * @param name       its name, unique among active tokens
 * @param role       {@code viewer}, {@code operator} or {@code admin}
 * @param sha256     SHA-256 of the secret, 64 lowercase hex digits
 * @param createdAt  when it was made
 * @param lastUsedAt when it last authenticated a request, if ever
 * @param revokedAt  when it was revoked, if it was
 */
public record TokenRow(String id, String name, String role, String sha256, Instant createdAt,
                       Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {
    public TokenRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(revokedAt, "revokedAt");
    }

    /** Not revoked. */
    public boolean active() {
        return revokedAt.isEmpty();
    }
}
