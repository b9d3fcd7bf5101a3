package dev.munero.agent.worker;

/**
 * Receives a worker's events in order, on the thread that reads its stream. Implementations must not throw; a slow
 * listener slows the reading (the CLI then blocks on a full pipe, which the inactivity watchdog does not count as
 * silence only while lines keep coming).
 */
@FunctionalInterface
public interface WorkerListener {
    WorkerListener NONE = event -> { };

    void onEvent(WorkerEvent event);
}
