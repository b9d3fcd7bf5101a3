package dev.munero.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownRoundTripTest {
    @TempDir
    Path dir;

    private static final Clock T1 = Clock.fixed(Instant.parse("2026-11-26T10:00:00.123456Z"), ZoneOffset.UTC);

    private void fill(MemoryBank bank) throws Exception {
        bank.put(new PutRequest("project", "lesson/r-1/2/0", "lesson", "What failed: mvn test\nWhy: x\nFix: y\n",
                ValueType.TEXT, List.of("test", "src/Main.java"), new Author(null, null, "r-1"), PutRequest.ABSENT));
        bank.put(new PutRequest("run:r-1", "notes: a \"quoted\" key #1", "note",
                "no trailing newline, trailing spaces   ", ValueType.TEXT, List.of("yes", "null", "1.0", "- dash"),
                new Author("coder", "t:3", "r-1"), PutRequest.ABSENT));
        bank.put(new PutRequest("agent:coder", "../escape/..", "note",
                "---\nnot: front matter\n---\r\nCRLF line\r\n\n\n", ValueType.TEXT, List.of(), Author.NONE,
                PutRequest.ABSENT));
        bank.put(new PutRequest("project", "config.json", "fact", "{\"b\": [1, 2.5, null], \"a\": \"é ✓ 𝄞\"}",
                ValueType.JSON, List.of("ünï"), new Author("planner", null, null), PutRequest.ABSENT));
        bank.put(new PutRequest("project", "empty", "note", "", ValueType.TEXT, List.of(), Author.NONE,
                PutRequest.ABSENT));
        bank.put(new PutRequest("project", "k".repeat(300), "note", "long key", ValueType.TEXT, List.of(),
                Author.NONE, PutRequest.ABSENT));
        Entry v1 = bank.put(PutRequest.note("project", "versioned", "one"));
        bank.put(PutRequest.note("project", "versioned", "two").withExpectedVersion(v1.version()));
    }

    private static TreeMap<String, byte[]> files(Path root) throws Exception {
        TreeMap<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void exportImportExportIsByteForByteTheSame() throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        List<Entry> original;
        try (MemoryBank a = MemoryBank.open(dir.resolve("a.db"), T1)) {
            fill(a);
            original = a.list(Filter.ALL, 100);
            assertThat(a.exportMarkdown(first).files()).hasSize(original.size());
        }
        try (MemoryBank b = MemoryBank.open(dir.resolve("b.db"), Clock.systemUTC())) {
            ImportReport report = b.importMarkdown(first);
            assertThat(report.created()).isEqualTo(original.size());
            assertThat(report.skipped()).isEmpty();
            List<Entry> imported = b.list(Filter.ALL, 100);
            assertThat(imported).hasSize(original.size());
            for (int i = 0; i < original.size(); i++) {
                assertThat(withoutId(imported.get(i))).isEqualTo(withoutId(original.get(i)));
            }
            b.exportMarkdown(second);
            assertThat(b.importMarkdown(first).unchanged()).isEqualTo(original.size());
        }
        TreeMap<String, byte[]> a = files(first);
        TreeMap<String, byte[]> b = files(second);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((name, bytes) -> assertThat(b.get(name)).as(name).isEqualTo(bytes));
        // nothing escapes the export directory, whatever the key
        assertThat(a.keySet()).allSatisfy(name -> {
            Path path = Path.of(name);
            assertThat(path.getNameCount()).isEqualTo(2);
            assertThat(path.getFileName().toString()).endsWith(".md").doesNotStartWith(".");
            assertThat(path.getName(0).toString()).doesNotStartWith(".");
        });
        assertThat(a).containsKey("agent%3Acoder/%2E.%2Fescape%2F...md");
        assertThat(Files.readString(first.resolve("project/versioned.md"))).isEqualTo("""
                ---
                namespace: project
                key: versioned
                kind: note
                value_type: text
                tags: []
                author_agent: null
                author_task: null
                author_run: null
                created_at: 2026-11-26T10:00:00.123456Z
                updated_at: 2026-11-26T10:00:00.123456Z
                version: 2
                ---
                two""");
    }

    private static Entry withoutId(Entry e) {
        return new Entry(0, e.namespace(), e.key(), e.kind(), e.value(), e.valueType(), e.tags(), e.author(),
                e.createdAt(), e.updatedAt(), e.version());
    }

    @Test
    void importNeverOverwritesANewerVersionButReplacesAnOlderOne() throws Exception {
        Path export = dir.resolve("export");
        try (MemoryBank a = MemoryBank.open(dir.resolve("a.db"), T1)) {
            a.put(PutRequest.note("project", "newer-here", "v1"));
            a.put(PutRequest.note("project", "older-here", "v1"));
            a.put(PutRequest.note("project", "older-here", "v2").withExpectedVersion(1));
            a.exportMarkdown(export);
        }
        try (MemoryBank b = MemoryBank.open(dir.resolve("b.db"), T1)) {
            b.put(PutRequest.note("project", "newer-here", "v1"));
            b.put(PutRequest.note("project", "newer-here", "v2 (mine)").withExpectedVersion(1));
            b.put(PutRequest.note("project", "older-here", "v1"));

            ImportReport report = b.importMarkdown(export);

            assertThat(report.updated()).isEqualTo(1);
            assertThat(report.skipped()).singleElement().satisfies(s -> {
                assertThat(s.key()).isEqualTo("newer-here");
                assertThat(s.fileVersion()).isEqualTo(1);
                assertThat(s.storedVersion()).isEqualTo(2);
                assertThat(s.reason()).isEqualTo("newer in the database");
            });
            assertThat(b.get("project", "newer-here").orElseThrow().value()).isEqualTo("v2 (mine)");
            assertThat(b.get("project", "older-here").orElseThrow().value()).isEqualTo("v2");
            // the imported version is searchable
            assertThat(b.search("v2", Filter.ALL, 5).hits()).hasSize(2);
        }
    }

    @Test
    void aBrokenFileIsNamedAndNothingIsImported() throws Exception {
        Path export = dir.resolve("export");
        try (MemoryBank a = MemoryBank.open(dir.resolve("a.db"), T1)) {
            a.put(PutRequest.note("project", "good", "v1"));
            a.exportMarkdown(export);
        }
        Files.writeString(export.resolve("project/bad.md"), "---\nnamespace: project\nkey: bad\n---\nvalue");
        try (MemoryBank b = MemoryBank.open(dir.resolve("b.db"), T1)) {
            assertThatThrownBy(() -> b.importMarkdown(export)).isInstanceOfSatisfying(MemoryFileException.class,
                    e -> {
                        assertThat(e.file()).isEqualTo(Path.of("project/bad.md"));
                        assertThat(e.getMessage()).contains("project/bad.md", "no field");
                    });
            assertThat(b.list(Filter.ALL, 10)).isEmpty();
        }
        Files.writeString(export.resolve("project/bad.md"), "no front matter");
        try (MemoryBank b = MemoryBank.open(dir.resolve("b.db"), T1)) {
            assertThatThrownBy(() -> b.importMarkdown(export)).hasMessageContaining("line 1");
        }
    }
}
