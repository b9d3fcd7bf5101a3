package dev.munero.agent.worker;

import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * Maps one CLI's stream events to {@link WorkerEvent}s and records what they say in a {@link StreamState}. Called
 * only with JSON objects that have a string {@code type}; must ignore (with a debug note through
 * {@link StreamState#unknown}) every type it does not know. A field of the wrong shape may throw a
 * {@link RuntimeException}: the state then counts the line as malformed and goes on.
 */
@FunctionalInterface
interface StreamParser {
    void accept(JsonNode event, StreamState state, Consumer<WorkerEvent> out);
}
