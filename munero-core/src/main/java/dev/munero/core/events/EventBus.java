package dev.munero.core.events;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-process bus: {@link #publish} hands each event to every subscriber, in subscription order, on the
 * publishing thread. A subscriber that throws is a bug and the exception propagates.
 *
 * <p>Thread-safe; events published from several threads (parallel agents) may interleave, but each subscriber sees
 * one thread's events in order.
 */
public final class EventBus {
    private final List<Consumer<RunEvent>> subscribers = new CopyOnWriteArrayList<>();

    /** Adds a subscriber; returns a handle that removes it. */
    public AutoCloseable subscribe(Consumer<RunEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** Delivers an event to every subscriber. */
    public void publish(RunEvent event) {
        for (Consumer<RunEvent> s : subscribers) {
            s.accept(event);
        }
    }
}
