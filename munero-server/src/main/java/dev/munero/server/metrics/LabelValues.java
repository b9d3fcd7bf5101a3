package dev.munero.server.metrics;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Keeps a label's value set bounded: a value from an open set (model names, repository ids) passes through until
 * {@code cap} distinct values have been seen, after which new ones become {@value #OTHER}; a value outside a closed
 * set ({@code known}) is {@value #OTHER} at once. A null or blank value is {@value #UNKNOWN}. Prometheus keeps one
 * time series per label combination, so one unbounded label (a run id, a step name, a tool a model made up) would
 * grow the server's memory and the monitoring system's without end.
 *
 * <p>Thread-safe.
 */
final class LabelValues {
    /** The value that stands for every value past the cap or outside the known set. */
    static final String OTHER = "other";
    /** The value for a missing one. */
    static final String UNKNOWN = "unknown";

    private final Set<String> known;
    private final int cap;
    private final Set<String> seen = new LinkedHashSet<>();

    private LabelValues(Set<String> known, int cap) {
        this.known = known;
        this.cap = cap;
    }

    /** Values from an open set: the first {@code cap} distinct ones pass, later new ones are {@value #OTHER}. */
    static LabelValues capped(int cap) {
        if (cap < 1) {
            throw new IllegalArgumentException("a label's cap must be at least 1, was " + cap);
        }
        return new LabelValues(null, cap);
    }

    /** Values from a closed set: anything else is {@value #OTHER}. */
    static LabelValues closed(Set<String> known) {
        return new LabelValues(Set.copyOf(known), known.size());
    }

    /** The label value to use for {@code value}. */
    synchronized String of(String value) {
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        if (known != null) {
            return known.contains(value) ? value : OTHER;
        }
        if (seen.contains(value)) {
            return value;
        }
        if (seen.size() < cap) {
            seen.add(value);
            return value;
        }
        return OTHER;
    }
}
