package dev.munero.server;

import dev.munero.core.BuildManager;
import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The runs this server drives, each on its own virtual thread ({@link Runs.Started#run()}), several at once in the
 * same repository and in different ones. On {@link #stopAll} each is asked to pause (as {@code munero pause} does;
 * the run saves its state and is resumable), and the server waits for them. Thread-safe.
 */
final class RunRegistry {
    /** By repository id and run id. */
    private final Map<String, Live> live = new ConcurrentHashMap<>();
    private final List<BiConsumer<ServedRepo, String>> sessionEnded = new CopyOnWriteArrayList<>();
    private final PrintStream log;

    RunRegistry(PrintStream log) {
        this.log = log;
    }

    /** One run being driven. */
    record Live(ServedRepo repo, String runId, Thread thread) { }

    /** Drives {@code started} on a new virtual thread; it leaves the registry when its session ends. */
    void launch(ServedRepo repo, Runs.Started started) {
        String id = started.runId();
        String key = repo.id() + "/" + id; // run ids are unique per repository only
        Thread thread = Thread.ofVirtual().name("munero-run-" + id).unstarted(() -> {
            try {
                BuildManager.Outcome outcome = started.run();
                log.println("munero serve: run " + id + " (" + repo.id() + "): "
                        + outcome.status().name().toLowerCase(java.util.Locale.ROOT) + " — " + outcome.message());
            } catch (RuntimeException | Error e) {
                log.println("munero serve: run " + id + " (" + repo.id() + ") failed: " + e);
            } finally {
                live.remove(key);
                for (BiConsumer<ServedRepo, String> listener : sessionEnded) {
                    listener.accept(repo, id);
                }
            }
        });
        live.put(key, new Live(repo, id, thread));
        thread.start();
    }

    /**
     * Whether this server drives a session of run {@code runId} of {@code repo} now: from {@link #launch} (before the
     * session has begun, while the run is still Paused) until the session has ended and left the registry.
     */
    boolean drives(ServedRepo repo, String runId) {
        return live.containsKey(repo.id() + "/" + runId);
    }

    /**
     * Calls {@code listener} with the repository and run id each time a session this registry drives has ended, after
     * it left the registry ({@link #drives} is false), on the run's thread.
     */
    void onSessionEnded(BiConsumer<ServedRepo, String> listener) {
        sessionEnded.add(listener);
    }

    /** The runs being driven now. */
    List<Live> live() {
        return List.copyOf(live.values());
    }

    /**
     * Asks every run to pause and waits up to {@code wait} for them; a run still going then is interrupted (it
     * pauses as after Ctrl-C) and waited for again as long.
     */
    void stopAll(Duration wait) throws InterruptedException {
        List<Live> runs = live();
        for (Live r : runs) {
            try {
                r.repo().runs().pause(r.runId(), "munero serve stopping");
            } catch (AppException e) {
                // it has just ended: nothing to pause
            }
        }
        long deadline = System.nanoTime() + wait.toNanos();
        for (Live r : runs) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            if (!r.thread().join(Duration.ofMillis(left))) {
                log.println("munero serve: run " + r.runId() + " did not pause within " + wait.toSeconds()
                        + " s; interrupting it");
                r.thread().interrupt();
                r.thread().join(wait);
            }
        }
    }
}
