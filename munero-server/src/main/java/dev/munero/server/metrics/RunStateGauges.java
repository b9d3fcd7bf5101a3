package dev.munero.server.metrics;

import dev.munero.core.RunState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs-by-state gauge: one series per served repository and {@link RunState}, all present from when the
 * repository is added (0 when no run is in that state), read from each repository's {@link RunTable} by
 * {@link #refresh()} at every scrape. A repository whose table cannot be read keeps its last values, and the read
 * error is counted.
 *
 * <p>Thread-safe; refreshes and additions run one at a time.
 */
final class RunStateGauges {
    private final MeterRegistry registry;
    private final Map<String, RunTable> tables = new LinkedHashMap<>();
    private final Map<String, Long> values = new ConcurrentHashMap<>();
    private final Map<String, Counter> readErrors = new LinkedHashMap<>();

    RunStateGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Adds a served repository.
     *
     * @param repo its label value
     * @throws IllegalArgumentException when {@code repo} was added before
     */
    synchronized void add(String repo, RunTable table) {
        if (tables.containsKey(repo)) {
            throw new IllegalArgumentException("the repository " + repo + " was added to the metrics twice");
        }
        tables.put(repo, table);
        for (RunState state : RunState.values()) {
            String key = key(repo, state.label());
            values.put(key, 0L);
            Gauge.builder("munero.runs", values, v -> v.getOrDefault(key, 0L))
                    .description("Runs in each state, read from the served repositories' run tables at scrape "
                            + "time (runs of every process that writes the repository's database)")
                    .tags("repo", repo, "state", state.label())
                    .strongReference(true)
                    .register(registry);
        }
        readErrors.put(repo, Counter.builder("munero.runs.read.errors")
                .description("Scrapes at which a repository's runs table could not be read; munero_runs then "
                        + "shows the values of the last successful read")
                .tags("repo", repo)
                .register(registry));
    }

    /** Reads every repository's runs table into the gauges. */
    synchronized void refresh() {
        for (Map.Entry<String, RunTable> table : tables.entrySet()) {
            String repo = table.getKey();
            Map<String, Long> counts;
            try {
                counts = table.getValue().countByState();
            } catch (RuntimeException e) {
                readErrors.get(repo).increment();
                continue;
            }
            for (RunState state : RunState.values()) {
                values.put(key(repo, state.label()), counts.getOrDefault(state.label(), 0L));
            }
        }
    }

    private static String key(String repo, String state) {
        return repo + '\u0000' + state;
    }
}
