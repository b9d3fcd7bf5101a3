package dev.munero.server.metrics;

import dev.munero.core.app.Runs;

/**
 * Sees each stored run event once a follower has read it from a served repository's event log. The server's event
 * followers call it for every event they read, in seq order per run, from any thread.
 */
@FunctionalInterface
public interface RunEventObserver {
    /**
     * One event of a run.
     *
     * @param repo  the served repository's id (as in {@code GET /api/v1/repos}); a bounded set
     * @param event the stored event, its payload as {@link dev.munero.core.events.RunEvents#payload} wrote it
     */
    void onRunEvent(String repo, Runs.Event event);
}
