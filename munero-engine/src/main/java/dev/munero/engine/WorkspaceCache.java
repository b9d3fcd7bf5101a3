package dev.munero.engine;

import dev.munero.engine.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opened workspaces kept by a long-lived process (the daemon), so that a build whose build files did not
 * change skips re-reading munero.yaml or re-detecting the repository. An entry is reused only while every
 * path that could change it (munero.yaml, the walked directories, the detected build files) has the same
 * {@link FileStamps}; otherwise the repository is opened again.
 *
 * <p>Thread-safe. Holds one entry per (root, profile) opened.
 */
public final class WorkspaceCache {
    private record Key(Path root, String profile) {
    }

    private record Entry(Workspace workspace, FileStamps stamps) {
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();

    /**
     * Like {@link Workspace#open(Path, String)}, reusing an earlier result while it is still valid.
     *
     * @throws ConfigException see {@link Workspace#open(Path, String)}
     */
    public Workspace open(Path root, String profile) throws ConfigException {
        return open(root, profile, new ArrayList<>());
    }

    /**
     * {@link #open(Path, String)}, adding to {@code watched} the paths whose change can change the result (see
     * {@link Workspace#open(Path, String, List)}).
     *
     * @throws ConfigException see {@link Workspace#open(Path, String)}
     */
    public Workspace open(Path root, String profile, List<Path> watched) throws ConfigException {
        Key key = new Key(root.toAbsolutePath().normalize(), profile);
        Entry e = entries.get(key);
        if (e != null && e.stamps().unchanged()) {
            watched.addAll(e.stamps().paths());
            return e.workspace();
        }
        List<Path> read = new ArrayList<>();
        Workspace ws = Workspace.open(key.root(), profile, read);
        entries.put(key, new Entry(ws, FileStamps.take(read)));
        watched.addAll(read);
        return ws;
    }
}
