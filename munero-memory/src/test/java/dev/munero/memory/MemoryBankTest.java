package dev.munero.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBankTest {
    @TempDir
    Path dir;
    MemoryBank bank;

    @BeforeEach
    void open() {
        bank = MemoryBank.open(dir.resolve(".munero/munero.db"),
                Clock.fixed(Instant.parse("2026-11-26T10:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        bank.close();
    }

    private static PutRequest put(String ns, String key, String value, List<String> tags, long expected) {
        return new PutRequest(ns, key, "note", value, ValueType.TEXT, tags, new Author("coder", "t1", "r1"), expected);
    }

    @Test
    void createsAtVersionOneAndEachWriteAddsOne() throws Exception {
        Entry first = bank.put(put("project", "build/tool", "maven", List.of("build"), PutRequest.ABSENT));
        Entry second = bank.put(put("project", "build/tool", "maven 3.9", List.of("build"), 1));

        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.createdAt()).isEqualTo(first.createdAt());
        assertThat(bank.get("project", "build/tool")).contains(second);
        assertThat(second.author()).isEqualTo(new Author("coder", "t1", "r1"));
    }

    @Test
    void staleWriteFailsNamingTheCurrentVersionAndAuthorAndWritesNothing() throws Exception {
        bank.put(put("project", "k", "v1", List.of(), PutRequest.ABSENT));
        bank.put(new PutRequest("project", "k", "note", "v2", ValueType.TEXT, List.of(),
                new Author("tester", "t9", "r2"), 1));

        assertThatThrownBy(() -> bank.put(put("project", "k", "lost?", List.of(), 1)))
                .isInstanceOfSatisfying(StaleVersionException.class, e -> {
                    assertThat(e.currentVersion()).isEqualTo(2);
                    assertThat(e.currentAuthor().agent()).isEqualTo("tester");
                    assertThat(e.getMessage()).contains("version 2", "agent tester, task t9, run r2");
                });
        assertThatThrownBy(() -> bank.put(put("project", "k", "dup", List.of(), PutRequest.ABSENT)))
                .isInstanceOf(StaleVersionException.class).hasMessageContaining("expected to be absent");
        assertThatThrownBy(() -> bank.put(put("project", "missing", "x", List.of(), 3)))
                .isInstanceOfSatisfying(StaleVersionException.class,
                        e -> assertThat(e.currentVersion()).isZero());
        assertThat(bank.get("project", "k").orElseThrow().value()).isEqualTo("v2");
        assertThat(bank.get("project", "missing")).isEmpty();
    }

    @Test
    void anyVersionWritesWhateverIsThere() throws Exception {
        bank.put(put("project", "k", "v1", List.of(), PutRequest.ANY));
        assertThat(bank.put(put("project", "k", "v2", List.of(), PutRequest.ANY)).version()).isEqualTo(2);
    }

    @Test
    void deleteChecksTheVersionAndRemovesTheEntryFromSearch() throws Exception {
        bank.put(put("project", "k", "gradle daemon", List.of(), PutRequest.ABSENT));
        assertThatThrownBy(() -> bank.delete("project", "k", 7)).isInstanceOf(StaleVersionException.class);
        assertThat(bank.delete("project", "k", 1)).isTrue();
        assertThat(bank.delete("project", "k", PutRequest.ANY)).isFalse();
        assertThat(bank.get("project", "k")).isEmpty();
        assertThat(bank.search("gradle", Filter.ALL, 10).hits()).isEmpty();
    }

    @Test
    void listFiltersByNamespaceKindAndAllTags() throws Exception {
        bank.put(put("project", "a", "1", List.of("x", "y"), PutRequest.ABSENT));
        bank.put(put("project", "b", "2", List.of("x"), PutRequest.ABSENT));
        bank.put(put("run:r1", "c", "3", List.of("x", "y"), PutRequest.ABSENT));
        bank.put(new PutRequest("project", "d", "lesson", "4", ValueType.TEXT, List.of("x", "y"), Author.NONE,
                PutRequest.ABSENT));

        assertThat(bank.list(Filter.ALL, 100)).extracting(Entry::key).containsExactly("a", "b", "d", "c");
        assertThat(bank.list(Filter.namespace("project").withTags(List.of("x", "y")), 100))
                .extracting(Entry::key).containsExactly("a", "d");
        assertThat(bank.list(Filter.ALL.withKind("lesson"), 100)).extracting(Entry::key).containsExactly("d");
        assertThat(bank.list(Filter.ALL, 2)).hasSize(2);
    }

    @Test
    void searchRanksByBm25AndFiltersAndUpdatesWithTheEntry() throws Exception {
        bank.put(put("project", "ci/flaky", "the integration tests are flaky on the CI runner", List.of("ci"),
                PutRequest.ABSENT));
        bank.put(put("project", "db/pool", "raise the connection pool size when tests time out", List.of("db"),
                PutRequest.ABSENT));
        bank.put(put("agent:coder", "style", "prefer records over classes", List.of(), PutRequest.ABSENT));

        SearchResult result = bank.search("flaky tests", Filter.ALL, 10);
        assertThat(result.mode()).isEqualTo(SearchResult.FULL_TEXT);
        assertThat(result.hits()).extracting(h -> h.entry().key()).containsExactly("ci/flaky", "db/pool");
        assertThat(result.hits().get(0).bm25()).isGreaterThan(result.hits().get(1).bm25()).isPositive();
        assertThat(result.hits().get(0).cosine()).isEmpty();
        // stemming: "failing" finds "failed"
        bank.put(put("project", "ci/flaky", "the deploy step failed", List.of("ci"), 1));
        assertThat(bank.search("failing", Filter.ALL, 10).hits()).extracting(h -> h.entry().key())
                .containsExactly("ci/flaky");
        assertThat(bank.search("flaky", Filter.namespace("project"), 10).hits()).extracting(h -> h.entry().key())
                .containsExactly("ci/flaky"); // the key still says flaky; the old value is no longer indexed
        assertThat(bank.search("integration", Filter.ALL, 10).hits()).isEmpty();
        assertThat(bank.search("records", Filter.namespace("project"), 10).hits()).isEmpty();
        assertThat(bank.search("tests", Filter.ALL.withTags(List.of("db")), 10).hits()).hasSize(1);
    }

    @Test
    void searchTreatsFts5SyntaxInTheQueryAsPlainWords() throws Exception {
        bank.put(put("project", "k", "use NOT null checks and the -x flag near the end", List.of(),
                PutRequest.ABSENT));
        for (String query : List.of("\"unbalanced", "NOT", "a AND", "NEAR(x y)", "col:value", "x*", "^start",
                "-x", "(", "'); DROP TABLE memory_entries; --", "null) OR (1")) {
            assertThat(bank.search(query, Filter.ALL, 5).mode()).as(query).isEqualTo(SearchResult.FULL_TEXT);
        }
        assertThat(bank.search("NOT", Filter.ALL, 5).hits()).hasSize(1);
        assertThat(bank.search("-x", Filter.ALL, 5).hits()).hasSize(1);
        assertThat(bank.search("  ...  ", Filter.ALL, 5).hits()).isEmpty();
        assertThat(bank.list(Filter.ALL, 10)).hasSize(1);
    }

    @Test
    void jsonValuesMustParse() throws Exception {
        PutRequest bad = new PutRequest("project", "j", "note", "{not json", ValueType.JSON, List.of(), Author.NONE,
                PutRequest.ABSENT);
        assertThatThrownBy(() -> bank.put(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("project/j", "not JSON");
        assertThat(bank.put(bad.withValue("{\"a\": [1, 2]}")).valueType()).isEqualTo(ValueType.JSON);
    }

    @Test
    void malformedInputIsRefusedWithTheValueNamed() {
        assertThatThrownBy(() -> PutRequest.note("team", "k", "v")).hasMessageContaining("namespace 'team'");
        assertThatThrownBy(() -> PutRequest.note("project", "", "v")).hasMessageContaining("1 to 512");
        assertThatThrownBy(() -> new PutRequest("project", "k", "Big Kind", "v", ValueType.TEXT, List.of(),
                Author.NONE, 0)).hasMessageContaining("kind 'Big Kind'");
        assertThatThrownBy(() -> bank.list(Filter.ALL, 0)).hasMessageContaining("limit 0");
    }

    @Test
    void statsCountEntriesPerNamespaceAndKind() throws Exception {
        bank.put(put("project", "a", "12345", List.of(), PutRequest.ABSENT));
        bank.put(put("run:r1", "b", "123", List.of(), PutRequest.ABSENT));
        MemoryStats stats = bank.stats();
        assertThat(stats.entries()).isEqualTo(2);
        assertThat(stats.valueChars()).isEqualTo(8);
        assertThat(stats.byNamespace()).containsEntry("project", 1L).containsEntry("run:r1", 1L);
        assertThat(stats.byKind()).containsEntry("note", 2L);
        assertThat(stats.vectors()).isZero();
        assertThat(stats.searchMode()).isEqualTo(SearchResult.FULL_TEXT);
    }
}
