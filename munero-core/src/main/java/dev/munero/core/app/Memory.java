package dev.munero.core.app;

import dev.munero.core.BuildManager;
import dev.munero.engine.cache.GitFiles;
import dev.munero.engine.config.ConfigException;
import dev.munero.llm.ProviderException;
import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.ExportReport;
import dev.munero.memory.Filter;
import dev.munero.memory.ImportReport;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.MemoryFileException;
import dev.munero.memory.MemoryStats;
import dev.munero.memory.PutRequest;
import dev.munero.memory.SearchResult;
import dev.munero.memory.StaleVersionException;
import dev.munero.memory.embed.Embedder;
import dev.munero.memory.embed.Embedders;
import dev.munero.store.StoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The memory bank of one repository (issue 14): every use case a front end has for it, as one method each — the
 * CLI's {@code munero memory}, the REST server's {@code /api/v1/repos/{repo}/memory...} and the MCP server's
 * {@code memory_search} call this, on the same database file as the runs ({@code .munero/munero.db}), so every
 * front end sees the entries the agents of {@code munero run} stored. Requests are munero-memory's records
 * ({@link PutRequest}, {@link Filter}); entries come out as {@link Item}s, searches as {@link Found}; every failure a user can cause or fix is an {@link AppException}:
 * NOT_FOUND (no database, no such entry), INVALID (a malformed namespace, key, kind, tag, limit, JSON value, or a
 * Markdown file that is not an entry), CONFLICT (a stale expected version: the message names the current version
 * and its author), UNAVAILABLE (the database or a directory cannot be read or written).
 *
 * <p>Search is full-text (FTS5 bm25), or hybrid when {@code memory: embeddings:} in munero.yaml or
 * {@code [memory.embeddings]} in the user config names an embedding endpoint ({@link Embedders#forRepository}).
 *
 * <p>Thread-safe: the bank is; one instance per repository may be shared by many threads (the server keeps one per
 * request). Other processes may use the same file at the same time (SQLite WAL).
 */
public final class Memory implements AutoCloseable {
    /** The most entries or hits one {@link #list} or {@link #search} returns. */
    public static final int MAX_LIMIT = MemoryBank.MAX_LIMIT;

    private final Path repo;
    private final MemoryBank bank;

    private Memory(Path repo, MemoryBank bank) {
        this.repo = repo;
        this.bank = bank;
    }

    /**
     * The memory bank of {@code repo} (its {@code .munero/munero.db}).
     *
     * @param create make the database when absent (to put or import); otherwise a missing one is NOT_FOUND
     * @throws AppException NOT_FOUND when there is no database and {@code create} is false; UNAVAILABLE when it
     *                      cannot be opened; INVALID when the embeddings settings are wrong or OpenAI's key is
     *                      missing (the message names where)
     */
    public static Memory open(Path repo, Clock clock, boolean create) {
        return open(repo, clock, create, System.getenv());
    }

    /** {@link #open(Path, Clock, boolean)} with the environment that supplies keys and the user config's place. */
    public static Memory open(Path repo, Clock clock, boolean create, Map<String, String> env) {
        Path dir = repo.toAbsolutePath().normalize();
        Path db = BuildManager.databaseOf(dir);
        if (!create && !Files.isRegularFile(db)) {
            throw AppException.notFound("no memory in " + dir + " (there is no " + dir.relativize(db) + "); "
                    + "store an entry with munero memory put KEY VALUE, or pass the repository with -C DIR");
        }
        if (create) {
            excludeStateDir(dir);
        }
        try {
            Files.createDirectories(db.getParent());
            return new Memory(dir, MemoryBank.open(db, clock, embedder(dir, env)));
        } catch (IOException | StoreException e) {
            throw AppException.unavailable("cannot open the memory bank " + db + ": " + e.getMessage(), e);
        }
    }

    /** Keeps {@code .munero/} out of {@code git status}, as {@code munero run} and {@code munero build} do. */
    private static void excludeStateDir(Path dir) {
        try {
            GitFiles.excludeStateDir(dir);
        } catch (IOException e) {
            throw AppException.unavailable("cannot add .munero/ to the git exclude file (.git/info/exclude) of " + dir
                    + ", so git would show the memory bank as a change: " + e.getMessage(), e);
        }
    }

    private static Optional<Embedder> embedder(Path repo, Map<String, String> env) {
        try {
            return Embedders.forRepository(repo, env, RunSessions.userConfig(env));
        } catch (ConfigException | IllegalArgumentException | ProviderException e) {
            throw AppException.invalid("memory embeddings: " + e.getMessage());
        }
    }

    /** The repository, absolute and normalized. */
    public Path repo() {
        return repo;
    }

    /**
     * The entries that match {@code query}'s words, best first ({@link MemoryBank#search}).
     *
     * @throws AppException INVALID when {@code limit} is not 1 to {@value #MAX_LIMIT} or the query has no word
     */
    public Found search(String query, Filter filter, int limit) {
        if (query == null || query.isBlank()) {
            throw AppException.invalid("the search query is empty; give words to look for");
        }
        checkLimit(limit);
        SearchResult result = call(() -> bank.search(query, filter, limit));
        return new Found(result.mode(), result.note().orElse(null), result.hits().stream().map(h -> new Hit(Item.of(h.entry()), h.bm25(),
                h.cosine().isPresent() ? h.cosine().getAsDouble() : null,
                h.fused().isPresent() ? h.fused().getAsDouble() : null)).toList());
    }

    /**
     * The entries {@code filter} selects, by namespace then key, at most {@code limit}.
     *
     * @throws AppException INVALID when {@code limit} is not 1 to {@value #MAX_LIMIT}
     */
    public List<Item> list(Filter filter, int limit) {
        checkLimit(limit);
        return call(() -> bank.list(filter, limit)).stream().map(Item::of).toList();
    }

    /** @throws AppException NOT_FOUND when there is no such entry; INVALID for a malformed namespace or key */
    public Item show(String namespace, String key) {
        return call(() -> bank.get(namespace, key)).map(Item::of).orElseThrow(() -> AppException.notFound("there is no memory "
                + "entry " + namespace + "/" + key + " in " + repo + "; see munero memory list"));
    }

    /**
     * Writes an entry ({@link MemoryBank#put}).
     *
     * @return the entry as written, with its new version
     * @throws AppException CONFLICT when the entry is not at the expected version (the message names the current
     *                      version and its author); INVALID for a JSON value that does not parse
     */
    public Item put(PutRequest request) {
        return call(() -> {
            try {
                return Item.of(bank.put(request));
            } catch (StaleVersionException e) {
                throw AppException.conflict(e.getMessage());
            }
        });
    }

    /**
     * Deletes an entry at {@code expectedVersion} ({@link PutRequest#ANY}: at any version).
     *
     * @throws AppException NOT_FOUND when there is no such entry; CONFLICT when it is at another version
     */
    public void delete(String namespace, String key, long expectedVersion) {
        boolean deleted = call(() -> {
            try {
                return bank.delete(namespace, key, expectedVersion);
            } catch (StaleVersionException e) {
                if (e.currentVersion() == 0) {
                    return false;
                }
                throw AppException.conflict(e.getMessage());
            }
        });
        if (!deleted) {
            throw AppException.notFound("there is no memory entry " + namespace + "/" + key + " in " + repo
                    + "; see munero memory list");
        }
    }

    /**
     * Writes every entry to {@code directory} as one Markdown file each ({@link MemoryBank#exportMarkdown}).
     *
     * @throws AppException UNAVAILABLE when the directory or a file cannot be written
     */
    public ExportReport exportTo(Path directory) {
        return call(() -> {
            try {
                return bank.exportMarkdown(directory);
            } catch (IOException e) {
                throw AppException.unavailable("cannot export the memory bank to " + directory + ": "
                        + e.getMessage(), e);
            }
        });
    }

    /**
     * Imports the Markdown entry files under {@code directory} ({@link MemoryBank#importMarkdown}): an older
     * version never replaces a newer one.
     *
     * @throws AppException NOT_FOUND when {@code directory} is not a directory; INVALID when a file is not an entry
     *                      file (nothing was imported); UNAVAILABLE when a file cannot be read
     */
    public ImportReport importFrom(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw AppException.notFound("there is no directory " + directory + " to import memory entries from");
        }
        return call(() -> {
            try {
                return bank.importMarkdown(directory);
            } catch (MemoryFileException e) {
                throw AppException.invalid(e.getMessage() + "; nothing was imported");
            } catch (IOException e) {
                throw AppException.unavailable("cannot import memory entries from " + directory + ": "
                        + e.getMessage(), e);
            }
        });
    }

    /** Counts of entries by namespace and kind, value sizes, stored vectors, the search mode. */
    public MemoryStats stats() {
        return call(bank::stats);
    }

    @Override
    public void close() {
        bank.close();
    }

    /**
     * An entry as the front ends show it (JSON: snake_case fields, {@code value_type} {@code text} or {@code json},
     * times ISO-8601 UTC).
     *
     * @param author who wrote this version: agent, task and run, each null when not known
     */
    public record Item(String namespace, String key, String kind, String value, String valueType, List<String> tags,
                       Author author, Instant createdAt, Instant updatedAt, long version) {
        /** The view of {@code e}. */
        public static Item of(Entry e) {
            return new Item(e.namespace(), e.key(), e.kind(), e.value(), e.valueType().wireName(), e.tags(),
                    e.author(), e.createdAt(), e.updatedAt(), e.version());
        }
    }

    /**
     * One search hit: the entry and its scores (higher is better).
     *
     * @param bm25   the full-text relevance (FTS5 bm25, negated)
     * @param cosine the embeddings' cosine similarity, null in full-text mode
     * @param fused  the reciprocal-rank-fusion score, null in full-text mode
     */
    public record Hit(Item entry, double bm25, Double cosine, Double fused) { }

    /**
     * What a search found.
     *
     * @param mode {@code full-text} (bm25 only) or {@code hybrid} (bm25 and cosine, fused)
     * @param note why a search with an embedder fell back to full-text, or how many entries have no embedding
     *             yet; null when there is nothing to say
     * @param hits best first
     */
    public record Found(String mode, String note, List<Hit> hits) { }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw AppException.invalid("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** Runs {@code work}, mapping a malformed argument to INVALID and a database failure to UNAVAILABLE. */
    private static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        } catch (StoreException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
    }
}
