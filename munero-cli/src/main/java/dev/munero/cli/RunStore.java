package dev.munero.cli;

import dev.munero.core.BuildManager;
import dev.munero.store.Store;
import dev.munero.store.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/** Opens a repository's run database for the session commands, or says why it cannot. */
final class RunStore {
    private RunStore() {
    }

    /** A usage error with its message for the user. */
    static final class Missing extends Exception {
        Missing(String message) {
            super(message);
        }
    }

    /**
     * The store of {@code repo} ({@code .munero/munero.db}).
     *
     * @param create make it when absent ({@code munero run}); otherwise a missing database is {@link Missing}
     * @throws Missing when there is no database and {@code create} is false, or it cannot be opened
     */
    static Store open(Path repo, boolean create) throws Missing {
        Path db = BuildManager.databaseOf(repo);
        if (!create && !Files.isRegularFile(db)) {
            throw new Missing("no runs in " + repo + " (there is no " + repo.relativize(db)
                    + "); start one with munero run --spec SPEC.md, or pass the repository with -C DIR");
        }
        try {
            Files.createDirectories(db.getParent());
            return Store.open(db, Clock.systemUTC());
        } catch (java.io.IOException | StoreException e) {
            throw new Missing("cannot open the run database " + db + ": " + e.getMessage());
        }
    }

    /**
     * The run {@code id} in {@code store}.
     *
     * @throws Missing when there is none, naming where to find the runs
     */
    static dev.munero.store.RunRecord run(Store store, String id) throws Missing {
        // issue 11.9: the hint works from wherever the user stands (the database is REPO/.munero/munero.db)
        Path repo = store.file().toAbsolutePath().getParent().getParent();
        return store.run(id).orElseThrow(() -> new Missing("there is no run " + id + " in " + repo
                + "; see munero sessions list -C " + repo));
    }

    /** The repository: {@code -C DIR} resolved against the invocation's directory. */
    static Path repo(Invocation invocation, Path directory) {
        return invocation.cwd().resolve(directory).toAbsolutePath().normalize();
    }
}
