package dev.munero.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.Filter;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.SearchHit;
import dev.munero.memory.SearchResult;
import dev.munero.memory.ValueType;
import dev.munero.memory.embed.FakeEmbeddingServer.Protocol;
import dev.munero.memory.embed.FakeEmbeddingServer.Reply;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory bank with an embedder, against the strict fake OpenAI embeddings server. The fake's vectors
 * ({@link BagOfWords}, or a hand-made "synonym" dimension) check the plumbing — vectors stored, re-embedded,
 * fused — and say nothing about search quality.
 */
class HybridSearchTest {
    private static final String KEY = "sk-test";
    private static final String ERROR_500 = "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}";

    @TempDir
    Path dir;

    private MemoryBank open(FakeEmbeddingServer server) {
        var embedder = new OpenAiEmbedder(server.baseUrl(), KEY, "text-embedding-3-small", "check OPENAI_API_KEY",
                Duration.ofMinutes(1));
        return MemoryBank.open(dir.resolve("munero.db"), Clock.systemUTC(), Optional.of(embedder));
    }

    private static PutRequest note(String ns, String key, String value, long expected) {
        return new PutRequest(ns, key, "note", value, ValueType.TEXT, List.of("build"), new Author("coder", "t1", "r1"),
                expected);
    }

    private record VectorRow(String model, int dims, int bytes, String hash) {
    }

    private VectorRow vectorRow(long entryId) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("munero.db"));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT model, dims, length(vector), text_hash FROM memory_vectors "
                     + "WHERE entry_id = " + entryId)) {
            return rs.next() ? new VectorRow(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getString(4)) : null;
        }
    }

    @Test
    void putEmbedsTheEntryAndStoresItsFloat32VectorWithTheTextHash() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start(); var bank = open(server)) {
            server.expect(Reply.vectors(BagOfWords::vector));
            Entry e = bank.put(note("project", "build/tool", "maven 3.9", PutRequest.ABSENT));

            assertThat(vectorRow(e.id())).isEqualTo(new VectorRow("openai:text-embedding-3-small",
                    BagOfWords.DIMENSIONS, 4 * BagOfWords.DIMENSIONS,
                    Vectors.textHash(VectorIndex.text("build/tool", List.of("build"), "maven 3.9"))));
            assertThat(server.bodies().getFirst().path("input").get(0).asString())
                    .isEqualTo("build/tool\nbuild\nmaven 3.9");
            assertThat(bank.stats().vectors()).isEqualTo(1);
            assertThat(bank.stats().searchMode()).isEqualTo(SearchResult.HYBRID);

            bank.delete("project", "build/tool", 1);
            assertThat(vectorRow(e.id())).as("the vector goes with its entry").isNull();
        }
    }

    @Test
    void aNewValueIsReEmbeddedAndAnUnchangedTextIsNot() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start(); var bank = open(server)) {
            // exactly two embedding requests: the first put and the changed value; the same value again sends none
            server.expect(Reply.vectors(BagOfWords::vector)).expect(Reply.vectors(BagOfWords::vector));
            Entry v1 = bank.put(note("project", "k", "first text", PutRequest.ABSENT));
            String firstHash = vectorRow(v1.id()).hash();
            Entry v2 = bank.put(note("project", "k", "second text", 1));
            String secondHash = vectorRow(v2.id()).hash();
            bank.put(note("project", "k", "second text", 2));

            assertThat(secondHash).isNotEqualTo(firstHash)
                    .isEqualTo(Vectors.textHash(VectorIndex.text("k", List.of("build"), "second text")));
            assertThat(vectorRow(v2.id()).hash()).isEqualTo(secondHash);
            assertThat(server.bodies()).hasSize(2);
        }
    }

    @Test
    void aFailingEmbedderNeverLosesTheWriteAndSearchFallsBackToFullTextWithANote() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start(); var bank = open(server)) {
            server.expect(Reply.error(500, ERROR_500)) // the put
                    .expect(Reply.error(500, ERROR_500)) // the search's backfill
                    .expect(Reply.error(500, ERROR_500)); // the query
            Entry e = bank.put(note("project", "flaky/test", "the integration test is flaky on CI", PutRequest.ABSENT));

            assertThat(bank.get("project", "flaky/test")).contains(e);
            assertThat(vectorRow(e.id())).isNull();
            SearchResult result = bank.search("flaky", Filter.ALL, 5);
            assertThat(result.mode()).isEqualTo(SearchResult.FULL_TEXT);
            assertThat(result.hits()).extracting(h -> h.entry().key()).containsExactly("flaky/test");
            assertThat(result.note()).hasValueSatisfying(n -> assertThat(n).contains("ranked by full-text only",
                    "openai:text-embedding-3-small", "HTTP 500", "The server had an error"));
        }
    }

    @Test
    void entriesWrittenWhileTheEmbedderFailedAreEmbeddedByTheNextSearch() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start(); var bank = open(server)) {
            server.expect(Reply.error(500, ERROR_500)).expect(Reply.error(500, ERROR_500))
                    .expect(Reply.vectors(BagOfWords::vector)) // the backfill: both entries in one request
                    .expect(Reply.vectors(BagOfWords::vector)); // the query
            Entry a = bank.put(note("project", "a", "gradle daemon", PutRequest.ABSENT));
            Entry b = bank.put(note("project", "b", "maven wrapper", PutRequest.ABSENT));

            SearchResult result = bank.search("maven", Filter.ALL, 5);
            assertThat(result.mode()).isEqualTo(SearchResult.HYBRID);
            assertThat(result.note()).isEmpty();
            assertThat(vectorRow(a.id())).isNotNull();
            assertThat(vectorRow(b.id())).isNotNull();
            assertThat(server.bodies().get(2).path("input").size()).isEqualTo(2);
        }
    }

    @Test
    void hybridRankingAddsWhatOnlyTheVectorsFindAndReportsEveryScore() throws Exception {
        // one "meaning" dimension that car and automobile share, so cosine finds what bm25 cannot
        Function<String, float[]> synonyms = text -> new float[] {
                text.contains("car") || text.contains("automobile") ? 1 : 0, text.contains("gradle") ? 1 : 0, 0.1f};
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start(); var bank = open(server)) {
            server.expectAny(Reply.vectors(synonyms));
            bank.put(note("project", "vehicle", "the automobile fleet", PutRequest.ABSENT));
            bank.put(note("project", "garage", "a car park", PutRequest.ABSENT));
            bank.put(note("project", "tool", "gradle build", PutRequest.ABSENT));

            SearchResult result = bank.search("car", Filter.ALL, 3);
            assertThat(result.mode()).isEqualTo(SearchResult.HYBRID);
            assertThat(result.hits()).extracting(h -> h.entry().key()).startsWith("garage", "vehicle");
            SearchHit vehicle = result.hits().get(1);
            assertThat(vehicle.bm25()).isZero();
            assertThat(vehicle.cosine().getAsDouble()).isGreaterThan(0.9);
            // equal cosines rank by entry id: vehicle is first by cosine, garage second
            assertThat(vehicle.fused().getAsDouble()).isEqualTo(1.0 / (ReciprocalRankFusion.K + 1));
            SearchHit garage = result.hits().getFirst();
            assertThat(garage.bm25()).isPositive();
            assertThat(garage.fused().getAsDouble())
                    .isEqualTo(1.0 / (ReciprocalRankFusion.K + 1) + 1.0 / (ReciprocalRankFusion.K + 2));
        }
    }

    @Test
    void theFilterAppliesToTheVectorRankingToo() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start(); var bank = open(server)) {
            server.expectAny(Reply.vectors(BagOfWords::vector));
            bank.put(note("project", "a", "cache key rules", PutRequest.ABSENT));
            bank.put(note("agent:coder", "b", "cache key rules", PutRequest.ABSENT));

            SearchResult result = bank.search("cache", Filter.namespace("agent:coder"), 5);
            assertThat(result.hits()).extracting(h -> h.entry().namespace()).containsExactly("agent:coder");
        }
    }
}
