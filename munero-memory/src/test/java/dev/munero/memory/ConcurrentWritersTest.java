package dev.munero.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writers on separate connections to one file, as separate processes would be: no write is lost. */
class ConcurrentWritersTest {
    @TempDir
    Path dir;

    @Test
    void twoWritersThatReadTheSameVersionCannotBothWrite() throws Exception {
        Path db = dir.resolve("munero.db");
        try (MemoryBank setup = MemoryBank.open(db, Clock.systemUTC())) {
            setup.put(PutRequest.note("project", "plan", "v1"));
        }
        CountDownLatch bothRead = new CountDownLatch(2);
        AtomicInteger stale = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String writer : List.of("a", "b")) {
                futures.add(pool.submit(() -> {
                    try (MemoryBank bank = MemoryBank.open(db, Clock.systemUTC())) {
                        Entry read = bank.get("project", "plan").orElseThrow();
                        bothRead.countDown();
                        bothRead.await(); // both hold version 1 before either writes
                        try {
                            bank.put(new PutRequest("project", "plan", "note", read.value() + "+" + writer,
                                    ValueType.TEXT, List.of(), new Author(writer, null, null), read.version()));
                            written.incrementAndGet();
                        } catch (StaleVersionException e) {
                            assertThat(e.currentVersion()).isEqualTo(2);
                            stale.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(written.get()).isEqualTo(1);
        assertThat(stale.get()).isEqualTo(1);
        try (MemoryBank bank = MemoryBank.open(db, Clock.systemUTC())) {
            Entry end = bank.get("project", "plan").orElseThrow();
            assertThat(end.version()).isEqualTo(2);
            assertThat(end.value()).isIn("v1+a", "v1+b").endsWith("+" + end.author().agent());
        }
    }

    @Test
    void concurrentReadModifyWriteLoopsLoseNoIncrement() throws Exception {
        int writers = 4;
        int increments = 25;
        Path db = dir.resolve("munero.db");
        try (MemoryBank setup = MemoryBank.open(db, Clock.systemUTC())) {
            setup.put(PutRequest.note("project", "counter", "0"));
        }
        CountDownLatch ready = new CountDownLatch(writers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger retries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                String agent = "w" + w;
                futures.add(pool.submit(() -> {
                    try (MemoryBank bank = MemoryBank.open(db, Clock.systemUTC())) {
                        ready.countDown();
                        go.await();
                        for (int i = 0; i < increments; i++) {
                            while (true) {
                                Entry e = bank.get("project", "counter").orElseThrow();
                                String next = Integer.toString(Integer.parseInt(e.value()) + 1);
                                try {
                                    bank.put(new PutRequest("project", "counter", "note", next, ValueType.TEXT,
                                            List.of(), new Author(agent, null, null), e.version()));
                                    break;
                                } catch (StaleVersionException stale) {
                                    retries.incrementAndGet();
                                }
                            }
                        }
                    }
                    return null;
                }));
            }
            ready.await();
            go.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        try (MemoryBank bank = MemoryBank.open(db, Clock.systemUTC())) {
            Entry end = bank.get("project", "counter").orElseThrow();
            assertThat(end.value()).isEqualTo(Integer.toString(writers * increments));
            assertThat(end.version()).isEqualTo(1 + writers * increments);
        }
        System.out.printf("concurrent writers: %d x %d increments, %d stale retries%n", writers, increments,
                retries.get());
    }
}
