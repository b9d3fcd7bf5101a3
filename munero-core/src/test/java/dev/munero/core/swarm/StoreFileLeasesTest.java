package dev.munero.core.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.agent.tools.ToolFailure;
import dev.munero.agent.tools.WriteGuard;
import dev.munero.core.events.RunEvent;
import dev.munero.core.plan.PlanTask;
import dev.munero.store.FileLeaseTable;
import dev.munero.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file leases of a session on the store (issue 14): acquire, the write guard, renewal, expiry, release. */
class StoreFileLeasesTest {
    private static final Duration TTL = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-26T20:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();
    private final List<RunEvent> events = new CopyOnWriteArrayList<>();

    private Store store() {
        return Store.open(dir.resolve("munero.db"), clock);
    }

    private StoreFileLeases leases(Store store, String runId) {
        return new StoreFileLeases(store, runId, clock, TTL, events::add);
    }

    private static PlanTask task(String id, String... files) {
        return new PlanTask(id, "do " + id, List.of(files), List.of());
    }

    private static FileLeases.Lease granted(FileLeases.Result r) {
        assertThat(r).isInstanceOf(FileLeases.Granted.class);
        return ((FileLeases.Granted) r).lease();
    }

    @Test
    void aTaskWhosePlannedFileAnotherRunningTaskHoldsIsHeldNamingThatTask() {
        try (Store store = store()) {
            StoreFileLeases leases = leases(store, "r1");
            FileLeases.Lease a = granted(leases.tryAcquire(1, task("parse-config", "src/./a.java", "src/b.java"),
                    "task parse-config (coder-1)"));
            assertThat(a.files()).containsExactly("src/a.java", "src/b.java");
            assertThat(a.expiresAt()).isEqualTo(clock.instant().plus(TTL).toString());

            assertThat(leases.tryAcquire(1, task("other", "src/c.java", "src/b.java"), "task other (coder-2)"))
                    .isEqualTo(new FileLeases.Held("src/b.java", "task parse-config (coder-1)"));
            leases.release(a);
            granted(leases.tryAcquire(1, task("other", "src/c.java", "src/b.java"), "task other (coder-2)"));
        }
    }

    @Test
    void aWriteInsideTheLeasesPassesAFreeFileIsLeasedOnTheSpotAndAHeldFileIsRefusedNamingTheHolder()
            throws Exception {
        try (Store store = store()) {
            StoreFileLeases leases = leases(store, "r1");
            FileLeases.Lease holder = granted(leases.tryAcquire(2, task("parse-config", "src/a.java"),
                    "task parse-config (coder-1)"));
            FileLeases.Lease writer = granted(leases.tryAcquire(2, task("writer", "src/w.java"),
                    "task writer (coder-2)"));
            WriteGuard guard = leases.guard(writer);

            guard.beforeWrite("src/w.java");
            assertThat(events).isEmpty(); // its own planned file: nothing to say
            guard.beforeWrite("src/new.java");
            assertThat(events).containsExactly(new RunEvent.LeaseAcquired(2, "writer", List.of("src/new.java"),
                    clock.instant().plus(TTL).toString()));
            assertThatThrownBy(() -> guard.beforeWrite("src/a.java")).isInstanceOf(ToolFailure.class)
                    .hasMessage("src/a.java is leased by task parse-config (coder-1) of this run until it finishes; "
                            + "leave it to that task, or describe the change you need in your summary");
            assertThat(events.getLast()).isEqualTo(new RunEvent.LeaseConflict(2, "writer", "src/a.java",
                    "task parse-config (coder-1)", "refused"));

            // the file leased on the spot is the writer's until it is released, with its planned ones
            assertThat(leases.tryAcquire(2, task("late", "src/new.java"), "task late (coder-1)"))
                    .isEqualTo(new FileLeases.Held("src/new.java", "task writer (coder-2)"));
            leases.release(writer);
            assertThat(store.fileLeases().list()).extracting(FileLeaseTable.Row::task).containsOnly("parse-config");
            leases.release(holder);
        }
    }

    @Test
    void aFileHeldByATaskOfAnotherRunIsNamedWithThatRun() {
        try (Store store = store()) {
            granted(leases(store, "r-other").tryAcquire(1, task("t", "a.txt"), "task t (agent)"));
            StoreFileLeases mine = leases(store, "r-mine");
            FileLeases.Lease lease = granted(mine.tryAcquire(1, task("u"), "task u (agent)"));

            assertThat(mine.tryAcquire(1, task("v", "a.txt"), "task v (agent)"))
                    .isEqualTo(new FileLeases.Held("a.txt", "task t (agent) of run r-other"));
            assertThatThrownBy(() -> mine.guard(lease).beforeWrite("a.txt"))
                    .hasMessageStartingWith("a.txt is leased by task t (agent) of run r-other until it finishes");
        }
    }

    @Test
    void expiredLeasesOfADeadSessionAreTakenOver() {
        try (Store store = store()) {
            // a session that died: its rows are never renewed nor released
            granted(leases(store, "dead").tryAcquire(1, task("t", "a.txt"), "task t (agent)"));
            StoreFileLeases alive = leases(store, "alive");
            assertThat(alive.tryAcquire(1, task("u", "a.txt"), "task u (agent)")).isInstanceOf(FileLeases.Held.class);

            clock.advance(TTL);

            FileLeases.Lease taken = granted(alive.tryAcquire(1, task("u", "a.txt"), "task u (agent)"));
            assertThat(taken.files()).containsExactly("a.txt");
            assertThat(store.fileLeases().list()).singleElement()
                    .satisfies(row -> assertThat(row.runId()).isEqualTo("alive"));
        }
    }

    @Test
    void aRunningTasksLeasesAreRenewedUntilReleased() throws Exception {
        try (Store store = store()) {
            // a TTL of 300 ms: renewed every 100 ms, on the real time of the renewal thread
            StoreFileLeases leases = new StoreFileLeases(store, "r1", clock, Duration.ofMillis(300), events::add);
            CountDownLatch renewed = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicReference<Instant> wanted = new java.util.concurrent.atomic
                    .AtomicReference<>();
            leases.afterRenewal(task -> {
                if (store.fileLeases().list().getFirst().expiresAt().equals(wanted.get())) {
                    renewed.countDown(); // a renewal that read the moved clock
                }
            });
            FileLeases.Lease lease = granted(leases.tryAcquire(1, task("t", "a.txt"), "task t (agent)"));
            clock.advance(Duration.ofMinutes(1)); // the lease has expired by the clock, unless renewed
            wanted.set(clock.instant().plusMillis(300));

            assertThat(renewed.await(5, TimeUnit.MINUTES)).isTrue();

            assertThat(leases(store, "r2").tryAcquire(1, task("u", "a.txt"), "task u (agent)"))
                    .isInstanceOf(FileLeases.Held.class);
            leases.release(lease);
            assertThat(store.fileLeases().list()).isEmpty();
        }
    }

    @Test
    void releasingTheRunDropsEveryRowOfItAndNoOther() {
        try (Store store = store()) {
            StoreFileLeases first = leases(store, "r1");
            granted(first.tryAcquire(1, task("a", "a.txt"), "task a (agent)"));
            granted(first.tryAcquire(1, task("b", "b.txt"), "task b (agent)"));
            granted(leases(store, "r2").tryAcquire(1, task("c", "c.txt"), "task c (agent)"));

            // the run's next session (after a kill) starts by releasing the run's rows
            leases(store, "r1").releaseRun("r1");

            assertThat(store.fileLeases().list()).extracting(FileLeaseTable.Row::path).containsExactly("c.txt");
        }
    }

    @Test
    void aPlannedFileOutsideTheRepositoryIsRefused() {
        assertThat(StoreFileLeases.normalize("./src//a.java")).isEqualTo("src/a.java");
        assertThat(StoreFileLeases.normalize("src/x/../a.java")).isEqualTo("src/a.java");
        assertThatThrownBy(() -> StoreFileLeases.normalize("../a.java")).hasMessageContaining("inside it");
        assertThatThrownBy(() -> StoreFileLeases.normalize("/etc/passwd")).hasMessageContaining("relative");
    }
}
