package dev.munero.server.metrics;

import java.time.Duration;

/** The histogram buckets (upper bounds, Prometheus {@code le}) of the duration metrics. */
final class Buckets {
    /** Build steps: from a cache restore (tens of milliseconds) to a long test suite (half an hour). */
    static final Duration[] STEP = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800);
    /** Run phases: from a short plan (seconds) to a long execution (two hours). */
    static final Duration[] PHASE = seconds(1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200);

    private Buckets() {
    }

    private static Duration[] seconds(double... bounds) {
        Duration[] durations = new Duration[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
        }
        return durations;
    }
}
