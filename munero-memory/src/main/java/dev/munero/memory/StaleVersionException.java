package dev.munero.memory;

import java.util.Objects;

/**
 * A write ({@link MemoryBank#put}, {@link MemoryBank#delete}) expected an entry at a version it is no longer at:
 * another writer got there first. Nothing was written. The writer should read the entry again
 * ({@link MemoryBank#get}), merge, and retry with {@link #currentVersion()}.
 */
public final class StaleVersionException extends Exception {
    private final String namespace;
    private final String key;
    private final long expectedVersion;
    private final long currentVersion;
    private final Author currentAuthor;

    /**
     * @param expectedVersion what the writer expected ({@link PutRequest#ABSENT} for create-only)
     * @param currentVersion  the entry's version now, 0 when it does not exist
     * @param currentAuthor   who wrote the current version ({@link Author#NONE} when it does not exist)
     */
    public StaleVersionException(String namespace, String key, long expectedVersion, long currentVersion,
                                 Author currentAuthor) {
        super(message(namespace, key, expectedVersion, currentVersion, currentAuthor));
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.key = Objects.requireNonNull(key, "key");
        this.expectedVersion = expectedVersion;
        this.currentVersion = currentVersion;
        this.currentAuthor = Objects.requireNonNull(currentAuthor, "currentAuthor");
    }

    private static String message(String namespace, String key, long expected, long current, Author author) {
        String where = namespace + "/" + key;
        String expectedText = expected == PutRequest.ABSENT ? "to be absent" : "at version " + expected;
        if (current == 0) {
            return "memory entry " + where + " was expected " + expectedText + " but does not exist "
                    + "(deleted, or never written); write it with expected version 0 to create it";
        }
        return "memory entry " + where + " was expected " + expectedText + " but is at version " + current
                + ", written by " + author.describe() + "; read it again and retry with expected version " + current;
    }

    public String namespace() {
        return namespace;
    }

    public String key() {
        return key;
    }

    /** The version the writer expected ({@link PutRequest#ABSENT}: none). */
    public long expectedVersion() {
        return expectedVersion;
    }

    /** The entry's version now; 0 when it does not exist. */
    public long currentVersion() {
        return currentVersion;
    }

    /** Who wrote the current version; {@link Author#NONE} when the entry does not exist. */
    public Author currentAuthor() {
        return currentAuthor;
    }
}
