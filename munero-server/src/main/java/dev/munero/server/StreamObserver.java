package dev.munero.server;

import dev.munero.core.app.Runs;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sees what the server's event fan-out sees, for metrics: every run event the followers read from the served
 * repositories' logs after the server started (each once, in seq order per run, whether or not a client watches),
 * every event of builds the server runs, and WebSocket clients coming and going. Called on the followers' and the
 * connections' threads, concurrently: implementations must be thread-safe, fast, and must not throw.
 */
public interface StreamObserver {
    /** A run event, read from the log of repository {@code repoId}. */
    default void runEvent(String repoId, Runs.Event event) {
    }

    /**
     * A build event of a build the server runs.
     *
     * @param type    {@code build_started}, {@code step_started}, {@code step_finished}, {@code warning} or
     *                {@code build_finished}
     * @param payload its fields (for {@code step_finished}: the step result, snake_case)
     */
    default void buildEvent(String repoId, String buildId, String type, ObjectNode payload) {
    }

    /** A WebSocket client connected to a stream: {@code kind} is {@code runs} or {@code builds}. */
    default void clientOpened(String kind) {
    }

    /** A WebSocket client left or was closed; {@code code} is the close code (1000 normal, 1008 too slow...). */
    default void clientClosed(String kind, int code) {
    }
}
