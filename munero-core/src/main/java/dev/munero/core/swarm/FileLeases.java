package dev.munero.core.swarm;

import dev.munero.agent.tools.WriteGuard;
import dev.munero.core.plan.PlanTask;
import java.util.List;

/**
 * File leases (issue 14): a task leases the files it plans to edit before it starts, so two running tasks never hold
 * the same file; its write tools ask its {@link #guard} before every write. {@link #none()} is a run without leases.
 *
 * <p>Implementations are thread-safe: the coordinator acquires and releases, the agents' tools ask the guards.
 */
public interface FileLeases {
    /** The outcome of {@link #tryAcquire}. */
    sealed interface Result { }

    /** Every planned file is now leased to the task. */
    record Granted(Lease lease) implements Result { }

    /** Another task holds {@code file}; nothing was leased. */
    record Held(String file, String holder) implements Result { }

    /**
     * A task's leases, released together.
     *
     * @param files     the files leased when the task started, relative to the repository root
     * @param expiresAt ISO-8601 instant, UTC, when the leases expire unless renewed; empty for {@link #none()}
     */
    record Lease(String runId, String task, String holder, List<String> files, String expiresAt) {
        public Lease {
            files = List.copyOf(files);
        }
    }

    /**
     * Leases every file {@code task} plans to edit ({@link PlanTask#files()}), all or none.
     *
     * @param holder who holds them, for other tasks' messages, e.g. {@code task parse-config (coder-1)}
     */
    Result tryAcquire(int iteration, PlanTask task, String holder);

    /** The write guard of the task's tools: writes inside its leases pass; others try to lease the file first. */
    WriteGuard guard(Lease lease);

    /** Releases the task's leases (also those added by its writes). */
    void release(Lease lease);

    /** Releases every lease of {@code runId}: a session starting again after a crash. */
    void releaseRun(String runId);

    /** No leases: every acquire is granted with nothing leased, every write allowed. */
    static FileLeases none() {
        return new FileLeases() {
            @Override
            public Result tryAcquire(int iteration, PlanTask task, String holder) {
                return new Granted(new Lease("", task.id(), holder, List.of(), ""));
            }

            @Override
            public WriteGuard guard(Lease lease) {
                return WriteGuard.NONE;
            }

            @Override
            public void release(Lease lease) {
            }

            @Override
            public void releaseRun(String runId) {
            }
        };
    }
}
