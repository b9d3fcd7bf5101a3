package dev.munero.memory.embed;

import dev.munero.memory.Author;
import dev.munero.memory.Filter;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.SearchResult;
import dev.munero.memory.ValueType;
import dev.munero.memory.embed.FakeEmbeddingServer.Protocol;
import dev.munero.memory.embed.FakeEmbeddingServer.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A plain benchmark (run by {@code bench/memory-hybrid.sh}, not by the test suite): the cost of the memory bank's
 * embedding plumbing and hybrid search with the FAKE embedder ({@link BagOfWords} vectors of 1536 dimensions served
 * by {@link FakeEmbeddingServer} over HTTP on 127.0.0.1). It measures Munero's side — HTTP round trips, BLOB
 * storage, the cosine scan, fusion — and nothing about a real model's latency or search quality.
 *
 * <p>Arguments: entries (default 10000), queries (default 200), dimensions (default 1536).
 */
public final class HybridSearchBench {
    private static final String[] WORDS = ("build test cache key flaky daemon gradle maven npm docker lint compile "
            + "timeout retry network proxy token budget sandbox lease merge conflict worktree branch commit schema "
            + "migration sqlite index vector query latency throughput memory lesson check failure fix").split(" ");

    private HybridSearchBench() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int dims = args.length > 2 ? Integer.parseInt(args[2]) : 1536;
        Random random = new Random(14);
        Path dir = Files.createTempDirectory("munero-hybrid-bench");
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, "bench").start()) {
            server.expectAny(Reply.vectors(text -> BagOfWords.vector(text, dims)));
            var embedder = new OpenAiEmbedder(server.baseUrl(), "bench", "fake-bag-of-words", "bench",
                    Duration.ofMinutes(1));
            try (var bank = MemoryBank.open(dir.resolve("munero.db"), Clock.systemUTC(), Optional.of(embedder))) {
                long start = System.nanoTime();
                for (int i = 0; i < entries; i++) {
                    bank.put(new PutRequest("project", "note/" + i, "note", sentence(random, 12), ValueType.TEXT,
                            List.of(WORDS[random.nextInt(WORDS.length)]), new Author("bench", null, null),
                            PutRequest.ABSENT));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("put with embedding (fake embedder over local HTTP, %d dims): %d entries in %.1f s"
                        + " = %.0f entries/s%n", dims, entries, seconds, entries / seconds);
                System.out.println("vectors stored: " + bank.stats().vectors());
                measure("hybrid search (fake embedder, query embedded over local HTTP)", bank, random, queries);
            }
            try (var bank = MemoryBank.open(dir.resolve("munero.db"), Clock.systemUTC())) {
                measure("full-text search, same entries", bank, random, queries);
            }
        }
    }

    private static void measure(String label, MemoryBank bank, Random random, int queries) {
        for (int i = 0; i < 20; i++) { // warm-up
            bank.search(sentence(random, 3), Filter.ALL, 5);
        }
        long[] nanos = new long[queries];
        String mode = null;
        for (int i = 0; i < queries; i++) {
            String query = sentence(random, 3);
            long t = System.nanoTime();
            SearchResult result = bank.search(query, Filter.ALL, 5);
            nanos[i] = System.nanoTime() - t;
            mode = result.mode();
        }
        Arrays.sort(nanos);
        System.out.printf("%s [mode %s]: %d queries, limit 5: p50 %.1f ms, p99 %.1f ms%n", label, mode, queries,
                nanos[queries / 2] / 1e6, nanos[(int) Math.ceil(queries * 0.99) - 1] / 1e6);
    }

    private static String sentence(Random random, int words) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < words; i++) {
            out.add(WORDS[random.nextInt(WORDS.length)]);
        }
        return String.join(" ", out);
    }
}
