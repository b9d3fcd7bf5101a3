package dev.munero.store;

/**
 * The store could not be opened, migrated, read or written. The message names the database file and the
 * operation; the cause is the {@link java.sql.SQLException} or Flyway's exception. Unchecked: callers cannot
 * recover beyond reporting it, and the data stays as the last committed transaction left it.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
