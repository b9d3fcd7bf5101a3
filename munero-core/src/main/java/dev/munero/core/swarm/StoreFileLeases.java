package dev.munero.core.swarm;

import dev.munero.agent.tools.ToolFailure;
import dev.munero.agent.tools.WriteGuard;
import dev.munero.core.events.RunEvent;
import dev.munero.core.plan.PlanTask;
import dev.munero.store.FileLeaseTable;
import dev.munero.store.Store;
import dev.munero.store.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@link FileLeases} of one session of a run, on the store's {@code file_leases} table (issue 14). Every lease
 * lives {@link #ttl} from its last renewal; while a task holds leases a virtual thread ({@code munero-lease-<task>})
 * renews them every third of the TTL, and stops when the task's leases are released. So a session killed with
 * tasks running leaves rows that expire within one TTL and are then taken over by any run; the run's own next
 * session releases them at once ({@link #releaseRun}).
 *
 * <p>The {@link WriteGuard} of a task asks the table on every write (a write is rare next to a model call): a path
 * the task holds passes (its row renewed); a free path, or one whose row expired, is leased to the task on the spot
 * ({@code lease_acquired}); a path another task holds is refused with a {@link ToolFailure} naming the file, the
 * holder and what to do ({@code lease_conflict} action {@code refused}).
 *
 * <p>Paths are normalized relative to the repository root ('/'-separated, no {@code .} or {@code ..}): a task's
 * worktree has the repository's layout, so its paths are the repository's.
 *
 * <p>Thread-safe: the coordinator acquires and releases, the agents' tools ask their guards, the renewal threads
 * renew, all at once.
 */
public final class StoreFileLeases implements FileLeases {
    /** How long a lease lives without renewal, unless the constructor is given another. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    /** A task holding leases in this session: what its events need, and its renewal thread's stop signal. */
    private record Active(int iteration, Lease lease, CountDownLatch released) { }

    private final FileLeaseTable table;
    private final String runId;
    private final Clock clock;
    private final Duration ttl;
    private final Consumer<RunEvent> events;
    private final Map<String, Active> active = new ConcurrentHashMap<>();
    /** Run after each renewal of a task's rows, with the task's id (tests wait on it instead of sleeping). */
    private volatile Consumer<String> afterRenewal = task -> { };

    /**
     * @param store  the store of the repository's database (every run in the repository shares its table)
     * @param runId  the run of this session
     * @param clock  the time leases are stamped with and expire by
     * @param ttl    how long a lease lives without renewal, positive; renewed every third of it
     * @param events where {@code lease_acquired} and {@code lease_conflict} (refused) go, e.g. the run's emitter;
     *               called on the agent's thread
     * @throws IllegalArgumentException when {@code ttl} is not positive
     */
    public StoreFileLeases(Store store, String runId, Clock clock, Duration ttl, Consumer<RunEvent> events) {
        this.table = store.fileLeases();
        this.runId = Objects.requireNonNull(runId, "runId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.events = Objects.requireNonNull(events, "events");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a lease's time to live must be positive, was " + ttl);
        }
    }

    /** How long a lease lives without renewal. */
    public Duration ttl() {
        return ttl;
    }

    /** Sets what runs after each renewal (with the task's id); for tests, which wait on it. */
    void afterRenewal(Consumer<String> hook) {
        this.afterRenewal = Objects.requireNonNull(hook, "hook");
    }

    /**
     * {@inheritDoc}
     *
     * <p>Granted leases are renewed until {@link #release}. A planned file held by a task of another run is named as
     * {@code <holder> of run <id>}.
     *
     * @throws IllegalArgumentException when a planned file is absolute or leaves the repository ({@code ..})
     * @throws StoreException           when the database cannot be written
     */
    @Override
    public Result tryAcquire(int iteration, PlanTask task, String holder) {
        List<String> files = new ArrayList<>();
        for (String file : task.files()) {
            files.add(normalize(file));
        }
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        return switch (table.acquire(runId, task.id(), holder, files, now, expires)) {
            case FileLeaseTable.Refused refused -> new Held(refused.holder().path(), name(refused.holder()));
            case FileLeaseTable.Granted granted -> {
                Lease lease = new Lease(runId, task.id(), holder, files, expires.toString());
                start(new Active(iteration, lease, new CountDownLatch(1)));
                yield new Granted(lease);
            }
        };
    }

    @Override
    public WriteGuard guard(Lease lease) {
        return path -> beforeWrite(lease, path);
    }

    /**
     * Releases the task's rows (its planned files and those its writes added) and stops their renewal.
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public void release(Lease lease) {
        Active a = active.remove(lease.task());
        if (a != null) {
            a.released().countDown();
        }
        table.release(runId, lease.task());
    }

    /**
     * Releases every row of {@code runId} and stops the renewals of this session's tasks of it.
     *
     * @throws StoreException when the database cannot be written
     */
    @Override
    public void releaseRun(String runId) {
        if (runId.equals(this.runId)) {
            active.values().forEach(a -> a.released().countDown());
            active.clear();
        }
        table.releaseRun(runId);
    }

    private void beforeWrite(Lease lease, String given) throws ToolFailure {
        if (given.equals(".")) {
            return; // the workspace root: the tool refuses to write a directory
        }
        String path;
        try {
            path = normalize(given);
        } catch (IllegalArgumentException e) {
            throw new ToolFailure(e.getMessage() + "; write files inside the repository");
        }
        Active a = active.get(lease.task());
        int iteration = a == null ? 0 : a.iteration();
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        FileLeaseTable.Outcome outcome;
        try {
            outcome = table.acquire(runId, lease.task(), lease.holder(), List.of(path), now, expires);
        } catch (StoreException e) {
            throw new ToolFailure("cannot check the lease of " + path + " (" + e.getMessage() + "); the file was "
                    + "not written, try again");
        }
        switch (outcome) {
            case FileLeaseTable.Granted granted -> {
                if (!granted.taken().isEmpty()) {
                    events.accept(new RunEvent.LeaseAcquired(iteration, lease.task(), granted.taken(),
                            expires.toString()));
                }
            }
            case FileLeaseTable.Refused refused -> {
                String holder = name(refused.holder());
                events.accept(new RunEvent.LeaseConflict(iteration, lease.task(), path, holder, "refused"));
                String whose = refused.holder().runId().equals(runId) ? " of this run" : "";
                throw new ToolFailure(path + " is leased by " + holder + whose + " until it finishes; leave it to "
                        + "that task, or describe the change you need in your summary");
            }
        }
    }

    /** The holder as other tasks are told: a task of another run names the run. */
    private String name(FileLeaseTable.Row row) {
        return row.runId().equals(runId) ? row.holder() : row.holder() + " of run " + row.runId();
    }

    private void start(Active a) {
        Active previous = active.put(a.lease().task(), a);
        if (previous != null) {
            previous.released().countDown();
        }
        long everyMillis = Math.max(1, ttl.toMillis() / 3);
        Thread.ofVirtual().name("munero-lease-" + a.lease().task()).start(() -> {
            try {
                while (!a.released().await(everyMillis, TimeUnit.MILLISECONDS)) {
                    try {
                        table.renew(runId, a.lease().task(), clock.instant().plus(ttl));
                    } catch (StoreException e) {
                        // the next renewal tries again; the guard checks the table on every write anyway
                        continue;
                    }
                    afterRenewal.accept(a.lease().task());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * {@code file} as a lease's path: relative, '/'-separated, without {@code .} segments.
     *
     * @throws IllegalArgumentException when it is absolute, empty or leaves the repository
     */
    static String normalize(String file) {
        String slashed = file.replace('\\', '/');
        Path p = Path.of(slashed).normalize();
        String text = p.toString().replace('\\', '/');
        if (p.isAbsolute() || slashed.startsWith("/") || text.isEmpty() || text.equals("..")
                || text.startsWith("../")) {
            throw new IllegalArgumentException("a leased file must be relative to the repository root and inside it, "
                    + "was '" + file + "'");
        }
        return text;
    }
}
