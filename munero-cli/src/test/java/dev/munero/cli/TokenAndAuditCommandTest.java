package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TokenAndAuditCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path home;

    private Map<String, String> env() {
        return Map.of("HOME", home.toString());
    }

    private Cli.Result munero(String... args) {
        return Cli.run(home, env(), args);
    }

    private Path serverDb() {
        return home.resolve(".config/munero/server.db");
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + serverDb()); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @Test
    void createPrintsTheTokenAloneOnStdoutOnceAndListNeverShowsIt() {
        // when
        Cli.Result created = munero("token", "create", "--role", "operator", "--name", "ci");
        Cli.Result list = munero("token", "list");

        // then
        assertThat(created.exitCode()).as(created.all()).isZero();
        String secret = created.out().strip();
        assertThat(secret).matches("mun_[A-Za-z0-9_-]{43}");
        assertThat(created.err()).contains("Made token 'ci' (tok_", "role operator", "shown this once",
                serverDb().toString());
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("ID", "NAME", "ROLE", "ci", "operator", "never", "active")
                .doesNotContain(secret);
        assertThat(list.out().lines()).hasSize(2);
    }

    @Test
    void createAndListSpeakJson() {
        JsonNode created = JSON.readTree(munero("token", "create", "--role", "viewer", "--json").out());
        JsonNode listed = JSON.readTree(munero("token", "list", "--json").out());

        assertThat(created.get("token").asString()).startsWith("mun_");
        assertThat(created.get("role").asString()).isEqualTo("viewer");
        assertThat(created.get("name").asString()).matches("viewer-[0-9a-f]{6}");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asString()).isEqualTo(created.get("id").asString());
        assertThat(listed.get(0).has("token")).isFalse();
        assertThat(listed.get(0).get("revoked_at").isNull()).isTrue();
    }

    @Test
    void revokeByNameOrIdAndClearErrorsForWhatIsNotThere() {
        munero("token", "create", "--role", "admin", "--name", "ops");
        String id = JSON.readTree(munero("token", "create", "--role", "viewer", "--name", "dash", "--json").out())
                .get("id").asString();

        Cli.Result byName = munero("token", "revoke", "ops");
        Cli.Result byId = munero("token", "revoke", id);
        Cli.Result again = munero("token", "revoke", "ops");
        Cli.Result unknown = munero("token", "revoke", "nobody");

        assertThat(byName.exitCode()).isZero();
        assertThat(byName.out()).startsWith("Revoked token 'ops' (tok_");
        assertThat(byId.out()).startsWith("Revoked token 'dash' (" + id + ")");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).isEqualTo("munero: error: token 'ops' is already revoked\n");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no token 'nobody'");
        assertThat(munero("token", "list").out()).contains("revoked");
    }

    @Test
    void badRoleAndNameInUseExitTwoWithTheReason() {
        munero("token", "create", "--role", "viewer", "--name", "ci");

        Cli.Result badRole = munero("token", "create", "--role", "root");
        Cli.Result taken = munero("token", "create", "--role", "viewer", "--name", "ci");
        Cli.Result noRole = munero("token", "create");

        assertThat(badRole.exitCode()).isEqualTo(2);
        assertThat(badRole.err()).isEqualTo("munero: error: unknown role 'root': use viewer, operator or admin\n");
        assertThat(taken.exitCode()).isEqualTo(2);
        assertThat(taken.err()).contains("a token named 'ci' exists");
        assertThat(noRole.exitCode()).isEqualTo(2);
        assertThat(noRole.err()).contains("Missing required option: '--role=ROLE'");
    }

    @Test
    void auditListsTokenManagementOldestFirstAndVerifies() {
        String secret = munero("token", "create", "--role", "operator", "--name", "ci").out().strip();
        munero("token", "revoke", "ci");

        Cli.Result audit = munero("audit");
        JsonNode json = JSON.readTree(munero("audit", "--json", "--limit", "1").out());
        Cli.Result verify = munero("audit", "--verify");

        assertThat(audit.exitCode()).as(audit.all()).isZero();
        assertThat(audit.out().lines().skip(1).map(String::strip))
                .satisfiesExactly(l -> assertThat(l).startsWith("1 ").contains("local", "cli", "token create ci (operator)"),
                        l -> assertThat(l).startsWith("2 ").endsWith("token revoke ci"));
        assertThat(audit.all()).doesNotContain(secret);
        assertThat(json).hasSize(1);
        assertThat(json.get(0).get("id").asLong()).isEqualTo(2);
        assertThat(json.get(0).get("hash").asString()).hasSize(64);
        assertThat(verify.exitCode()).isZero();
        assertThat(verify.out()).startsWith("The audit log is intact: 2 rows, every hash and link checks out.");
    }

    @Test
    void verifyExitsOneAndPrintsTheRowEditedByRawSql() throws Exception {
        for (String name : new String[] {"a", "b", "c"}) {
            munero("token", "create", "--role", "viewer", "--name", name);
        }

        sql("DROP TRIGGER audit_no_update", "UPDATE audit SET who = 'mallory' WHERE id = 2");
        Cli.Result verify = munero("audit", "--verify");
        JsonNode json = JSON.readTree(munero("audit", "--verify", "--json").out());

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).startsWith("munero: error: the audit log is broken at row 2 (edited): row 2 was "
                + "changed after it was written");
        assertThat(verify.err()).contains("mallory", "token create b (viewer)");
        assertThat(json.get("intact").asBoolean()).isFalse();
        assertThat(json.get("first_break").get("row").asLong()).isEqualTo(2);
        assertThat(json.get("first_break").get("found").get("who").asString()).isEqualTo("mallory");
    }

    @Test
    void verifyExitsOneWhenARowWasDeletedByRawSql() throws Exception {
        for (String name : new String[] {"a", "b", "c"}) {
            munero("token", "create", "--role", "viewer", "--name", name);
        }

        sql("DROP TRIGGER audit_no_delete", "DELETE FROM audit WHERE id = 2");
        Cli.Result verify = munero("audit", "--verify");

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.err()).startsWith("munero: error: the audit log is broken at row 3 (deleted): row 2 deleted: "
                + "row 3 follows row 1");
    }

    @Test
    void auditWithoutAServerDatabaseSaysSoAndCreatesNothing() {
        Cli.Result audit = munero("audit", "--verify");

        assertThat(audit.exitCode()).isEqualTo(2);
        assertThat(audit.err()).startsWith("munero: error: no server database at " + serverDb());
        assertThat(serverDb()).doesNotExist();
    }
}
