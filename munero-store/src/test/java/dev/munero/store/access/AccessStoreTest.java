package dev.munero.store.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessStoreTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("config").resolve("server.db");
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private AccessStore storeWithRows(int rows) {
        AccessStore store = AccessStore.open(db(), CLOCK);
        for (int i = 1; i <= rows; i++) {
            store.appendAudit("ci", "tok_000000000001", "POST /api/v1/runs/r" + i + "/pause", "127.0.0.1", 202);
        }
        return store;
    }

    @Test
    void createsTheServerDatabaseOwnerOnlyWithItsOwnMigrations() throws Exception {
        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            assertThat(store.file()).exists();
        }
        if (db().getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db()))).isEqualTo("rw-------");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT script FROM flyway_schema_history WHERE version = '1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("V1__tokens_and_audit.sql");
        }
    }

    @Test
    void storesTokensByHashAndRevokesThemOnce() {
        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            store.insertToken("tok_000000000001", "ci", "operator", HASH_A);
            store.touchToken("tok_000000000001");

            assertThat(store.revokeToken("tok_000000000001")).get()
                    .satisfies(t -> assertThat(t.revokedAt()).contains(CLOCK.instant()));
            assertThat(store.revokeToken("tok_000000000001")).isEmpty();
            TokenRow row = store.tokens().getFirst();
            assertThat(row.sha256()).isEqualTo(HASH_A);
            assertThat(row.lastUsedAt()).contains(CLOCK.instant());
            assertThat(row.active()).isFalse();
        }
    }

    @Test
    void aRevokedNameCanBeReusedButAnActiveOneCannot() {
        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            store.insertToken("tok_000000000001", "ci", "viewer", HASH_A);

            assertThatThrownBy(() -> store.insertToken("tok_000000000002", "ci", "viewer", HASH_B))
                    .isInstanceOf(StoreException.class).hasMessageContaining("UNIQUE");
            store.revokeToken("tok_000000000001");
            store.insertToken("tok_000000000002", "ci", "viewer", HASH_B);
            assertThat(store.tokens()).hasSize(2);
        }
    }

    @Test
    void chainsAuditRowsFromGenesisAndVerifiesThem() {
        try (AccessStore store = storeWithRows(3)) {
            List<AuditRow> newestFirst = store.audit(10);

            assertThat(newestFirst).extracting(AuditRow::id).containsExactly(3L, 2L, 1L);
            assertThat(newestFirst.get(2).prevHash()).isEqualTo(AuditChain.GENESIS);
            assertThat(newestFirst.get(1).prevHash()).isEqualTo(newestFirst.get(2).hash());
            AuditVerification v = store.verifyAudit();
            assertThat(v.intact()).isTrue();
            assertThat(v.rows()).isEqualTo(3);
            assertThat(v.headHash()).isEqualTo(newestFirst.getFirst().hash());
        }
    }

    @Test
    void refusesUpdateAndDeleteByHandWhileTheTriggersStand() throws Exception {
        storeWithRows(1).close();

        assertThatThrownBy(() -> sql("UPDATE audit SET status = 200 WHERE id = 1"))
                .hasMessageContaining("the audit log is append-only");
        assertThatThrownBy(() -> sql("DELETE FROM audit WHERE id = 1"))
                .hasMessageContaining("the audit log is append-only");
    }

    @Test
    void findsARowEditedByRawSql() throws Exception {
        storeWithRows(4).close();

        sql("DROP TRIGGER audit_no_update", "UPDATE audit SET status = 200 WHERE id = 2");

        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            AuditBreak broken = store.verifyAudit().firstBreak().orElseThrow();
            assertThat(broken.row()).isEqualTo(2);
            assertThat(broken.kind()).isEqualTo(AuditBreak.Kind.EDITED);
            assertThat(broken.detail()).startsWith("row 2 was changed after it was written");
        }
    }

    @Test
    void findsARowEditedWithItsHashRecomputedAtTheNextLink() throws Exception {
        storeWithRows(3).close();
        AuditRow row2;
        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            row2 = store.audit(3).get(1);
        }
        String forged = AuditChain.hash(2, row2.at(), "someone-else", null, row2.action(), row2.remote(), 200,
                row2.prevHash());

        sql("DROP TRIGGER audit_no_update", "UPDATE audit SET who = 'someone-else', token_id = NULL, status = 200, "
                + "hash = '" + forged + "' WHERE id = 2");

        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            AuditBreak broken = store.verifyAudit().firstBreak().orElseThrow();
            assertThat(broken.row()).isEqualTo(3);
            assertThat(broken.kind()).isEqualTo(AuditBreak.Kind.INSERTED);
            assertThat(broken.detail()).contains("does not link to row 2");
        }
    }

    @Test
    void findsAMiddleRowDeletedByRawSql() throws Exception {
        storeWithRows(5).close();

        sql("DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 3");

        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            AuditVerification v = store.verifyAudit();
            assertThat(v.rows()).isEqualTo(4);
            AuditBreak broken = v.firstBreak().orElseThrow();
            assertThat(broken.row()).isEqualTo(4);
            assertThat(broken.kind()).isEqualTo(AuditBreak.Kind.DELETED);
            assertThat(broken.detail()).isEqualTo("row 3 deleted: row 4 follows row 2");
        }
    }

    @Test
    void findsTheFirstRowDeleted() throws Exception {
        storeWithRows(2).close();

        sql("DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 1");

        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            assertThat(store.verifyAudit().firstBreak()).get()
                    .satisfies(b -> assertThat(b.kind()).isEqualTo(AuditBreak.Kind.DELETED))
                    .satisfies(b -> assertThat(b.detail()).isEqualTo("row 1 deleted: row 2 follows nothing"));
        }
    }

    @Test
    void findsTheNewestRowsDeletedThroughTheHead() throws Exception {
        storeWithRows(4).close();

        sql("DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id >= 3");

        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            AuditBreak broken = store.verifyAudit().firstBreak().orElseThrow();
            assertThat(broken.kind()).isEqualTo(AuditBreak.Kind.TRUNCATED);
            assertThat(broken.detail()).startsWith("rows 3 to 4 deleted");
        }
    }

    @Test
    void findsARowAppendedByHand() throws Exception {
        AuditRow last;
        try (AccessStore store = storeWithRows(2)) {
            last = store.audit(1).getFirst();
        }
        String hash = AuditChain.hash(3, last.at(), "ghost", null, "POST /api/v1/runs", "10.0.0.9", 201, last.hash());

        sql("INSERT INTO audit VALUES (3, '" + last.at() + "', 'ghost', NULL, 'POST /api/v1/runs', '10.0.0.9', 201, '"
                + last.hash() + "', '" + hash + "')");

        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            AuditBreak broken = store.verifyAudit().firstBreak().orElseThrow();
            assertThat(broken.kind()).isEqualTo(AuditBreak.Kind.INSERTED);
            assertThat(broken.row()).isEqualTo(3);
        }
    }

    @Test
    void appendsFromManyThreadsFormOneChain() throws Exception {
        try (AccessStore store = AccessStore.open(db(), CLOCK)) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 25; i++) {
                        store.appendAudit("t" + thread, null, "POST /x/" + i, "127.0.0.1", 200);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();

            AuditVerification v = store.verifyAudit();
            assertThat(v.rows()).isEqualTo(200);
            assertThat(v.intact()).as(v.firstBreak().map(AuditBreak::detail).orElse("")).isTrue();
        }
    }

    @Test
    void appendsFromTwoProcessesConnectionsFormOneChain() throws Exception {
        try (AccessStore server = AccessStore.open(db(), CLOCK); AccessStore cli = AccessStore.open(db(), CLOCK)) {
            for (int i = 0; i < 10; i++) {
                (i % 2 == 0 ? server : cli).appendAudit("local", null, "token list", "cli", 0);
            }

            assertThat(server.verifyAudit().intact()).isTrue();
            assertThat(cli.verifyAudit().rows()).isEqualTo(10);
        }
    }
}
