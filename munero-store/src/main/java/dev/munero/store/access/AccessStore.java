package dev.munero.store.access;

import dev.munero.store.SqliteFile;
import dev.munero.store.StoreException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server database ({@code server.db} beside the user config): API tokens and the audit log, in SQLite (WAL), its
 * schema under its own Flyway migrations ({@code dev/munero/store/access/migration}), separate from the run database.
 *
 * <p>The audit log is append-only and hash-chained ({@link AuditChain}): {@link #appendAudit} reads the chain's head,
 * writes the row and moves the head in one {@code BEGIN IMMEDIATE} transaction, so appends from several threads or
 * processes (the server, a {@code munero token} command) form one chain. Triggers refuse {@code UPDATE} and
 * {@code DELETE} on it; {@link #verifyAudit} finds a change made past them.
 *
 * <p>The file is created readable by its owner only (POSIX). Thread-safe: one connection, every operation
 * synchronized; other processes wait up to {@value SqliteFile#BUSY_TIMEOUT_MILLIS} ms for a lock.
 */
public final class AccessStore implements AutoCloseable {

    private final Path file;
    private final Connection connection;
    private final Clock clock;

    private AccessStore(Path file, Connection connection, Clock clock) {
        this.file = file;
        this.connection = connection;
        this.clock = clock;
    }

    /**
     * Opens (creating when absent, owner-only) the server database and brings its schema up to date.
     *
     * @param file  the database file; its directory is created
     * @param clock what tokens and audit rows are stamped with
     * @throws StoreException when the file cannot be created or opened, or a migration fails; the message names the
     *                        file
     */
    public static AccessStore open(Path file, Clock clock) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
            createOwnerOnly(absolute);
        } catch (IOException e) {
            throw new StoreException("cannot create " + absolute + ": " + e.getMessage(), e);
        }
        return new AccessStore(absolute, SqliteFile.open(absolute, "classpath:dev/munero/store/access/migration"),
                clock);
    }

    private static void createOwnerOnly(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
        } catch (FileAlreadyExistsException raced) {
            // another process made it first: its permissions stand
        }
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /**
     * Stores a new token.
     *
     * @param sha256 SHA-256 of the secret, lowercase hex; the secret itself is never passed here
     * @return the stored row (created now, never used, active)
     * @throws StoreException when an active token has this name, a token has this id or hash, or the write fails
     */
    public synchronized TokenRow insertToken(String id, String name, String role, String sha256) {
        Instant now = clock.instant();
        return transaction("store token " + name, () -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO tokens (id, name, role, sha256, created_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, name);
                insert.setString(3, role);
                insert.setString(4, sha256);
                insert.setString(5, now.toString());
                insert.executeUpdate();
            }
            return new TokenRow(id, name, role, sha256, now, Optional.empty(), Optional.empty());
        });
    }

    /** Every token, active and revoked, oldest first. */
    public synchronized List<TokenRow> tokens() {
        return read("list tokens", () -> {
            List<TokenRow> result = new ArrayList<>();
            try (PreparedStatement q = connection.prepareStatement("SELECT id, name, role, sha256, created_at, "
                    + "last_used_at, revoked_at FROM tokens ORDER BY created_at, id");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    result.add(new TokenRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Instant.parse(rs.getString(5)), instant(rs.getString(6)), instant(rs.getString(7))));
                }
            }
            return result;
        });
    }

    /**
     * Records that a token authenticated a request now.
     *
     * @throws StoreException when the write fails
     */
    public synchronized Instant touchToken(String id) {
        Instant now = clock.instant();
        transaction("record the use of token " + id, () -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tokens SET last_used_at = ? WHERE id = ?")) {
                update.setString(1, now.toString());
                update.setString(2, id);
                update.executeUpdate();
            }
            return null;
        });
        return now;
    }

    /**
     * Revokes a token now; a revoked token stays listed and never authenticates again.
     *
     * @return the revoked row, or empty when there is no active token with this id
     * @throws StoreException when the write fails
     */
    public synchronized Optional<TokenRow> revokeToken(String id) {
        Instant now = clock.instant();
        return transaction("revoke token " + id, () -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
                update.setString(1, now.toString());
                update.setString(2, id);
                if (update.executeUpdate() == 0) {
                    return Optional.empty();
                }
            }
            try (PreparedStatement q = connection.prepareStatement("SELECT id, name, role, sha256, created_at, "
                    + "last_used_at, revoked_at FROM tokens WHERE id = ?")) {
                q.setString(1, id);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return Optional.of(new TokenRow(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), Instant.parse(rs.getString(5)), instant(rs.getString(6)),
                            instant(rs.getString(7))));
                }
            }
        });
    }

    /**
     * Appends a row to the audit log, stamped now, chained to the current head, in one transaction.
     *
     * @param who     a token's name, {@code local} or {@code -}
     * @param tokenId the token's id, or null
     * @param action  what was done (a method and path, or a CLI action); never a secret
     * @param remote  where from
     * @param status  the outcome (HTTP status or exit code)
     * @return the row as written
     * @throws StoreException when the write fails (then nothing is written and the head does not move)
     */
    public synchronized AuditRow appendAudit(String who, String tokenId, String action, String remote, int status) {
        Instant now = clock.instant();
        return transaction("append to the audit log", () -> {
            long lastId;
            String lastHash;
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT last_id, last_hash FROM audit_head WHERE only_row = 1")) {
                if (!rs.next()) {
                    throw new SQLException("the audit log's head row is missing (audit_head); the log cannot be "
                            + "appended to until it is restored");
                }
                lastId = rs.getLong(1);
                lastHash = rs.getString(2);
            }
            long id = lastId + 1;
            String hash = AuditChain.hash(id, now, who, tokenId, action, remote, status, lastHash);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO audit (id, at, who, token_id, "
                    + "action, remote, status, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setLong(1, id);
                insert.setString(2, now.toString());
                insert.setString(3, who);
                insert.setString(4, tokenId);
                insert.setString(5, action);
                insert.setString(6, remote);
                insert.setInt(7, status);
                insert.setString(8, lastHash);
                insert.setString(9, hash);
                insert.executeUpdate();
            }
            try (PreparedStatement head = connection.prepareStatement(
                    "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE only_row = 1")) {
                head.setLong(1, id);
                head.setString(2, hash);
                head.executeUpdate();
            }
            return new AuditRow(id, now, who, tokenId, action, remote, status, lastHash, hash);
        });
    }

    /** The newest {@code limit} rows of the audit log, newest first. */
    public synchronized List<AuditRow> audit(int limit) {
        return read("read the audit log", () -> {
            try (PreparedStatement q = connection.prepareStatement(
                    "SELECT " + AUDIT_COLUMNS + " FROM audit ORDER BY id DESC LIMIT ?")) {
                q.setInt(1, limit);
                return auditRows(q);
            }
        });
    }

    /**
     * Checks the whole audit log: every row's hash against its content, every link to the row before, ids without
     * gaps from 1, and the last row against the chain's head. Reads one consistent snapshot.
     *
     * @return the number of rows, the head hash, and the first break found (the lowest row id)
     * @throws StoreException when the log cannot be read
     */
    public synchronized AuditVerification verifyAudit() {
        return transactionRead("verify the audit log", () -> {
            AuditRow previous = null;
            Optional<AuditBreak> firstBreak = Optional.empty();
            long rows = 0;
            try (PreparedStatement q = connection.prepareStatement(
                    "SELECT " + AUDIT_COLUMNS + " FROM audit ORDER BY id");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    AuditRow row = auditRow(rs);
                    rows++;
                    if (firstBreak.isEmpty()) {
                        firstBreak = AuditChain.check(previous, row);
                    }
                    previous = row;
                }
            }
            String lastHash = previous == null ? AuditChain.GENESIS : previous.hash();
            long lastId = previous == null ? 0 : previous.id();
            if (firstBreak.isEmpty()) {
                firstBreak = checkHead(lastId, lastHash);
            }
            return new AuditVerification(rows, lastHash, firstBreak);
        });
    }

    /** The chain's head against the last row present. */
    private Optional<AuditBreak> checkHead(long lastId, String lastHash) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT last_id, last_hash FROM audit_head WHERE only_row = 1")) {
            if (!rs.next()) {
                return Optional.of(new AuditBreak(lastId, AuditBreak.Kind.TRUNCATED,
                        "the chain's head (table audit_head) was deleted", Optional.empty()));
            }
            long headId = rs.getLong(1);
            String headHash = rs.getString(2);
            if (headId > lastId) {
                String missing = headId == lastId + 1 ? "row " + headId : "rows " + (lastId + 1) + " to " + headId;
                return Optional.of(new AuditBreak(headId, AuditBreak.Kind.TRUNCATED, missing + " deleted: the chain's "
                        + "head names row " + headId + " but the last row is "
                        + (lastId == 0 ? "none" : "row " + lastId),
                        Optional.empty()));
            }
            if (headId < lastId || !headHash.equals(lastHash)) {
                return Optional.of(new AuditBreak(lastId, AuditBreak.Kind.INSERTED, "the last row is " + lastId
                        + " with hash " + lastHash + " but the chain's head names row " + headId + " with hash "
                        + headHash + ": rows were appended or replaced by hand", Optional.empty()));
            }
            return Optional.empty();
        }
    }

    private static final String AUDIT_COLUMNS = "id, at, who, token_id, action, remote, status, prev_hash, hash";

    private static List<AuditRow> auditRows(PreparedStatement q) throws SQLException {
        List<AuditRow> result = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
            while (rs.next()) {
                result.add(auditRow(rs));
            }
        }
        return result;
    }

    private static AuditRow auditRow(ResultSet rs) throws SQLException {
        return new AuditRow(rs.getLong(1), Instant.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8), rs.getString(9));
    }

    private static Optional<Instant> instant(String text) {
        return text == null ? Optional.empty() : Optional.of(Instant.parse(text));
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }

    private <T> T transaction(String what, SqliteFile.Work<T> work) {
        return SqliteFile.transaction(connection, file, what, work);
    }

    private <T> T transactionRead(String what, SqliteFile.Work<T> work) {
        return SqliteFile.snapshot(connection, file, what, work);
    }

    private <T> T read(String what, SqliteFile.Work<T> work) {
        return SqliteFile.read(file, what, work);
    }
}
