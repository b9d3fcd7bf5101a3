package dev.munero.server;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import dev.munero.core.app.Runs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * One repository the server serves: its id in URLs (the directory's name, made unique with {@code -2}, {@code -3}...
 * by {@link Repos}), its path, and its {@link Runs} (one instance, shared by every request: Runs is thread-safe),
 * opened on first use. Thread-safe.
 */
public final class ServedRepo {
    private final String id;
    private final Path path;
    private final Clock clock;
    private Runs runs;

    ServedRepo(String id, Path path, Clock clock) {
        this.id = id;
        this.path = path;
        this.clock = clock;
    }

    /** The id in URLs and in {@code repo} fields. */
    public String id() {
        return id;
    }

    /** The repository, absolute and normalized. */
    public Path path() {
        return path;
    }

    /**
     * The repository's runs, when it has a run database ({@code .munero/munero.db}); empty when no run was ever
     * started in it.
     *
     * @throws AppException UNAVAILABLE when the database exists but cannot be opened
     */
    public synchronized Optional<Runs> runsIfAny() {
        if (runs == null && Files.exists(path.resolve(".munero").resolve("munero.db"))) {
            runs = Runs.open(path, clock, false);
        }
        return Optional.ofNullable(runs);
    }

    /**
     * The repository's runs, for a route about one run.
     *
     * @throws AppException NOT_FOUND when no run was ever started in it
     */
    public Runs runs() {
        return runsIfAny().orElseThrow(() -> AppException.notFound("no run was ever started in " + path
                + " (repository " + id + "): it has no .munero/munero.db"));
    }

    /** The repository's runs, making the database when absent (to start a run). */
    public synchronized Runs runsCreating() {
        if (runs == null) {
            runs = Runs.open(path, clock, true);
        }
        return runs;
    }

    /** The repository's builds. @throws AppException NOT_FOUND when the directory is gone */
    public Builds builds() {
        return Builds.of(path);
    }

    /** Closes its store, if open. */
    synchronized void close() {
        if (runs != null) {
            runs.close();
            runs = null;
        }
    }
}
