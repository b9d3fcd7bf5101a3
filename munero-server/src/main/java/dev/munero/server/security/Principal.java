package dev.munero.server.security;

import dev.munero.core.app.Access;
import java.util.Objects;
import java.util.Optional;

/**
 * Who a request is from: a token (its name and id, never its secret) or, with auth off, {@link #LOCAL}.
 *
 * @param name    the token's name, or {@code local}
 * @param tokenId the token's id; empty for {@link #LOCAL}
 * @param role    what it may do ({@code admin} for {@link #LOCAL})
 */
public record Principal(String name, Optional<String> tokenId, Access.Role role) {
    /** Every request when auth is off (loopback only): the user at this machine. */
    public static final Principal LOCAL = new Principal(Access.LOCAL, Optional.empty(), Access.Role.ADMIN);

    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tokenId, "tokenId");
        Objects.requireNonNull(role, "role");
    }

    static Principal of(Access.Token token) {
        return new Principal(token.name(), Optional.of(token.id()), token.role());
    }
}
