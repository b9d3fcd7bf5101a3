package dev.munero.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: a database of an older Munero (schema V4) with lessons; V5 copies them into entries of kind lesson. */
class LessonsMigrationTest {
    @TempDir
    Path dir;

    @Test
    void lessonsOfAnOlderDatabaseBecomeSearchableLessonEntries() throws Exception {
        Path db = dir.resolve(".munero/munero.db");
        Files.createDirectories(db.getParent());
        String url = "jdbc:sqlite:" + db;
        Flyway.configure().dataSource(url, null, null).locations(Store.MIGRATIONS).target("4").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO lessons (run_id, iteration, ordinal, created_at, check_name, what_failed, why,"
                    + " fix, files, confirmed) VALUES ('r1', 2, 0, '2026-11-01T09:00:00Z', 'test',"
                    + " 'CalculatorTest failed', 'divide by zero is not handled', 'return an error for a zero divisor',"
                    + " '[\"src/Calc.java\",\"src/CalcTest.java\"]', 1),"
                    + " ('r2', 1, 3, '2026-11-02T09:00:00Z', 'lint', 'eslint: unused import',"
                    + " 'an import left behind', 'remove it', '[]', 0)");
        }

        try (MemoryBank bank = MemoryBank.open(db, Clock.systemUTC())) {
            List<Entry> lessons = bank.list(Filter.ALL.withKind("lesson"), 10);

            assertThat(lessons).hasSize(2);
            Entry first = bank.get("project", "lesson/r1/2/0").orElseThrow();
            assertThat(first.kind()).isEqualTo("lesson");
            assertThat(first.value()).isEqualTo("What failed: CalculatorTest failed\n"
                    + "Why: divide by zero is not handled\nFix: return an error for a zero divisor");
            assertThat(first.tags()).containsExactly("test", "src/Calc.java", "src/CalcTest.java", "confirmed");
            assertThat(first.author()).isEqualTo(new Author(null, null, "r1"));
            assertThat(first.createdAt()).hasToString("2026-11-01T09:00:00Z");
            assertThat(first.version()).isEqualTo(1);
            Entry second = bank.get("project", "lesson/r2/1/3").orElseThrow();
            assertThat(second.tags()).containsExactly("lint");
            assertThat(bank.search("divisor zero", Filter.ALL.withKind("lesson"), 5).hits())
                    .extracting(h -> h.entry().key()).containsExactly("lesson/r1/2/0");
            assertThat(bank.search("unused import", Filter.ALL, 5).hits())
                    .extracting(h -> h.entry().key()).containsExactly("lesson/r2/1/3");
        }
    }
}
