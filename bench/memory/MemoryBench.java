import dev.munero.memory.Filter;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.PutRequest;
import dev.munero.memory.SearchResult;
import dev.munero.memory.Author;
import dev.munero.memory.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Memory bank throughput and latency (issue 14), a plain benchmark (not a test): for each size, a fresh database
 * file, that many entries written one put (one transaction) at a time, then full-text searches of 2 to 4 words.
 * Texts are synthetic: words drawn from a 5,000-word vocabulary with a Zipf-like distribution (s = 1), 20 to 60
 * words a value, 1 to 3 tags, seed fixed so runs compare. Run through bench/memory-bank.sh.
 *
 * <p>Prints one line per size: inserts per second, and search p50/p99 in milliseconds (limit 10).
 */
public final class MemoryBench {
    public static void main(String[] args) throws Exception {
        int searches = Integer.parseInt(System.getProperty("searches", "2000"));
        for (String size : args.length == 0 ? new String[] {"10000", "100000"} : args) {
            run(Integer.parseInt(size), searches);
        }
    }

    static void run(int n, int searches) throws Exception {
        Path dir = Files.createTempDirectory("memory-bench");
        Random random = new Random(14);
        Zipf words = new Zipf(5_000, random);
        try (MemoryBank bank = MemoryBank.open(dir.resolve("munero.db"), Clock.systemUTC())) {
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String namespace = i % 10 == 0 ? "run:r" + (i % 50) : "project";
                List<String> tags = new ArrayList<>();
                for (int t = 0, count = 1 + random.nextInt(3); t < count; t++) {
                    tags.add("tag" + random.nextInt(200));
                }
                bank.put(new PutRequest(namespace, "k/" + i, i % 7 == 0 ? "lesson" : "note",
                        words.sentence(20 + random.nextInt(41)), ValueType.TEXT, tags,
                        new Author("bench", "t" + (i % 100), "r1"), PutRequest.ABSENT));
            }
            double insertSeconds = (System.nanoTime() - start) / 1e9;
            // warm-up, not measured
            for (int i = 0; i < 200; i++) {
                bank.search(words.sentence(2 + random.nextInt(3)), Filter.ALL, 10);
            }
            long[] nanos = new long[searches];
            long hits = 0;
            for (int i = 0; i < searches; i++) {
                String query = words.sentence(2 + random.nextInt(3));
                long t0 = System.nanoTime();
                SearchResult result = bank.search(query, Filter.ALL, 10);
                nanos[i] = System.nanoTime() - t0;
                hits += result.hits().size();
            }
            Arrays.sort(nanos);
            System.out.printf("%,d entries: insert %,.0f entries/s (%.1f s); full-text search p50 %.2f ms, p99 %.2f ms "
                            + "(%d queries of 2-4 words, limit 10, %.1f hits avg); file %,d bytes%n",
                    n, n / insertSeconds, insertSeconds, nanos[searches / 2] / 1e6,
                    nanos[(int) Math.ceil(searches * 0.99) - 1] / 1e6, searches, (double) hits / searches,
                    Files.size(dir.resolve("munero.db")));
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Words w0 .. w{n-1}, word k drawn with probability proportional to 1/(k+1). */
    static final class Zipf {
        private final double[] cumulative;
        private final Random random;

        Zipf(int n, Random random) {
            this.random = random;
            cumulative = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1.0 / (k + 1);
                cumulative[k] = sum;
            }
            for (int k = 0; k < n; k++) {
                cumulative[k] /= sum;
            }
        }

        String word() {
            int k = Arrays.binarySearch(cumulative, random.nextDouble());
            return "w" + (k < 0 ? -k - 1 : k);
        }

        String sentence(int count) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < count; i++) {
                out.append(i == 0 ? "" : " ").append(word());
            }
            return out.toString();
        }
    }
}
