package dev.munero.core.config;

import java.util.Objects;

/**
 * A setting's value and where it came from, for {@code munero config} and for error messages.
 *
 * @param value  the value; never null (an absent optional value is an empty {@code Optional*})
 * @param source where the value was taken from: {@code default}, {@code munero.yaml:12} (the line of the key),
 *               {@code env MUNERO_MAX_COST}, a flag such as {@code --budget-usd}, or {@code user config PATH}
 * @param <T>    the value's type
 */
public record Sourced<T>(T value, String source) {
    public Sourced {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
    }
}
