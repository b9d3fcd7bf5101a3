package dev.munero.core.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.core.app.Access.AuditEntry;
import dev.munero.core.app.Access.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path db() {
        return dir.resolve("server.db");
    }

    private Access open() {
        return Access.open(db(), CLOCK);
    }

    private static void sql(Path db, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @Test
    void theServerDatabaseSitsBesideTheUserConfig() {
        assertThat(Access.database(Map.of("MUNERO_CONFIG", dir.resolve("cfg/config.toml").toString())))
                .isEqualTo(dir.resolve("cfg/server.db"));
        assertThat(Access.database(Map.of("HOME", dir.toString())))
                .isEqualTo(dir.resolve(".config/munero/server.db"));
    }

    @Test
    void aCreatedTokenIsA256BitSecretStoredOnlyAsItsHash() throws Exception {
        try (Access access = open()) {
            Access.Created created = access.create("ci", Role.OPERATOR);

            assertThat(created.secret()).matches("mun_[A-Za-z0-9_-]{43}");
            assertThat(created.token().id()).matches("tok_[0-9a-f]{12}");
            assertThat(created.toString()).doesNotContain(created.secret());
            assertThat(access.authenticate(created.secret())).get()
                    .satisfies(t -> assertThat(t.role()).isEqualTo(Role.OPERATOR));
        }
        byte[] file = Files.readAllBytes(db());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT sha256 FROM tokens")) {
            rs.next();
            assertThat(rs.getString(1)).matches("[0-9a-f]{64}");
        }
        assertThat(new String(file, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("mun_");
    }

    @Test
    void twoTokensNeverShareASecret() {
        try (Access access = open()) {
            assertThat(access.create(null, Role.VIEWER).secret()).isNotEqualTo(access.create(null, Role.VIEWER).secret());
            assertThat(access.list()).extracting(Access.Token::name).allMatch(n -> n.matches("viewer-[0-9a-f]{6}"));
        }
    }

    @Test
    void authenticationRecordsTheLastUseAndRejectsUnknownMalformedAndRevokedTokens() {
        try (Access access = open()) {
            Access.Created created = access.create("laptop", Role.VIEWER);
            assertThat(access.list().getFirst().lastUsedAt()).isEmpty();

            assertThat(access.authenticate(created.secret())).isPresent();
            assertThat(access.list().getFirst().lastUsedAt()).contains(CLOCK.instant());
            assertThat(access.authenticate(created.secret() + "x")).isEmpty();
            assertThat(access.authenticate("")).isEmpty();
            assertThat(access.authenticate("x".repeat(10_000))).isEmpty();

            access.revoke("laptop");
            assertThat(access.authenticate(created.secret())).isEmpty();
        }
    }

    @Test
    void theLastUseIsWrittenAtMostOnceASecond() {
        Instant start = Instant.parse("2026-11-26T10:00:00Z");
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(start);
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        try (Access access = Access.open(db(), moving)) {
            String secret = access.create("ci", Role.VIEWER).secret();

            access.authenticate(secret);
            now.set(start.plusMillis(500));
            access.authenticate(secret);
            assertThat(access.list().getFirst().lastUsedAt()).contains(start);
            now.set(start.plusMillis(1500));
            access.authenticate(secret);
            assertThat(access.list().getFirst().lastUsedAt()).contains(start.plusMillis(1500));
        }
    }

    @Test
    void aTokenRevokedByAnotherProcessStopsAuthenticatingAtTheNextRequest() {
        try (Access server = open(); Access cli = open()) {
            Access.Created created = cli.create("ci", Role.OPERATOR);
            assertThat(server.authenticate(created.secret())).isPresent();

            cli.revoke(created.token().id());

            assertThat(server.authenticate(created.secret())).isEmpty();
        }
    }

    @Test
    void rolesIncludeTheOnesBelowThem() {
        assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.VIEWER)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.ADMIN)).isFalse();
        assertThat(Role.VIEWER.includes(Role.OPERATOR)).isFalse();
        assertThat(Role.parse("admin")).isEqualTo(Role.ADMIN);
        assertThatThrownBy(() -> Role.parse("root")).isInstanceOf(AppException.class)
                .hasMessage("unknown role 'root': use viewer, operator or admin");
    }

    @Test
    void badNamesDuplicatesAndUnknownTokensAreClearErrors() {
        try (Access access = open()) {
            access.create("ci", Role.VIEWER);

            assertThatThrownBy(() -> access.create("ci", Role.ADMIN))
                    .isInstanceOfSatisfying(AppException.class, e -> assertThat(e.kind()).isEqualTo(AppException.Kind.CONFLICT))
                    .hasMessageContaining("a token named 'ci' exists");
            assertThatThrownBy(() -> access.create("has space", Role.ADMIN))
                    .isInstanceOfSatisfying(AppException.class, e -> assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID));
            assertThatThrownBy(() -> access.create("tok_abc", Role.ADMIN)).isInstanceOf(AppException.class);
            assertThatThrownBy(() -> access.revoke("nope"))
                    .isInstanceOfSatisfying(AppException.class, e -> assertThat(e.kind()).isEqualTo(AppException.Kind.NOT_FOUND))
                    .hasMessage("no token 'nope': munero token list shows the tokens by name and id");
            access.revoke("ci");
            assertThatThrownBy(() -> access.revoke("ci")).hasMessage("token 'ci' is already revoked");
            assertThat(access.create("ci", Role.ADMIN).token().name()).isEqualTo("ci");
        }
    }

    @Test
    void tokenManagementIsAuditedWithoutTheSecret() {
        try (Access access = open()) {
            Access.Created created = access.create("ci", Role.OPERATOR);
            access.revoke("ci");

            assertThat(access.audit(10)).extracting(Access.AuditRecord::action)
                    .containsExactly("token revoke ci", "token create ci (operator)");
            assertThat(access.audit(10)).allSatisfy(r -> {
                assertThat(r.who()).isEqualTo(Access.LOCAL);
                assertThat(r.remote()).isEqualTo(Access.CLI);
                assertThat(r.tokenId()).contains(created.token().id());
                assertThat(r.toString()).doesNotContain(created.secret());
            });
        }
    }

    @Test
    void verifyReportsTheFirstEditedRowAfterRawSqlTampering() throws Exception {
        try (Access access = open()) {
            for (int i = 0; i < 5; i++) {
                access.audit(new AuditEntry("ci", Optional.empty(), "POST /api/v1/runs", "127.0.0.1", 201));
            }
            assertThat(access.verify().intact()).isTrue();
        }

        sql(db(), "DROP TRIGGER audit_no_update", "UPDATE audit SET remote = '10.1.2.3' WHERE id = 4");

        try (Access access = open()) {
            Access.Verification v = access.verify();
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBreak()).get().satisfies(b -> {
                assertThat(b.row()).isEqualTo(4);
                assertThat(b.kind()).isEqualTo("edited");
            });
        }
    }

    @Test
    void verifyReportsADeletedRow() throws Exception {
        try (Access access = open()) {
            for (int i = 0; i < 5; i++) {
                access.audit(new AuditEntry("ci", Optional.empty(), "POST /api/v1/runs", "127.0.0.1", 201));
            }
        }

        sql(db(), "DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 2");

        try (Access access = open()) {
            assertThat(access.verify().firstBreak()).get().satisfies(b -> {
                assertThat(b.row()).isEqualTo(3);
                assertThat(b.kind()).isEqualTo("deleted");
                assertThat(b.detail()).isEqualTo("row 2 deleted: row 3 follows row 1");
            });
        }
    }

    @Test
    void aDatabaseThatCannotBeOpenedIsUnavailableNamingTheFile() throws Exception {
        Path notADirectory = dir.resolve("file");
        Files.writeString(notADirectory, "x");

        assertThatThrownBy(() -> Access.open(notADirectory.resolve("server.db"), CLOCK))
                .isInstanceOfSatisfying(AppException.class,
                        e -> assertThat(e.kind()).isEqualTo(AppException.Kind.UNAVAILABLE))
                .hasMessageContaining(notADirectory.toString());
    }
}
