package dev.munero.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The {@code file_leases} table (migration V6, issue 14): one row per leased file, held by one (run, task) until it is
 * released or its {@code expires_at} passes. Two running tasks never hold the same file: {@link #acquire} takes a set
 * of paths all or none in one {@code BEGIN IMMEDIATE} transaction, so of two threads or processes racing for a path
 * exactly one gets it. A row whose expiry has passed (its holder died without releasing) is taken over.
 *
 * <p>Times are compared as instants in Java, not as text in SQL ({@link Instant#toString()} drops zero fractions,
 * so two instants' texts do not sort by time).
 *
 * <p>Thread-safe: it uses its {@link Store}'s connection under the store's lock. Other processes may hold other
 * connections on the same file; SQLite serialises the transactions.
 */
public final class FileLeaseTable {
    /**
     * One leased file.
     *
     * @param path       relative to the repository root, '/'-separated
     * @param holder     who holds it, for messages, e.g. {@code task parse-config (coder-1)}
     * @param acquiredAt when the (run, task) first leased it
     * @param expiresAt  when it may be taken over unless renewed
     */
    public record Row(String path, String runId, String task, String holder, Instant acquiredAt, Instant expiresAt) {
        public Row {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(holder, "holder");
        }
    }

    /** The outcome of {@link #acquire}. */
    public sealed interface Outcome { }

    /**
     * Every path asked for is now leased to the (run, task), with the new expiry.
     *
     * @param taken the paths it did not hold before (new rows, or rows taken over from an expired holder), in the
     *              order asked; empty when it held them all already
     */
    public record Granted(List<String> taken) implements Outcome {
        public Granted {
            taken = List.copyOf(taken);
        }
    }

    /** Another (run, task) holds {@code holder.path()} until {@code holder.expiresAt()}; nothing was leased. */
    public record Refused(Row holder) implements Outcome { }

    private final Store store;
    private final Connection connection;
    private final Path file;

    FileLeaseTable(Store store, Connection connection, Path file) {
        this.store = store;
        this.connection = connection;
        this.file = file;
    }

    /**
     * Leases {@code paths} to ({@code runId}, {@code task}), all or none: refused when another (run, task) holds one
     * of them and its row has not expired at {@code now}; otherwise every path's row becomes this task's (expired
     * rows of others are taken over, its own rows get the new expiry).
     *
     * @param paths     normalized paths relative to the repository root; may be empty (then it is granted, nothing
     *                  taken)
     * @param expiresAt the rows' expiry, after {@code now}
     * @return {@link Granted} with the newly taken paths, or {@link Refused} naming the first row in the way
     * @throws StoreException when the database cannot be read or written (then nothing changed)
     */
    public Outcome acquire(String runId, String task, String holder, Collection<String> paths, Instant now,
                           Instant expiresAt) {
        List<String> wanted = List.copyOf(new LinkedHashSet<>(paths));
        synchronized (store) {
            return SqliteFile.transaction(connection, file, "lease " + wanted + " to task " + task + " of run "
                    + runId, () -> {
                List<String> taken = new ArrayList<>();
                List<Row> existing = new ArrayList<>();
                for (String path : wanted) {
                    Row row = row(path);
                    if (row == null) {
                        taken.add(path);
                    } else if (row.runId().equals(runId) && row.task().equals(task)) {
                        existing.add(row);
                    } else if (row.expiresAt().isAfter(now)) {
                        return new Refused(row);
                    } else {
                        taken.add(path);
                    }
                }
                try (PreparedStatement put = connection.prepareStatement("INSERT OR REPLACE INTO file_leases "
                        + "(path, run_id, task, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    for (String path : taken) {
                        put.setString(1, path);
                        put.setString(2, runId);
                        put.setString(3, task);
                        put.setString(4, holder);
                        put.setString(5, now.toString());
                        put.setString(6, expiresAt.toString());
                        put.executeUpdate();
                    }
                }
                try (PreparedStatement renew = connection.prepareStatement(
                        "UPDATE file_leases SET expires_at = ? WHERE path = ?")) {
                    for (Row row : existing) {
                        renew.setString(1, expiresAt.toString());
                        renew.setString(2, row.path());
                        renew.executeUpdate();
                    }
                }
                return new Granted(taken);
            });
        }
    }

    /**
     * Gives every row of ({@code runId}, {@code task}) the expiry {@code expiresAt}: a running task renews its leases
     * before they expire.
     *
     * @return how many rows were renewed (0 when the task holds none: released, or taken over after expiring)
     * @throws StoreException when the database cannot be written
     */
    public int renew(String runId, String task, Instant expiresAt) {
        synchronized (store) {
            return SqliteFile.transaction(connection, file, "renew the leases of task " + task + " of run " + runId,
                    () -> {
                        try (PreparedStatement update = connection.prepareStatement(
                                "UPDATE file_leases SET expires_at = ? WHERE run_id = ? AND task = ?")) {
                            update.setString(1, expiresAt.toString());
                            update.setString(2, runId);
                            update.setString(3, task);
                            return update.executeUpdate();
                        }
                    });
        }
    }

    /**
     * Deletes every row of ({@code runId}, {@code task}).
     *
     * @return how many rows were deleted
     * @throws StoreException when the database cannot be written
     */
    public int release(String runId, String task) {
        synchronized (store) {
            return SqliteFile.transaction(connection, file, "release the leases of task " + task + " of run "
                    + runId, () -> {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM file_leases WHERE run_id = ? AND task = ?")) {
                    delete.setString(1, runId);
                    delete.setString(2, task);
                    return delete.executeUpdate();
                }
            });
        }
    }

    /**
     * Deletes every row of {@code runId}, whichever task holds it: a session of the run starts again after a crash,
     * or ends with tasks still leased.
     *
     * @return how many rows were deleted
     * @throws StoreException when the database cannot be written
     */
    public int releaseRun(String runId) {
        synchronized (store) {
            return SqliteFile.transaction(connection, file, "release the leases of run " + runId, () -> {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM file_leases WHERE run_id = ?")) {
                    delete.setString(1, runId);
                    return delete.executeUpdate();
                }
            });
        }
    }

    /**
     * Every row, expired or not, by path.
     *
     * @throws StoreException when the database cannot be read
     */
    public List<Row> list() {
        synchronized (store) {
            return SqliteFile.read(file, "list the file leases", () -> {
                List<Row> rows = new ArrayList<>();
                try (PreparedStatement q = connection.prepareStatement("SELECT path, run_id, task, holder, "
                        + "acquired_at, expires_at FROM file_leases ORDER BY path");
                     ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                    }
                }
                return rows;
            });
        }
    }

    private Row row(String path) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement("SELECT path, run_id, task, holder, acquired_at, "
                + "expires_at FROM file_leases WHERE path = ?")) {
            q.setString(1, path);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Instant.parse(rs.getString(5)), Instant.parse(rs.getString(6)));
    }
}
