package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.memory.Author;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code munero memory ...} on a real database, in process: text and --json output, exit codes (issue 14). */
class MemoryCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path repo;

    private Cli.Result munero(String... args) {
        return Cli.run(repo, Map.of("HOME", repo.toString(), "USER", "ada"), args);
    }

    @Test
    void putThenShowListSearchStatsAndDeleteAnEntryWithJson() {
        Cli.Result put = munero("memory", "put", "build/tests", "run the tests with mvn verify -o", "--tag", "build",
                "--json");
        assertThat(put.exitCode()).as("%s", put).isZero();
        JsonNode stored = JSON.readTree(put.out());
        assertThat(stored.path("namespace").asString()).isEqualTo("project");
        assertThat(stored.path("version").asLong()).isEqualTo(1);
        assertThat(stored.path("value_type").asString()).isEqualTo("text");
        assertThat(stored.at("/author/agent").asString()).isEqualTo("user:ada"); // who wrote it from the CLI

        JsonNode shown = JSON.readTree(munero("memory", "show", "build/tests", "--json").out());
        assertThat(shown.path("value").asString()).isEqualTo("run the tests with mvn verify -o");
        assertThat(shown.path("tags").toString()).isEqualTo("[\"build\"]");

        JsonNode listed = JSON.readTree(munero("memory", "list", "--json").out());
        assertThat(listed).extracting(e -> e.path("key").asString()).containsExactly("build/tests");

        JsonNode found = JSON.readTree(munero("memory", "search", "how", "to", "run", "tests", "--json").out());
        assertThat(found.path("mode").asString()).isEqualTo("full-text");
        assertThat(found.path("hits").get(0).at("/entry/key").asString()).isEqualTo("build/tests");
        assertThat(found.path("hits").get(0).path("bm25").asDouble()).isPositive();
        assertThat(munero("memory", "search", "tests").out()).startsWith("1 hit (full-text search)")
                .contains("project/build/tests (note, version 1, by agent user:ada) tags: build");

        JsonNode stats = JSON.readTree(munero("memory", "stats", "--json").out());
        assertThat(stats.path("entries").asLong()).isEqualTo(1);
        assertThat(stats.at("/by_kind/note").asLong()).isEqualTo(1);

        Cli.Result deleted = munero("memory", "delete", "build/tests", "--expected-version", "1");
        assertThat(deleted.exitCode()).as("%s", deleted).isZero();
        assertThat(deleted.out()).isEqualTo("deleted project/build/tests\n");
        assertThat(JSON.readTree(munero("memory", "list", "--json").out())).isEmpty();
    }

    @Test
    void aStaleExpectedVersionIsAConflictNamingTheCurrentVersionAndAuthorWithExitCode2() {
        // given an entry an agent wrote twice
        try (MemoryBank bank = MemoryBank.open(repo.resolve(".munero/munero.db"), Clock.systemUTC())) {
            PutRequest first = new PutRequest("project", "notes/api", "note", "v1", ValueType.TEXT, List.of(),
                    new Author("agent-1", "t1", "r1"), PutRequest.ABSENT);
            bank.put(first);
            bank.put(first.withValue("v2").withExpectedVersion(1));
        } catch (Exception e) {
            throw new AssertionError(e);
        }

        // when a user writes it as if new, then on the version it had before
        Cli.Result asNew = munero("memory", "put", "notes/api", "mine");
        Cli.Result stale = munero("memory", "put", "notes/api", "mine", "--expected-version", "1");
        Cli.Result forced = munero("memory", "put", "notes/api", "mine", "--force");

        // then both are refused, saying what is there and who wrote it; --force replaces it
        assertThat(asNew.exitCode()).isEqualTo(2);
        assertThat(asNew.err()).startsWith("munero: error: memory entry project/notes/api was expected to be absent "
                + "but is at version 2, written by agent agent-1, task t1, run r1");
        assertThat(stale.exitCode()).isEqualTo(2);
        assertThat(stale.err()).contains("was expected at version 1 but is at version 2");
        assertThat(forced.exitCode()).as("%s", forced).isZero();
        assertThat(forced.out()).isEqualTo("stored project/notes/api at version 3\n");
    }

    @Test
    void missingDatabaseEntryOrBadInputAreUsageErrorsWithAClearMessage() {
        Cli.Result noDatabase = munero("memory", "list");
        assertThat(noDatabase.exitCode()).isEqualTo(2);
        assertThat(noDatabase.err()).startsWith("munero: error: no memory in " + repo.toAbsolutePath().normalize());

        munero("memory", "put", "a", "b");
        Cli.Result noEntry = munero("memory", "show", "nope");
        assertThat(noEntry.exitCode()).isEqualTo(2);
        assertThat(noEntry.err()).startsWith("munero: error: there is no memory entry project/nope");

        Cli.Result badNamespace = munero("memory", "put", "k", "v", "-n", "team");
        assertThat(badNamespace.exitCode()).isEqualTo(2);
        assertThat(badNamespace.err()).contains("namespace 'team' is not project, run:<run id> or agent:<agent name>");

        Cli.Result badJson = munero("memory", "put", "k", "{not json", "--json-value");
        assertThat(badJson.exitCode()).isEqualTo(2);
        assertThat(badJson.err()).startsWith("munero: error: ");

        Cli.Result badLimit = munero("memory", "search", "x", "--limit", "0");
        assertThat(badLimit.exitCode()).isEqualTo(2);
        assertThat(badLimit.err()).contains("limit must be 1 to");
    }

    @Test
    void exportThenImportIntoAnotherRepositoryCarriesEveryEntry() throws Exception {
        munero("memory", "put", "a", "alpha", "--tag", "x");
        munero("memory", "put", "b", "{\"k\": 1}", "--json-value", "-n", "agent:coder");

        Cli.Result export = munero("memory", "export", "out", "--json");
        assertThat(export.exitCode()).as("%s", export).isZero();
        assertThat(JSON.readTree(export.out()).path("files")).hasSize(2);

        Path other = repo.resolve("other");
        Files.createDirectories(other);
        Cli.Result imported = munero("memory", "import", "-C", "other", repo.resolve("out").toString(), "--json");
        assertThat(imported.exitCode()).as("%s", imported).isZero();
        assertThat(JSON.readTree(imported.out()).path("created").asInt()).isEqualTo(2);
        JsonNode b = JSON.readTree(munero("memory", "show", "-C", "other", "-n", "agent:coder", "b", "--json").out());
        assertThat(b.path("value_type").asString()).isEqualTo("json");

        Cli.Result again = munero("memory", "import", "-C", "other", "out");
        assertThat(again.out()).contains("0 created, 0 updated, 2 unchanged, 0 skipped");

        Cli.Result missing = munero("memory", "import", "nowhere");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("there is no directory");
    }
}
