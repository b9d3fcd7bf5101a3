package dev.munero.server;

import java.util.List;
import java.util.Optional;

/**
 * What a WebSocket stream reads: a run's event log (through {@code Runs.events}) or a build's events (kept by the
 * server). {@link EventConnection} reads the backlog from it, then takes live frames from its queue, which the
 * follower of the source fills. Implementations are thread-safe.
 */
interface EventSource {
    /** Event frames after {@code seq}, oldest first, at most {@code limit}. */
    List<Frame> after(long seq, int limit);

    /** The final state once the source will have no more events (a run that is not running), else empty. */
    Optional<String> ended();

    /**
     * One frame for a client: an event (its {@code seq} and the frame's JSON text), or a note that the source's
     * state changed ({@code seq} 0, {@code text} null, {@code state} the new state).
     */
    record Frame(long seq, String text, String state) {
        static Frame event(long seq, String text) {
            return new Frame(seq, text, null);
        }

        static Frame stateChanged(String state) {
            return new Frame(0, null, state);
        }

        boolean isEvent() {
            return text != null;
        }
    }
}
