package dev.munero.temporal;

import io.temporal.activity.ActivityExecutionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The heartbeat of one activity attempt (issue 16.2): it tells Temporal the worker is alive (every third of the
 * heartbeat time-out, from its own daemon thread) and carries, as the heartbeat's details, the digests of the model
 * calls this activity completed so far, including the ones earlier attempts completed ({@link #previous()}). A
 * retried attempt reads them back and answers those calls from the remote cache.
 *
 * <p>The details are {@link Details}, a list of lower-case hex SHA-256 digests: small (64 bytes a call) whatever the
 * calls' size. Source for the mechanism: Temporal's Java SDK, {@code ActivityExecutionContext#heartbeat} and
 * {@code #getHeartbeatDetails} (the last details recorded by an earlier attempt of the same activity).
 *
 * <p>Thread-safe. {@link #close} stops the thread; use it in try-with-resources around the activity's work.
 */
public final class Heartbeats implements AutoCloseable {
    /** What an activity's heartbeat carries. */
    public record Details(List<String> digests) {
        public Details {
            digests = digests == null ? List.of() : List.copyOf(digests);
        }
    }

    private final ActivityExecutionContext context;
    private final Set<String> previous;
    private final Set<String> completed = new LinkedHashSet<>();
    private final Thread beat;
    private volatile RuntimeException failure;

    /**
     * Starts heartbeating the activity of {@code context} (which must be the calling activity's:
     * {@code Activity.getExecutionContext()} on its thread).
     *
     * @param interval how often to beat; a third of the heartbeat time-out
     */
    public Heartbeats(ActivityExecutionContext context, Duration interval) {
        this.context = context;
        this.previous = new LinkedHashSet<>(context.getHeartbeatDetails(Details.class).map(Details::digests)
                .orElse(List.of()));
        this.completed.addAll(previous);
        this.beat = Thread.ofPlatform().daemon().name("heartbeat-" + context.getInfo().getActivityId()).unstarted(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    send();
                    Thread.sleep(interval);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        beat.start();
    }

    /** The digests of the calls earlier attempts of this activity completed (empty on a first attempt). */
    public Set<String> previous() {
        return Set.copyOf(previous);
    }

    /** Records a completed call's digest and sends it at once, so a kill right after loses nothing. */
    public void completed(String digest) {
        synchronized (completed) {
            completed.add(digest);
        }
        send();
    }

    /**
     * Returns when the activity may go on.
     *
     * @throws RuntimeException what the last heartbeat threw: Temporal's {@code ActivityCompletionException} when
     *                          the activity was cancelled or timed out and must stop
     */
    public void check() {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private void send() {
        List<String> now;
        synchronized (completed) {
            now = new ArrayList<>(completed);
        }
        try {
            context.heartbeat(new Details(now));
        } catch (RuntimeException e) { // cancelled, timed out, or the worker shuts down
            failure = e;
        }
    }

    @Override
    public void close() {
        beat.interrupt();
    }
}
