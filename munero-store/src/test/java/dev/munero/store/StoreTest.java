package dev.munero.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class StoreTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve(".munero").resolve("munero.db");
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    @Test
    void createsAndMigratesANewDatabaseInWalMode() throws Exception {
        try (Store store = Store.open(db(), CLOCK)) {
            assertThat(store.file()).exists();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db());
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("wal");
            }
            try (ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version = '1'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(2)).isTrue();
            }
        }
    }

    @Test
    void reopeningKeepsRunsEventsAndModelCalls() {
        try (Store store = Store.open(db(), CLOCK)) {
            store.createRun("r1", "Initializing", obj().put("spec", "SPEC.md"), obj().put("spec", "SPEC.md"));
            store.append("r1", "state_changed", obj().put("to", "Building"), r -> r.withState("Building"));
            store.putModelCall(new ModelCallRecord("r1", "plan", 0, "d0", obj().put("text", "plan"),
                    obj().put("input_tokens", 10), OptionalDouble.of(0.01), CLOCK.instant()));
        }
        try (Store store = Store.open(db(), CLOCK)) {
            RunRecord run = store.run("r1").orElseThrow();
            assertThat(run.state()).isEqualTo("Building");
            assertThat(run.summary().path("spec").asString()).isEqualTo("SPEC.md");
            assertThat(store.events("r1", 0)).extracting(StoredEvent::type)
                    .containsExactly("run_created", "state_changed");
            assertThat(store.modelCall("r1", "plan", 0)).hasValueSatisfying(call -> {
                assertThat(call.digest()).isEqualTo("d0");
                assertThat(call.costUsd()).hasValue(0.01);
            });
        }
    }

    @Test
    void lessonsOutliveTheirRunAndAreKeptOncePerPosition() {
        try (Store store = Store.open(db(), CLOCK)) {
            store.createRun("r1", "Building", obj(), obj());
            LessonRecord lesson = new LessonRecord("r1", 1, 0, CLOCK.instant(), "test", "CalcTest failed",
                    "add subtracted", "return a + b", List.of("src/Calc.java"), false);
            store.putLessons(List.of(lesson));
            store.putLessons(List.of(new LessonRecord("r1", 1, 0, CLOCK.instant(), "test", "again", "again", "again",
                    List.of(), false), new LessonRecord("r1", 2, 0, CLOCK.instant(), "lint", "w", "y", "f", List.of(),
                    false)));
            store.confirmLessons("r1");
            store.putModelCall(new ModelCallRecord("r1", "task:1:a", 1, "d1", obj(), obj(), OptionalDouble.empty(),
                    CLOCK.instant()));
            store.putModelCall(new ModelCallRecord("r1", "plan", 0, "d0", obj(), obj(), OptionalDouble.of(0.5),
                    CLOCK.instant()));
            assertThat(store.modelCalls("r1")).extracting(ModelCallRecord::scope).containsExactly("plan", "task:1:a");
            assertThat(store.deleteRun("r1")).isTrue();
            List<LessonRecord> kept = store.lessons(10);
            assertThat(kept).hasSize(2).allMatch(LessonRecord::confirmed);
            assertThat(kept).filteredOn(l -> l.iteration() == 1).singleElement().satisfies(l -> {
                assertThat(l.whatFailed()).isEqualTo("CalcTest failed");
                assertThat(l.files()).containsExactly("src/Calc.java");
            });
            assertThat(store.lessons(1)).hasSize(1);
        }
    }

    @Test // issue 11.1
    void aReservationStaysOpenUntilItsCallIsStoredOrSettled() {
        try (Store store = Store.open(db(), CLOCK)) {
            store.createRun("r1", "Building", obj().put("cost_usd", 0.0), obj());
            long completed = store.reserveModelCall("r1", "plan", 0, OptionalDouble.of(0.2));
            long cutOff = store.reserveModelCall("r1", "task:1:a", 0, OptionalDouble.of(0.3));
            long unpriced = store.reserveModelCall("r1", "task:1:a", 1, OptionalDouble.empty());
            assertThat(store.openReservations("r1")).extracting(ReservationRecord::id)
                    .containsExactly(completed, cutOff, unpriced);

            store.putModelCall(new ModelCallRecord("r1", "plan", 0, "d0", obj(), obj(), OptionalDouble.of(0.05),
                    CLOCK.instant()), completed);
            store.cancelReservation(unpriced);
            assertThat(store.openReservations("r1")).singleElement().satisfies(r -> {
                assertThat(r.scope()).isEqualTo("task:1:a");
                assertThat(r.worstCaseUsd()).hasValue(0.3);
            });

            store.appendSettling(cutOff, "r1", "model_call_interrupted", obj().put("worst_case_usd", 0.3),
                    r -> r.withSummary(r.summary().deepCopy().put("cost_usd", 0.35)));
            assertThat(store.openReservations("r1")).isEmpty();
            assertThat(store.run("r1").orElseThrow().summary().path("cost_usd").asDouble()).isEqualTo(0.35);
            // settling twice would count the call twice: refused, and nothing is appended
            assertThatThrownBy(() -> store.appendSettling(cutOff, "r1", "model_call_interrupted", obj(), r -> r))
                    .isInstanceOf(StoreException.class).hasMessageContaining("no cost reservation " + cutOff);
            assertThat(store.events("r1", 0)).extracting(StoredEvent::type)
                    .containsExactly("run_created", "model_call_interrupted");
            assertThat(store.deleteRun("r1")).isTrue();
        }
    }

    @Test // issue 11.4
    void aDatabaseWithARunStuckInCompletingShowsItCompleted() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + java.nio.file.Files
                .createDirectories(db().getParent()).resolve("munero.db"))) {
            org.flywaydb.core.Flyway.configure().dataSource("jdbc:sqlite:" + db(), null, null)
                    .locations("classpath:dev/munero/store/migration").target("2").load().migrate();
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO runs VALUES ('done', 'Completing', '2026-11-20T10:00:00Z', "
                        + "'2026-11-20T10:00:00Z', 2, '{}')");
                s.execute("INSERT INTO runs VALUES ('cut', 'Completing', '2026-11-20T10:00:00Z', "
                        + "'2026-11-20T10:00:00Z', 1, '{}')");
                s.execute("INSERT INTO events (run_id, at, type, payload) VALUES ('done', '2026-11-20T10:00:00Z', "
                        + "'run_completed', '{}')");
            }
        }
        try (Store store = Store.open(db(), CLOCK)) {
            assertThat(store.run("done").orElseThrow().state()).isEqualTo("Completed");
            // killed between the two states: its last session finishes the completion on resume
            assertThat(store.run("cut").orElseThrow().state()).isEqualTo("Completing");
        }
    }

    @Test
    void anAppendMovesTheProjectionToItsEvent() {
        try (Store store = Store.open(db(), CLOCK)) {
            store.createRun("r1", "Building", obj(), obj());

            StoredEvent paused = store.append("r1", "state_changed", obj().put("to", "Paused"),
                    r -> r.withState("Paused"));

            RunRecord run = store.run("r1").orElseThrow();
            assertThat(run.state()).isEqualTo("Paused");
            assertThat(run.lastSeq()).isEqualTo(paused.seq());
            assertThat(store.events("r1", paused.seq() - 1)).containsExactly(paused);
        }
    }

    @Test
    void aFailingProjectionWritesNeitherTheEventNorTheRow() {
        try (Store store = Store.open(db(), CLOCK)) {
            store.createRun("r1", "Building", obj(), obj());

            assertThatThrownBy(() -> store.append("r1", "broken", obj(), r -> {
                throw new IllegalStateException("projection bug");
            })).isInstanceOf(StoreException.class).hasMessageContaining("append broken to run r1")
                    .hasMessageContaining("projection bug");

            assertThat(store.events("r1", 0)).extracting(StoredEvent::type).containsExactly("run_created");
            assertThat(store.run("r1").orElseThrow().state()).isEqualTo("Building");
        }
    }

    @Test
    void appendingToAnUnknownRunFailsNamingIt() {
        try (Store store = Store.open(db(), CLOCK)) {
            assertThatThrownBy(() -> store.append("nope", "tick", obj(), r -> r))
                    .isInstanceOf(StoreException.class).hasMessageContaining("no run nope")
                    .hasMessageContaining(db().toString());
        }
    }

    @Test
    void aModelCallIsKeptOnceWithAnUnknownCostAsEmpty() {
        try (Store store = Store.open(db(), CLOCK)) {
            store.createRun("r1", "Building", obj(), obj());
            store.putModelCall(new ModelCallRecord("r1", "task:1", 0, "first", obj().put("n", 1), obj(),
                    OptionalDouble.empty(), CLOCK.instant()));
            store.putModelCall(new ModelCallRecord("r1", "task:1", 0, "second", obj().put("n", 2), obj(),
                    OptionalDouble.of(1), CLOCK.instant()));

            ModelCallRecord kept = store.modelCall("r1", "task:1", 0).orElseThrow();
            assertThat(kept.digest()).isEqualTo("first");
            assertThat(kept.costUsd()).isEmpty();
            assertThat(store.modelCall("r1", "task:1", 1)).isEmpty();
        }
    }

    @Test
    void deletingARunRemovesItsEventsAndModelCalls() {
        try (Store store = Store.open(db(), CLOCK)) {
            store.createRun("r1", "Building", obj(), obj());
            store.createRun("r2", "Building", obj(), obj());
            store.putModelCall(new ModelCallRecord("r1", "plan", 0, "d", obj(), obj(), OptionalDouble.empty(),
                    CLOCK.instant()));

            assertThat(store.deleteRun("r1")).isTrue();
            assertThat(store.deleteRun("r1")).isFalse();

            assertThat(store.runs()).extracting(RunRecord::id).containsExactly("r2");
            assertThat(store.events("r1", 0)).isEmpty();
            assertThat(store.modelCall("r1", "plan", 0)).isEmpty();
        }
    }

    @Test
    void twoConnectionsOnOneFileAppendWithoutLosingEvents() throws Exception {
        try (Store a = Store.open(db(), Clock.systemUTC()); Store b = Store.open(db(), Clock.systemUTC())) {
            a.createRun("r1", "Building", obj(), obj());
            CountDownLatch start = new CountDownLatch(1);
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Thread> writers = new ArrayList<>();
            for (Store store : List.of(a, b)) {
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    try {
                        for (int i = 0; i < 50; i++) {
                            store.append("r1", "tick", obj(), r -> r);
                        }
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }));
            }
            start.countDown();
            for (Thread writer : writers) {
                writer.join();
            }

            assertThat(failures).isEmpty();
            List<StoredEvent> events = a.events("r1", 0);
            assertThat(events).hasSize(101);
            assertThat(events).extracting(StoredEvent::seq).isSorted().doesNotHaveDuplicates();
            assertThat(b.run("r1").orElseThrow().lastSeq()).isEqualTo(events.getLast().seq());
        }
    }

    @Test
    void aWriterKilledWithSigkillLeavesTheLogAndItsProjectionConsistent() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"),
                AppendForever.class.getName(), db().toString(), "killed").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine(); // skip any JVM warnings before it
            } while (line != null && !line.equals("ready"));
            assertThat(line).as("the child's ready line").isEqualTo("ready");
            // let it get well into appending, then kill it mid-write
            try (Store store = Store.open(db(), Clock.systemUTC())) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (store.run("killed").orElseThrow().lastSeq() < 200 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
            }
            child.destroyForcibly(); // SIGKILL
            assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        }

        try (Store store = Store.open(db(), Clock.systemUTC())) {
            RunRecord run = store.run("killed").orElseThrow();
            List<StoredEvent> events = store.events("killed", 0);
            assertThat(events.size()).isGreaterThanOrEqualTo(200);
            assertThat(run.lastSeq()).isEqualTo(events.getLast().seq());
            long ticks = events.size() - 1;
            assertThat(run.summary().path("ticks").asLong()).isEqualTo(ticks);
            assertThat(events.getLast().payload().path("n").asLong()).isEqualTo(ticks);
        }
    }

    @Test
    void processesThatOpenANewDatabaseAtOnceTakeTurnsMigratingIt() throws Exception {
        // issue 12: munero serve follows a repository while munero run creates its database; Flyway has no lock on
        // SQLite, so two first opens at once failed with SQLITE_BUSY in a migration
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            children.add(new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), OpenAndCreate.class.getName(), db().toString(), "r" + i)
                    .redirectErrorStream(true).start());
        }
        try (Store here = Store.open(db(), Clock.systemUTC())) {
            here.createRun("here", "Building", JSON.createObjectNode(), JSON.createObjectNode());
        }
        for (Process child : children) {
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("the child ends").isTrue();
            assertThat(child.exitValue()).as(output).isZero();
            assertThat(output).contains("ok");
        }
        try (Store store = Store.open(db(), Clock.systemUTC())) {
            assertThat(store.runs()).extracting(RunRecord::id).containsExactlyInAnyOrder("here", "r0", "r1", "r2", "r3");
        }
    }

    @Test
    void agentTasksAreUpsertedFinishedAndSettledByTheNextChecksOnly() { // issue 14
        Instant t0 = CLOCK.instant();
        try (Store store = Store.open(db(), CLOCK)) {
            store.createRun("r1", "Initializing", obj(), obj());
            store.startAgentTask("r1", 1, "a", "coder-1", "coder", t0);
            // a resumed session assigns it again: still one row, now with the new profile and start
            store.startAgentTask("r1", 1, "a", "coder-2", "coder", t0.plusSeconds(5));
            store.finishAgentTask("r1", 1, "a", t0.plusSeconds(7), "finished", OptionalDouble.of(0.25),
                    List.of("src/A.java"));
            store.startAgentTask("r1", 1, "b", "tester", "tester", t0.plusSeconds(8));
            assertThat(store.settleAgentTasks("r1", false)).isEqualTo(1); // b runs: not settled
            store.finishAgentTask("r1", 1, "b", t0.plusSeconds(9), "max-turns", OptionalDouble.empty(), List.of());
            assertThat(store.settleAgentTasks("r1", true)).isEqualTo(1); // a keeps its first checks' outcome
        }
        try (Store store = Store.open(db(), CLOCK)) {
            List<AgentTaskRecord> rows = store.agentTasks();
            assertThat(rows).hasSize(2);
            AgentTaskRecord a = rows.get(0);
            assertThat(a.profile()).isEqualTo("coder-2");
            assertThat(a.durationMs().getAsLong()).isEqualTo(2000);
            assertThat(a.costUsd().getAsDouble()).isEqualTo(0.25);
            assertThat(a.files()).containsExactly("src/A.java");
            assertThat(a.checksPassed()).contains(false);
            AgentTaskRecord b = rows.get(1);
            assertThat(b.condition()).contains("max-turns");
            assertThat(b.costUsd()).isEmpty();
            assertThat(b.checksPassed()).contains(true);
            assertThat(store.deleteRun("r1")).isTrue();
            assertThat(store.agentTasks()).isEmpty();
        }
    }
}
