package dev.munero.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file_leases table (issue 14): all-or-none leases, expiry, renewal, release, and races for one path. */
class FileLeaseTableTest {
    private static final Instant NOW = Instant.parse("2026-11-26T20:00:00Z");
    private static final Instant LATER = NOW.plus(Duration.ofMinutes(10));

    @TempDir
    Path dir;

    private Store open() {
        return Store.open(dir.resolve(".munero").resolve("munero.db"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aTaskLeasesAllItsPathsAndAnotherTaskIsRefusedNamingTheHolder() {
        try (Store store = open()) {
            FileLeaseTable leases = store.fileLeases();
            assertThat(leases.acquire("r1", "a", "task a (agent)", List.of("src/A.java", "src/B.java"), NOW, LATER))
                    .isEqualTo(new FileLeaseTable.Granted(List.of("src/A.java", "src/B.java")));

            FileLeaseTable.Outcome refused = leases.acquire("r1", "b", "task b (agent)",
                    List.of("src/C.java", "src/B.java"), NOW, LATER);

            assertThat(refused).isInstanceOfSatisfying(FileLeaseTable.Refused.class, r -> {
                assertThat(r.holder().path()).isEqualTo("src/B.java");
                assertThat(r.holder().task()).isEqualTo("a");
                assertThat(r.holder().holder()).isEqualTo("task a (agent)");
                assertThat(r.holder().expiresAt()).isEqualTo(LATER);
            });
            // all or none: C was not leased to b
            assertThat(leases.list()).extracting(FileLeaseTable.Row::path, FileLeaseTable.Row::task)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("src/A.java", "a"),
                            org.assertj.core.groups.Tuple.tuple("src/B.java", "a"));
        }
    }

    @Test
    void addingAPathItAlreadyHoldsTakesNothingAndRenewsIt() {
        try (Store store = open()) {
            FileLeaseTable leases = store.fileLeases();
            leases.acquire("r1", "a", "task a (agent)", List.of("a.txt"), NOW, LATER);

            Instant muchLater = LATER.plusSeconds(60);
            assertThat(leases.acquire("r1", "a", "task a (agent)", List.of("a.txt", "b.txt"), NOW, muchLater))
                    .isEqualTo(new FileLeaseTable.Granted(List.of("b.txt")));
            assertThat(leases.list()).extracting(FileLeaseTable.Row::expiresAt).containsOnly(muchLater);
        }
    }

    @Test
    void anExpiredRowOfAnotherRunIsTakenOver() {
        try (Store store = open()) {
            FileLeaseTable leases = store.fileLeases();
            leases.acquire("dead-run", "a", "task a (agent)", List.of("a.txt"), NOW.minusSeconds(700),
                    NOW.minusSeconds(100));

            assertThat(leases.acquire("r2", "b", "task b (agent)", List.of("a.txt"), NOW, LATER))
                    .isEqualTo(new FileLeaseTable.Granted(List.of("a.txt")));
            assertThat(leases.list()).singleElement().satisfies(row -> {
                assertThat(row.runId()).isEqualTo("r2");
                assertThat(row.task()).isEqualTo("b");
                assertThat(row.acquiredAt()).isEqualTo(NOW);
            });
        }
    }

    @Test
    void aRowIsHeldUntilTheInstantItExpiresEvenWhenTheTextsDoNotSortAsTimes() {
        try (Store store = open()) {
            FileLeaseTable leases = store.fileLeases();
            // "…:00Z" sorts after "…:00.500Z" as text, though it is earlier as a time
            Instant expiry = Instant.parse("2026-11-26T20:00:01Z");
            leases.acquire("r1", "a", "task a (agent)", List.of("a.txt"), NOW, expiry);

            assertThat(leases.acquire("r1", "b", "task b (agent)", List.of("a.txt"), expiry.minusMillis(500), LATER))
                    .isInstanceOf(FileLeaseTable.Refused.class);
            assertThat(leases.acquire("r1", "b", "task b (agent)", List.of("a.txt"), expiry, LATER))
                    .isInstanceOf(FileLeaseTable.Granted.class);
        }
    }

    @Test
    void renewReleaseAndReleaseRunTouchOnlyTheirRows() {
        try (Store store = open()) {
            FileLeaseTable leases = store.fileLeases();
            leases.acquire("r1", "a", "task a (agent)", List.of("a1", "a2"), NOW, LATER);
            leases.acquire("r1", "b", "task b (agent)", List.of("b1"), NOW, LATER);
            leases.acquire("r2", "a", "task a (agent)", List.of("c1"), NOW, LATER);

            Instant renewed = LATER.plusSeconds(300);
            assertThat(leases.renew("r1", "a", renewed)).isEqualTo(2);
            assertThat(leases.list()).filteredOn(r -> r.expiresAt().equals(renewed))
                    .extracting(FileLeaseTable.Row::path).containsExactly("a1", "a2");

            assertThat(leases.release("r1", "a")).isEqualTo(2);
            assertThat(leases.list()).extracting(FileLeaseTable.Row::path).containsExactly("b1", "c1");
            assertThat(leases.renew("r1", "a", renewed)).isZero(); // a released task's renewal resurrects nothing

            assertThat(leases.releaseRun("r1")).isEqualTo(1);
            assertThat(leases.list()).extracting(FileLeaseTable.Row::path).containsExactly("c1");
        }
    }

    @Test
    void ofTwoThreadsRacingForOnePathExactlyOneWins() throws Exception {
        try (Store store = open()) {
            List<FileLeaseTable.Outcome> outcomes = race(2, i -> store.fileLeases());
            assertThat(outcomes).filteredOn(FileLeaseTable.Granted.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(FileLeaseTable.Refused.class::isInstance).hasSize(1);
            assertThat(store.fileLeases().list()).hasSize(2); // the winner's two paths, none of the loser's
        }
    }

    @Test
    void ofTwoStoresOnOneFileRacingForOnePathExactlyOneWins() throws Exception {
        try (Store first = open(); Store second = open()) {
            List<FileLeaseTable.Outcome> outcomes = race(2, i -> (i == 0 ? first : second).fileLeases());
            assertThat(outcomes).filteredOn(FileLeaseTable.Granted.class::isInstance).hasSize(1);
            FileLeaseTable.Refused refused = outcomes.stream().filter(FileLeaseTable.Refused.class::isInstance)
                    .map(FileLeaseTable.Refused.class::cast).findFirst().orElseThrow();
            assertThat(first.fileLeases().list()).extracting(FileLeaseTable.Row::task)
                    .containsOnly(refused.holder().task());
            assertThat(second.fileLeases().list()).isEqualTo(first.fileLeases().list());
        }
    }

    private interface TableOf {
        FileLeaseTable of(int contender);
    }

    /**
     * Contenders {@code t0}, {@code t1}... each lease {@code shared.txt} plus a path of their own, released at once by
     * one latch after all are ready.
     */
    private static List<FileLeaseTable.Outcome> race(int contenders, TableOf tables) throws Exception {
        CountDownLatch ready = new CountDownLatch(contenders);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<FileLeaseTable.Outcome>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(contenders)) {
            for (int i = 0; i < contenders; i++) {
                int n = i;
                Callable<FileLeaseTable.Outcome> contender = () -> {
                    ready.countDown();
                    assertThat(go.await(5, TimeUnit.MINUTES)).isTrue();
                    return tables.of(n).acquire("r" + n, "t" + n, "task t" + n + " (agent)",
                            List.of("own-" + n + ".txt", "shared.txt"), NOW, LATER);
                };
                futures.add(pool.submit(contender));
            }
            assertThat(ready.await(5, TimeUnit.MINUTES)).isTrue();
            go.countDown();
            List<FileLeaseTable.Outcome> outcomes = new ArrayList<>();
            for (Future<FileLeaseTable.Outcome> f : futures) {
                outcomes.add(f.get(5, TimeUnit.MINUTES));
            }
            return outcomes;
        }
    }
}
