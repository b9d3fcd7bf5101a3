package dev.munero.memory;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One memory entry as stored. Identified by {@code (namespace, key)}; {@code version} starts at 1 and grows by one
 * with every write of the entry.
 *
 * @param id        the database row id (local to one database file: it is not exported)
 * @param namespace {@code project}, {@code run:<id>} or {@code agent:<name>}
 * @param key       the entry's key within its namespace
 * @param kind      what it is: {@code note}, {@code lesson}, or another lower-case word
 * @param value     the value, text or a JSON document per {@code valueType}
 * @param valueType how to read {@code value}
 * @param tags      tags, in the order given, without duplicates
 * @param author    who wrote this version
 * @param createdAt when version 1 was written
 * @param updatedAt when this version was written
 * @param version   1 or more
 */
public record Entry(long id, String namespace, String key, String kind, String value, ValueType valueType,
                    List<String> tags, Author author, Instant createdAt, Instant updatedAt, long version) {
    public Entry {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(valueType, "valueType");
        tags = List.copyOf(tags);
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        if (version < 1) {
            throw new IllegalArgumentException("version " + version + " of " + namespace + "/" + key + " is below 1");
        }
    }
}
