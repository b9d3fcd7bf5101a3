package dev.munero.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.sqlite.SQLiteConfig;

/**
 * How Munero's stores ({@link Store}, {@code store.access.AccessStore}) open a SQLite file and write to it: the schema
 * brought up to date by Flyway from a migration location, then one connection in WAL mode ({@code synchronous=NORMAL}:
 * a process crash loses no commit), foreign keys on, waiting up to {@value #BUSY_TIMEOUT_MILLIS} ms for another
 * process's lock; writes in {@code BEGIN IMMEDIATE} transactions.
 *
 * <p>Stateless; the connection it returns is not thread-safe (each store synchronizes its own use).
 */
public final class SqliteFile {
    /** How long a statement waits for another process's lock before failing, in milliseconds. */
    public static final int BUSY_TIMEOUT_MILLIS = 5_000;

    private SqliteFile() {
    }

    /** A unit of work on the connection. */
    public interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * Creates the file's directory, migrates the schema and opens a connection in autocommit mode.
     *
     * @param absolute   the database file, absolute
     * @param migrations the Flyway location, e.g. {@code classpath:dev/munero/store/migration}
     * @throws StoreException when the directory cannot be created, a migration fails (the schema stays at the last
     *                        one that succeeded) or the file cannot be opened; the message names the file
     */
    public static Connection open(Path absolute, String migrations) {
        String url = "jdbc:sqlite:" + absolute;
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the directory of " + absolute + ": " + e.getMessage(), e);
        }
        // Two processes may open a new file at once (munero serve following a repository while munero run creates
        // its database): Flyway has no lock of its own on SQLite, so both would apply V1 and one fail with
        // SQLITE_BUSY or "table already exists". An OS lock on a sibling file makes them take turns; the second
        // then finds the schema up to date. Its connections wait for the other's write lock (busy_timeout).
        Path lockFile = absolute.resolveSibling(absolute.getFileName() + ".migrate.lock");
        synchronized (SqliteFile.class) { // the OS lock is per process: threads of one JVM take turns here
            migrate(absolute, url, migrations, lockFile);
        }
        try {
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
            config.enforceForeignKeys(true);
            config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
            return config.createConnection(url); // autocommit; writes use explicit BEGIN IMMEDIATE
        } catch (SQLException e) {
            throw new StoreException("cannot open " + absolute + ": " + e.getMessage(), e);
        }
    }

    private static void migrate(Path absolute, String url, String migrations, Path lockFile) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            Flyway.configure().dataSource(url + "?busy_timeout=" + BUSY_TIMEOUT_MILLIS, null, null)
                    .locations(migrations)
                    .loggers("slf4j")
                    .load().migrate();
        } catch (FlywayException e) {
            throw new StoreException("cannot bring the schema of " + absolute + " up to date: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StoreException("cannot lock " + lockFile + " to bring the schema of " + absolute
                    + " up to date: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in one write transaction. {@code BEGIN IMMEDIATE} takes the write lock first, so a
     * transaction that reads and then writes never has to upgrade its lock: two processes wait for each other
     * (busy timeout) instead of one failing with SQLITE_BUSY. On any failure it rolls back.
     *
     * @param what what it does, for the error message ("append run_started to run r1")
     * @throws StoreException naming {@code what} and the file, when anything fails (then nothing was written)
     */
    public static <T> T transaction(Connection connection, Path file, String what, Work<T> work) {
        return inTransaction(connection, "BEGIN IMMEDIATE", file, what, work);
    }

    /**
     * Runs {@code work} reading one consistent snapshot ({@code BEGIN DEFERRED}), for reads of several statements.
     *
     * @throws StoreException naming {@code what} and the file
     */
    public static <T> T snapshot(Connection connection, Path file, String what, Work<T> work) {
        return inTransaction(connection, "BEGIN DEFERRED", file, what, work);
    }

    /**
     * Runs {@code work} in autocommit mode: each statement reads a consistent snapshot.
     *
     * @throws StoreException naming {@code what} and the file
     */
    public static <T> T read(Path file, String what, Work<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + " in " + file + ": " + e.getMessage(), e);
        }
    }

    private static <T> T inTransaction(Connection connection, String begin, Path file, String what, Work<T> work) {
        try {
            try (Statement s = connection.createStatement()) {
                s.execute(begin);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + " in " + file + ": " + e.getMessage(), e);
        }
        try {
            T result = work.run();
            try (Statement commit = connection.createStatement()) {
                commit.execute("COMMIT");
            }
            return result;
        } catch (SQLException | RuntimeException e) {
            try (Statement rollback = connection.createStatement()) {
                rollback.execute("ROLLBACK");
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw new StoreException("cannot " + what + " in " + file + ": " + e.getMessage(), e);
        }
    }
}
