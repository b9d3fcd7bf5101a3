package dev.munero.core.app;

import dev.munero.llm.UserConfig;
import dev.munero.store.StoreException;
import dev.munero.store.access.AccessStore;
import dev.munero.store.access.AuditBreak;
import dev.munero.store.access.AuditChain;
import dev.munero.store.access.AuditRow;
import dev.munero.store.access.AuditVerification;
import dev.munero.store.access.TokenRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may use the server, and what they did: API tokens with roles, and the hash-chained audit log, kept in the server
 * database ({@code server.db} beside the user config). Records in, records out, {@link AppException} for every failure
 * a user can cause or fix. {@code munero token}, {@code munero audit} and the server's guard call this.
 *
 * <p>A token's secret is {@code mun_} followed by 32 random bytes ({@link SecureRandom}) in unpadded base64url (43
 * characters): 256 bits, returned once by {@link #create} and stored only as its SHA-256. {@link #authenticate}
 * hashes what is presented and compares it with every active token's hash in constant time
 * ({@link MessageDigest#isEqual}), without stopping at a match. Nothing here writes a secret anywhere: the audit log
 * names a token by its name and id.
 *
 * <p>Thread-safe (the store serializes access); one instance may be shared by the server's threads while a
 * {@code munero token} command in another process writes the same file: a token revoked there stops authenticating
 * here at the next request.
 */
public final class Access implements AutoCloseable {
    /** The {@code who} of an audit entry when no token is involved: auth is off, or the action came from the CLI. */
    public static final String LOCAL = "local";
    /** The {@code who} of an audit entry for a request that presented no valid token. */
    public static final String NOBODY = "-";
    /** The {@code remote} of an audit entry written by a CLI command. */
    public static final String CLI = "cli";

    private static final String SECRET_PREFIX = "mun_";
    private static final String ID_PREFIX = "tok_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Longer than any secret this class makes; anything longer is not hashed at all. */
    private static final int MAX_PRESENTED = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token's role; each includes the ones before it: viewer reads, operator also acts on runs, admin: all. */
    public enum Role {
        VIEWER, OPERATOR, ADMIN;

        /** Whether this role may do what {@code required} may. */
        public boolean includes(Role required) {
            return compareTo(required) >= 0;
        }

        /** {@code viewer}, {@code operator} or {@code admin}; also its JSON form, as {@code --role} takes it. */
        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws AppException INVALID naming the value and the roles there are */
        public static Role parse(String text) {
            for (Role r : values()) {
                if (r.id().equals(text)) {
                    return r;
                }
            }
            throw AppException.invalid("unknown role '" + text + "': use viewer, operator or admin");
        }
    }

    /**
     * A token as anyone may see it: never its secret or its hash.
     *
     * @param id         {@code tok_} and 12 hex digits
     * @param name       unique among active tokens
     * @param lastUsedAt when it last authenticated a request
     */
    public record Token(String id, String name, Role role, Instant createdAt, Optional<Instant> lastUsedAt,
                        Optional<Instant> revokedAt) {
        public Token {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(lastUsedAt, "lastUsedAt");
            Objects.requireNonNull(revokedAt, "revokedAt");
        }

        /** Not revoked. */
        public boolean active() {
            return revokedAt.isEmpty();
        }
    }

    /**
     * A token just made, with its secret: the only time the secret exists outside the client that holds it.
     * {@link #toString()} leaves the secret out.
     *
     * @param secret {@code mun_} and 43 base64url characters
     */
    public record Created(Token token, String secret) {
        public Created {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(secret, "secret");
        }

        @Override
        public String toString() {
            return "Created[" + token + ", secret=(hidden)]";
        }
    }

    /**
     * What to append to the audit log.
     *
     * @param who     a token's name, {@link #LOCAL} or {@link #NOBODY}
     * @param tokenId the token's id, or empty
     * @param action  a method and path ({@code "POST /api/v1/runs/r1/pause"}, no query string) or a CLI action
     * @param remote  the client's IP address, or {@link #CLI}
     * @param status  the HTTP status, or a CLI action's exit code
     */
    public record AuditEntry(String who, Optional<String> tokenId, String action, String remote, int status) {
        public AuditEntry {
            Objects.requireNonNull(who, "who");
            Objects.requireNonNull(tokenId, "tokenId");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(remote, "remote");
        }
    }

    /** One row of the audit log as stored: an {@link AuditEntry} with its id, time and hashes. */
    public record AuditRecord(long id, Instant at, String who, Optional<String> tokenId, String action, String remote,
                              int status, String prevHash, String hash) {
    }

    /**
     * The audit log checked end to end.
     *
     * @param rows       rows present
     * @param headHash   the last row's hash (64 zeros when empty); kept elsewhere, it shows a later rewrite of the
     *                   chain
     * @param firstBreak the first row that does not check out
     */
    public record Verification(long rows, String headHash, Optional<Break> firstBreak) {
        /** Nothing was edited, deleted or inserted. */
        public boolean intact() {
            return firstBreak.isEmpty();
        }
    }

    /**
     * Where the chain breaks.
     *
     * @param row    the first row id that does not check out
     * @param kind   {@code edited}, {@code deleted}, {@code inserted} or {@code truncated} (the newest rows deleted)
     * @param detail one sentence for the user
     * @param found  that row as it is now; empty when it is gone ({@code truncated})
     */
    public record Break(long row, String kind, String detail, Optional<AuditRecord> found) {
    }

    /** A token's last use is written at most this often: under load, one write per token a second. */
    private static final java.time.Duration LAST_USED_PRECISION = java.time.Duration.ofSeconds(1);

    private final AccessStore store;
    private final Clock clock;

    private Access(AccessStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * The server database of a user: {@code server.db} beside the user config ({@link UserConfig#sibling}).
     *
     * @param env the environment ({@code MUNERO_CONFIG}, {@code XDG_CONFIG_HOME}, {@code HOME})
     * @throws AppException INVALID when the user config exists but is not valid TOML (the message names the file)
     */
    public static Path database(Map<String, String> env) {
        try {
            return UserConfig.load(env).sibling("server.db");
        } catch (IllegalArgumentException notToml) {
            throw AppException.invalid(notToml.getMessage());
        }
    }

    /**
     * Opens (creating when absent, readable by its owner only) a server database.
     *
     * @throws AppException UNAVAILABLE when it cannot be created, opened or migrated; the message names the file
     */
    public static Access open(Path database, Clock clock) {
        return open(database, clock, true);
    }

    /**
     * Opens a server database.
     *
     * @param create make it when absent (readable by its owner only); otherwise a missing one is NOT_FOUND
     * @throws AppException NOT_FOUND when it is absent and {@code create} is false; UNAVAILABLE when it cannot be
     *                      created, opened or migrated; the message names the file
     */
    public static Access open(Path database, Clock clock, boolean create) {
        if (!create && !Files.exists(database)) {
            throw AppException.notFound("no server database at " + database + ": no token was made and no request "
                    + "was audited yet for this user (munero token create makes it)");
        }
        try {
            return new Access(AccessStore.open(database, clock), clock);
        } catch (StoreException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
    }

    /** The database file. */
    public Path database() {
        return store.file();
    }

    /**
     * Makes a token and records it in the audit log ({@code local}, from {@code cli}).
     *
     * @param name its name, or null for {@code <role>-<6 hex digits of its id>}; letters, digits, {@code . _ -}, at
     *             most 64, not starting with {@code tok_}
     * @return the token and its secret, which is not kept: show it to the user once
     * @throws AppException INVALID for a bad name; CONFLICT when an active token has this name; UNAVAILABLE when the
     *                      database cannot be written
     */
    public Created create(String name, Role role) {
        Objects.requireNonNull(role, "role");
        byte[] idBytes = new byte[6];
        RANDOM.nextBytes(idBytes);
        String id = ID_PREFIX + HexFormat.of().formatHex(idBytes);
        String chosen = name == null
                ? role.id() + "-" + id.substring(ID_PREFIX.length(), ID_PREFIX.length() + 6) : name;
        if (!NAME.matcher(chosen).matches() || chosen.startsWith(ID_PREFIX)) {
            throw AppException.invalid("bad token name '" + chosen + "': use 1 to 64 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit and not with 'tok_' (that names token ids)");
        }
        if (store(() -> store.tokens()).stream().anyMatch(t -> t.active() && t.name().equals(chosen))) {
            throw AppException.conflict("a token named '" + chosen + "' exists: revoke it first (munero token revoke "
                    + chosen + ") or choose another --name");
        }
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        TokenRow row = store(() -> store.insertToken(id, chosen, role.id(), AuditChain.sha256Hex(secret)));
        audit(new AuditEntry(LOCAL, Optional.of(id), "token create " + chosen + " (" + role.id() + ")", CLI, 0));
        return new Created(token(row), secret);
    }

    /** Every token, active and revoked, oldest first. @throws AppException UNAVAILABLE when it cannot be read */
    public List<Token> list() {
        return store(() -> store.tokens()).stream().map(Access::token).toList();
    }

    /**
     * Revokes the active token with this id or name, and records it in the audit log.
     *
     * @throws AppException NOT_FOUND when no active token has this id or name (the message says whether a revoked one
     *                      does); UNAVAILABLE when the database cannot be written
     */
    public Token revoke(String idOrName) {
        return revoke(idOrName, LOCAL, CLI);
    }

    /**
     * Revokes the active token with this id or name on behalf of {@code who} (a token's name; {@code local} for the
     * CLI) from {@code from} (a remote address; {@code cli}), and records that in the audit log.
     *
     * @throws AppException as {@link #revoke(String)}
     */
    public Token revoke(String idOrName, String who, String from) {
        List<TokenRow> all = store(() -> store.tokens());
        TokenRow target = all.stream().filter(t -> t.active() && (t.id().equals(idOrName) || t.name().equals(idOrName)))
                .findFirst().orElseThrow(() -> AppException.notFound(all.stream().anyMatch(t -> t.id().equals(idOrName)
                        || t.name().equals(idOrName)) ? "token '" + idOrName + "' is already revoked"
                        : "no token '" + idOrName + "': munero token list shows the tokens by name and id"));
        TokenRow revoked = store(() -> store.revokeToken(target.id())).orElseThrow(
                () -> AppException.conflict("token '" + idOrName + "' was revoked at the same time by another "
                        + "process"));
        audit(new AuditEntry(who, Optional.of(revoked.id()), "token revoke " + revoked.name(), from, 0));
        return token(revoked);
    }

    /**
     * The active token whose secret this is, with its last use recorded now (to the second: a use less than a second
     * after the recorded one is not written again).
     *
     * @param presented what the client sent (the Bearer credentials); never stored or logged
     * @return the token, or empty for an unknown, malformed or revoked one
     * @throws AppException UNAVAILABLE when the database cannot be read or written
     */
    public Optional<Token> authenticate(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > MAX_PRESENTED) {
            return Optional.empty();
        }
        byte[] hash = HexFormat.of().parseHex(AuditChain.sha256Hex(presented));
        TokenRow match = null;
        for (TokenRow row : store(() -> store.tokens())) {
            boolean equal = MessageDigest.isEqual(hash, HexFormat.of().parseHex(row.sha256()));
            if (equal && row.active()) {
                match = row;
            }
        }
        if (match == null) {
            return Optional.empty();
        }
        TokenRow used = match;
        Instant now = clock.instant();
        boolean recent = used.lastUsedAt().map(at -> at.isAfter(now.minus(LAST_USED_PRECISION))).orElse(false);
        Instant at = recent ? used.lastUsedAt().get() : store(() -> store.touchToken(used.id()));
        return Optional.of(new Token(used.id(), used.name(), Role.parse(used.role()), used.createdAt(),
                Optional.of(at), used.revokedAt()));
    }

    /**
     * Appends an entry to the audit log, chained to the row before.
     *
     * @throws AppException UNAVAILABLE when the database cannot be written (then nothing is appended)
     */
    public AuditRecord audit(AuditEntry entry) {
        AuditRow row = store(() -> store.appendAudit(entry.who(), entry.tokenId().orElse(null), entry.action(),
                entry.remote(), entry.status()));
        return record(row);
    }

    /**
     * The newest entries, newest first.
     *
     * @throws AppException INVALID when {@code limit < 1}; UNAVAILABLE when it cannot be read
     */
    public List<AuditRecord> audit(int limit) {
        if (limit < 1) {
            throw AppException.invalid("--limit must be at least 1, not " + limit);
        }
        return store(() -> store.audit(limit)).stream().map(Access::record).toList();
    }

    /**
     * Checks the audit log end to end: each row's hash against its content, each link, ids without gaps, and the last
     * row against the chain's head.
     *
     * @throws AppException UNAVAILABLE when it cannot be read
     */
    public Verification verify() {
        AuditVerification v = store(store::verifyAudit);
        return new Verification(v.rows(), v.headHash(), v.firstBreak().map(Access::breakOf));
    }

    @Override
    public void close() {
        store(() -> {
            store.close();
            return null;
        });
    }

    private static Break breakOf(AuditBreak b) {
        return new Break(b.row(), b.kind().name().toLowerCase(Locale.ROOT), b.detail(), b.found().map(Access::record));
    }

    private static Token token(TokenRow row) {
        return new Token(row.id(), row.name(), Role.parse(row.role()), row.createdAt(), row.lastUsedAt(),
                row.revokedAt());
    }

    private static AuditRecord record(AuditRow row) {
        return new AuditRecord(row.id(), row.at(), row.who(), Optional.ofNullable(row.tokenId()), row.action(),
                row.remote(), row.status(), row.prevHash(), row.hash());
    }

    private interface StoreCall<T> {
        T call();
    }

    private <T> T store(StoreCall<T> call) {
        try {
            return call.call();
        } catch (StoreException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
    }
}
