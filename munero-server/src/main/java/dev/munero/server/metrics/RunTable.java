package dev.munero.server.metrics;

import dev.munero.core.RunState;
import dev.munero.core.app.Runs;
import java.util.Map;
import java.util.Objects;

/**
 * Where the runs-by-state gauge reads one served repository's runs: how many runs are in each state now. Read at
 * scrape time, so the gauge shows runs of every process that writes the repository's database (the server's own
 * and a {@code munero run} in a terminal), not only the runs whose events the server followed.
 */
@FunctionalInterface
public interface RunTable {
    /**
     * The number of runs per state label ({@link RunState#label()}, e.g. {@code Building}); a state with no runs may
     * be absent.
     *
     * @throws RuntimeException when the table cannot be read (the gauge keeps its last values and counts the error)
     */
    Map<String, Long> countByState();

    /**
     * The runs table of {@code runs}: one read of it per scrape ({@link Runs#countByState}). Thread-safe as
     * {@link Runs} is.
     */
    static RunTable of(Runs runs) {
        Objects.requireNonNull(runs, "runs");
        return runs::countByState;
    }
}
