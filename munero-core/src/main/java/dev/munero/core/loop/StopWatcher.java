package dev.munero.core.loop;

import dev.munero.store.Store;
import dev.munero.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The session's stop watcher: a virtual thread that polls, every 250 ms, for the run's deadline (the session's
 * start plus {@code --timeout}) and for a pause request ({@code pause_requested} in the run's summary, set by
 * {@code munero pause} from any process). When either comes it records why (the first reason wins) and interrupts
 * every enlisted worker thread (the session's thread and each running agent's), which then stop at their next
 * blocking call or {@link #check()}.
 *
 * <p>Invariant: once {@link #reason()} is set it never changes, and every thread enlisted at that moment has been
 * interrupted.
 *
 * <p>Thread-safe: the watcher thread, the session's thread and the agents' threads all use it.
 */
final class StopWatcher {
    private static final long POLL_MILLIS = 250;

    private final Store store;
    private final String runId;
    private final Clock clock;
    private final Instant deadline;
    private final Duration timeout;
    private final AtomicReference<String> reason = new AtomicReference<>();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();

    /**
     * @param deadline when the run must stop (its session's start plus {@code timeout})
     * @param timeout  the run's timeout, for the message
     */
    StopWatcher(Store store, String runId, Clock clock, Instant deadline, Duration timeout) {
        this.store = store;
        this.runId = runId;
        this.clock = clock;
        this.deadline = deadline;
        this.timeout = timeout;
    }

    /** Starts watching on a new virtual thread ({@code munero-run-watch}); interrupt it to stop watching. */
    Thread start() {
        return Thread.ofVirtual().name("munero-run-watch").start(this::watch);
    }

    /** Interrupts the current thread too when the run must stop; until {@link #release()}. */
    void enlist() {
        workers.add(Thread.currentThread());
    }

    /** Stops interrupting the current thread. */
    void release() {
        workers.remove(Thread.currentThread());
    }

    /** Why the run must stop ({@code the timeout of PT1H passed}, {@code a pause was requested}); null until then. */
    String reason() {
        return reason.get();
    }

    /**
     * Returns when the run may go on.
     *
     * @throws InterruptedException when it must stop (the message is the reason) or the thread was interrupted
     */
    void check() throws InterruptedException {
        if (reason.get() != null || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException(reason.get());
        }
    }

    /**
     * The time left until the deadline, positive.
     *
     * @throws InterruptedException when the deadline has passed (the reason is then the timeout)
     */
    Duration timeLeft() throws InterruptedException {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.isNegative() || left.isZero()) {
            reason.compareAndSet(null, timedOut());
            throw new InterruptedException("timeout");
        }
        return left;
    }

    private String timedOut() {
        return "the timeout of " + timeout + " passed";
    }

    private void watch() {
        try {
            while (true) {
                Thread.sleep(POLL_MILLIS);
                String why = null;
                if (!clock.instant().isBefore(deadline)) {
                    why = timedOut();
                } else if (store.run(runId).map(r -> r.summary().path("pause_requested").asBoolean()).orElse(false)) {
                    why = "a pause was requested";
                }
                if (why != null && reason.compareAndSet(null, why)) {
                    workers.forEach(Thread::interrupt);
                    return;
                }
            }
        } catch (InterruptedException | StoreException done) {
            // the session ended
        }
    }
}
