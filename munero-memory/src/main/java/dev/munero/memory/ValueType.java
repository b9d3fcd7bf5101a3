package dev.munero.memory;

import java.util.Locale;

/** How an entry's value is to be read: plain text, or a JSON document (checked to parse when it is put). */
public enum ValueType {
    TEXT, JSON;

    /** The name in the database, the Markdown front matter and JSON output: {@code text} or {@code json}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type named {@code wireName}.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones, when it is neither
     */
    public static ValueType fromWireName(String wireName) {
        for (ValueType type : values()) {
            if (type.wireName().equals(wireName)) {
                return type;
            }
        }
        throw new IllegalArgumentException("value type '" + wireName + "' is not one of text, json");
    }
}
