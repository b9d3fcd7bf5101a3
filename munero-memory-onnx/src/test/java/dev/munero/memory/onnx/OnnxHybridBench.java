package dev.munero.memory.onnx;

import dev.munero.memory.Author;
import dev.munero.memory.Filter;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.SearchResult;
import dev.munero.memory.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A plain benchmark (run by {@code bench/memory-onnx.sh}, not by the test suite): the memory bank with the REAL
 * in-process model (all-MiniLM-L6-v2, quantized, 384 dimensions). Each put is one transaction and one model call
 * (as an agent's {@code memory_store} does); searches are hybrid with the query embedded in process, then full-text
 * on the same entries. Texts: the same generator as munero-memory's {@code HybridSearchBench} (12 words from a
 * 40-word build vocabulary, one tag), queries of 3 words, limit 5.
 *
 * <p>Arguments: entries (default 10000), queries (default 200). Progress is printed every 1,000 entries, so a run
 * stopped early still says how fast it inserted.
 */
public final class OnnxHybridBench {
    private static final String[] WORDS = ("build test cache key flaky daemon gradle maven npm docker lint compile "
            + "timeout retry network proxy token budget sandbox lease merge conflict worktree branch commit schema "
            + "migration sqlite index vector query latency throughput memory lesson check failure fix").split(" ");

    private OnnxHybridBench() {
    }

    public static void main(String[] args) throws Exception {
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Random random = new Random(14);
        Path dir = Files.createTempDirectory("munero-onnx-bench");
        OnnxEmbedder embedder = new OnnxEmbedder();
        long load = System.nanoTime();
        embedder.embed(List.of("load the model"));
        System.out.printf("model load and first embedding: %.1f s%n", (System.nanoTime() - load) / 1e9);
        try (var bank = MemoryBank.open(dir.resolve("munero.db"), Clock.systemUTC(), Optional.of(embedder))) {
            long start = System.nanoTime();
            for (int i = 0; i < entries; i++) {
                bank.put(new PutRequest("project", "note/" + i, "note", sentence(random, 12), ValueType.TEXT,
                        List.of(WORDS[random.nextInt(WORDS.length)]), new Author("bench", null, null),
                        PutRequest.ABSENT));
                if ((i + 1) % 1000 == 0) {
                    double s = (System.nanoTime() - start) / 1e9;
                    System.out.printf("  %d entries in %.1f s = %.0f entries/s%n", i + 1, s, (i + 1) / s);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("put with embedding (in-process %s): %d entries in %.1f s = %.0f entries/s%n",
                    embedder.modelId(), entries, seconds, entries / seconds);
            System.out.println("vectors stored: " + bank.stats().vectors() + ", database "
                    + Files.size(dir.resolve("munero.db")) / 1_000_000 + " MB");
            measure("hybrid search (query embedded in process)", bank, random, queries);
        }
        try (var bank = MemoryBank.open(dir.resolve("munero.db"), Clock.systemUTC())) {
            measure("full-text search, same entries", bank, random, queries);
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
