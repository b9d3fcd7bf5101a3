package dev.munero.memory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A write of one entry ({@link MemoryBank#put}).
 *
 * <p>{@code expectedVersion} is the optimistic-concurrency check: the version the writer last read ({@code 1} or
 * more: the write succeeds only if the entry is still at that version), {@link #ABSENT} (create only: the entry must
 * not exist), or {@link #ANY} (no check: last writer wins — for writers that did not read first and accept that).
 *
 * @param namespace       {@code project}, {@code run:<id>} or {@code agent:<name>}
 * @param key             1 to {@value #MAX_KEY_LENGTH} characters, no control characters
 * @param kind            a lower-case word ({@code [a-z][a-z0-9_-]*}): {@code note}, {@code lesson}, ...
 * @param value           the value (at most {@value #MAX_VALUE_CHARS} characters); a JSON document when
 *                        {@code valueType} is {@link ValueType#JSON} (checked by {@link MemoryBank#put})
 * @param valueType       text or JSON
 * @param tags            tags (each 1 to 100 characters, no control characters); duplicates are dropped, order kept
 * @param author          who writes
 * @param expectedVersion the version the writer expects the entry to be at, or {@link #ABSENT}, or {@link #ANY}
 */
public record PutRequest(String namespace, String key, String kind, String value, ValueType valueType,
                         List<String> tags, Author author, long expectedVersion) {
    /** {@code expectedVersion}: no check, the write replaces whatever version is there. */
    public static final long ANY = -1;
    /** {@code expectedVersion}: create only; the write fails when the entry exists. */
    public static final long ABSENT = 0;
    /** The longest key, in characters. */
    public static final int MAX_KEY_LENGTH = 512;
    /** The longest value, in characters (1 MiB of UTF-16 code units). */
    public static final int MAX_VALUE_CHARS = 1 << 20;

    private static final Pattern NAMESPACE = Pattern.compile("project|(run|agent):[^\\s/\\\\]+");
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    public PutRequest {
        checkNamespace(namespace);
        checkKey(key);
        Objects.requireNonNull(kind, "kind");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("kind '" + kind + "' is not a lower-case word "
                    + "([a-z][a-z0-9_-]*, at most 64 characters), e.g. note or lesson");
        }
        Objects.requireNonNull(value, "value");
        if (value.length() > MAX_VALUE_CHARS) {
            throw new IllegalArgumentException("the value of " + namespace + "/" + key + " has " + value.length()
                    + " characters; the most is " + MAX_VALUE_CHARS);
        }
        Objects.requireNonNull(valueType, "valueType");
        tags = normalizedTags(tags);
        Objects.requireNonNull(author, "author");
        if (expectedVersion < ANY) {
            throw new IllegalArgumentException("expected version " + expectedVersion + " of " + namespace + "/" + key
                    + " is not a version (1 or more), ABSENT (0) or ANY (-1)");
        }
    }

    /** A text note in {@code namespace}, no tags, no author, created only if absent. */
    public static PutRequest note(String namespace, String key, String value) {
        return new PutRequest(namespace, key, "note", value, ValueType.TEXT, List.of(), Author.NONE, ABSENT);
    }

    /** This request with another expected version. */
    public PutRequest withExpectedVersion(long version) {
        return new PutRequest(namespace, key, kind, value, valueType, tags, author, version);
    }

    /** This request with another value. */
    public PutRequest withValue(String newValue) {
        return new PutRequest(namespace, key, kind, newValue, valueType, tags, author, expectedVersion);
    }

    /**
     * Checks a namespace: {@code project}, {@code run:<id>} or {@code agent:<name>} (no whitespace, slash or
     * backslash in the id or name).
     *
     * @throws IllegalArgumentException naming the value and the accepted shapes
     */
    public static String checkNamespace(String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace '" + namespace
                    + "' is not project, run:<run id> or agent:<agent name>");
        }
        return namespace;
    }

    /**
     * Checks a key: 1 to {@value #MAX_KEY_LENGTH} characters, no control characters.
     *
     * @throws IllegalArgumentException naming the value and what is wrong
     */
    public static String checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key " + Author.quoted(key) + " has " + key.length()
                    + " characters; a key has 1 to " + MAX_KEY_LENGTH);
        }
        if (key.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("key " + Author.quoted(key) + " contains a control character");
        }
        return key;
    }

    static List<String> normalizedTags(List<String> tags) {
        Objects.requireNonNull(tags, "tags");
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String tag : tags) {
            Objects.requireNonNull(tag, "tag");
            if (tag.isEmpty() || tag.length() > 100 || tag.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("tag " + Author.quoted(tag)
                        + " is not 1 to 100 characters without control characters");
            }
            seen.add(tag);
        }
        return List.copyOf(new ArrayList<>(seen));
    }
}
