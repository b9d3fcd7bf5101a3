package dev.munero.memory;

import dev.munero.memory.embed.Embedder;
import dev.munero.memory.embed.VectorIndex;
import dev.munero.store.SqliteFile;
import dev.munero.store.Store;
import dev.munero.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The memory bank: versioned entries that agents and users store, read and search, kept in a repository's Munero
 * database file ({@code .munero/munero.db}, table {@code memory_entries}, schema migration V5 of munero-store) next
 * to its runs, so every process that opens the file — {@code munero run}, {@code munero serve}, {@code munero
 * memory}, {@code munero mcp} — sees the same entries.
 *
 * <p>Invariants: {@code (namespace, key)} identifies an entry; its version is 1 when created and grows by exactly
 * one with each write. A write names the version it expects ({@link PutRequest#expectedVersion}); the check and the
 * write happen in one {@code BEGIN IMMEDIATE} transaction, so of two writers that read the same version exactly one
 * succeeds and the other gets a {@link StaleVersionException} (no lost update, across threads and processes). The
 * full-text index ({@code memory_fts}, FTS5) is kept in sync by triggers in the same transaction.
 *
 * <p>Thread-safe: one connection, every operation synchronized. Other processes may open the same file at the same
 * time; SQLite serialises their writes, waiting up to {@value SqliteFile#BUSY_TIMEOUT_MILLIS} ms for a lock.
 */
public final class MemoryBank implements AutoCloseable {
    /** The most hits or entries one {@link #search} or {@link #list} returns. */
    public static final int MAX_LIMIT = 10_000;

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String COLUMNS = "e.id, e.namespace, e.key, e.kind, e.value, e.value_type, e.tags, "
            + "e.author_agent, e.author_task, e.author_run, e.created_at, e.updated_at, e.version";
    /** bm25 column weights (key, value, tags): a word in the key or a tag says more than one in the value. */
    private static final String BM25 = "bm25(memory_fts, 3.0, 1.0, 2.0)";

    private final Path file;
    private final Connection connection;
    private final Clock clock;
    private final Optional<Embedder> embedder;
    private final Optional<VectorIndex> vectors;

    private MemoryBank(Path file, Connection connection, Clock clock, Optional<Embedder> embedder) {
        this.file = file;
        this.connection = connection;
        this.clock = clock;
        this.embedder = embedder;
        this.vectors = embedder.map(VectorIndex::new);
    }

    /**
     * Opens the memory bank of a Munero database file (creating the file when absent), bringing its schema up to
     * date; search is full-text only.
     *
     * @param file  the database file, normally {@code <repo>/.munero/munero.db}
     * @param clock stamps created/updated times
     * @throws StoreException when the file cannot be created or opened, or a migration fails (the message names it)
     */
    public static MemoryBank open(Path file, Clock clock) {
        return open(file, clock, Optional.empty());
    }

    /**
     * Opens the memory bank of a Munero database file with an optional embedder for hybrid search.
     *
     * @param embedder the embedding model for hybrid ranking ({@link dev.munero.memory.embed}), or empty for
     *                 full-text search only
     * @throws StoreException when the file cannot be created or opened, or a migration fails (the message names it)
     */
    public static MemoryBank open(Path file, Clock clock, Optional<Embedder> embedder) {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(embedder, "embedder");
        Path absolute = file.toAbsolutePath();
        return new MemoryBank(absolute, SqliteFile.open(absolute, Store.MIGRATIONS), clock, embedder);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /** The embedder for hybrid search, if one is configured. */
    public Optional<Embedder> embedder() {
        return embedder;
    }

    /**
     * Writes an entry: creates it at version 1, or replaces it with version + 1, if it is at the version the
     * request expects ({@link PutRequest#expectedVersion}).
     *
     * <p>With an embedder, the entry's text is then embedded (outside the write transaction and this bank's lock)
     * and its vector stored; when the embedder fails the entry stays written without a vector, and the next search
     * tries again and says so in its note ({@link HybridSearch}).
     *
     * @return the entry as written, with its new version
     * @throws StaleVersionException    when the entry is not at the expected version (exists when it should be
     *                                  absent, is absent, or is at another version); nothing was written
     * @throws IllegalArgumentException when the value type is JSON and the value is not a JSON document
     * @throws StoreException           when the database cannot be written (nothing was written)
     */
    public Entry put(PutRequest request) throws StaleVersionException {
        Entry written = write(request);
        vectors.ifPresent(index -> HybridSearch.embedQuietly(this, index, List.of(written.id())));
        return written;
    }

    private synchronized Entry write(PutRequest request) throws StaleVersionException {
        Objects.requireNonNull(request, "request");
        if (request.valueType() == ValueType.JSON) {
            checkJson(request.namespace(), request.key(), request.value());
        }
        Instant now = clock.instant();
        String what = "write memory entry " + request.namespace() + "/" + request.key();
        Outcome outcome = SqliteFile.transaction(connection, file, what, () -> {
            Optional<Entry> current = read(request.namespace(), request.key());
            long expected = request.expectedVersion();
            if (current.isPresent()) {
                Entry old = current.get();
                if (expected != PutRequest.ANY && expected != old.version()) {
                    return Outcome.stale(old.version(), old.author());
                }
                Entry next = new Entry(old.id(), old.namespace(), old.key(), request.kind(), request.value(),
                        request.valueType(), request.tags(), request.author(), old.createdAt(), now, old.version() + 1);
                update(next, old);
                return Outcome.written(next);
            }
            if (expected != PutRequest.ANY && expected != PutRequest.ABSENT) {
                return Outcome.stale(0, Author.NONE);
            }
            Entry fresh = new Entry(0, request.namespace(), request.key(), request.kind(), request.value(),
                    request.valueType(), request.tags(), request.author(), now, now, 1);
            return Outcome.written(insert(fresh));
        });
        if (outcome.stale) {
            throw new StaleVersionException(request.namespace(), request.key(), request.expectedVersion(),
                    outcome.currentVersion, outcome.currentAuthor);
        }
        return outcome.entry;
    }

    /**
     * The entry {@code (namespace, key)}, if it exists.
     *
     * @throws IllegalArgumentException when the namespace or key is malformed (see {@link PutRequest})
     * @throws StoreException           when the database cannot be read
     */
    public synchronized Optional<Entry> get(String namespace, String key) {
        PutRequest.checkNamespace(namespace);
        PutRequest.checkKey(key);
        return SqliteFile.read(file, "read memory entry " + namespace + "/" + key, () -> read(namespace, key));
    }

    /**
     * The entries {@code filter} selects, ordered by namespace then key, at most {@code limit}.
     *
     * @param limit 1 to {@value #MAX_LIMIT}
     * @throws IllegalArgumentException when {@code limit} is out of range
     * @throws StoreException           when the database cannot be read
     */
    public synchronized List<Entry> list(Filter filter, int limit) {
        Objects.requireNonNull(filter, "filter");
        checkLimit(limit);
        List<Object> args = new ArrayList<>();
        String where = where(filter, args);
        String sql = "SELECT " + COLUMNS + " FROM memory_entries e" + (where.isEmpty() ? "" : " WHERE " + where)
                + " ORDER BY e.namespace, e.key LIMIT ?";
        args.add(limit);
        return SqliteFile.read(file, "list memory entries", () -> query(sql, args, false).stream()
                .map(SearchHit::entry).toList());
    }

    /**
     * Deletes the entry {@code (namespace, key)} if it is at {@code expectedVersion} (or any version, with
     * {@link PutRequest#ANY}).
     *
     * @param expectedVersion the version the caller read (1 or more), or {@link PutRequest#ANY}
     * @return true when an entry was deleted, false when there was none and {@code expectedVersion} is ANY
     * @throws StaleVersionException    when the entry is at another version, or absent while a version was expected
     * @throws IllegalArgumentException when the namespace or key is malformed, or {@code expectedVersion} is
     *                                  {@link PutRequest#ABSENT} (nothing to delete)
     * @throws StoreException           when the database cannot be written
     */
    public synchronized boolean delete(String namespace, String key, long expectedVersion)
            throws StaleVersionException {
        PutRequest.checkNamespace(namespace);
        PutRequest.checkKey(key);
        if (expectedVersion == PutRequest.ABSENT || expectedVersion < PutRequest.ANY) {
            throw new IllegalArgumentException("expected version " + expectedVersion + " of " + namespace + "/" + key
                    + " for a delete is not a version (1 or more) or ANY (-1)");
        }
        Outcome outcome = SqliteFile.transaction(connection, file, "delete memory entry " + namespace + "/" + key,
                () -> {
                    Optional<Entry> current = read(namespace, key);
                    if (current.isEmpty()) {
                        return expectedVersion == PutRequest.ANY ? Outcome.deleted(false)
                                : Outcome.stale(0, Author.NONE);
                    }
                    Entry old = current.get();
                    if (expectedVersion != PutRequest.ANY && expectedVersion != old.version()) {
                        return Outcome.stale(old.version(), old.author());
                    }
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM memory_entries WHERE id = ?")) {
                        delete.setLong(1, old.id());
                        delete.executeUpdate();
                    }
                    return Outcome.deleted(true);
                });
        if (outcome.stale) {
            throw new StaleVersionException(namespace, key, expectedVersion, outcome.currentVersion,
                    outcome.currentAuthor);
        }
        return outcome.deleted;
    }

    /**
     * Searches the entries {@code filter} selects for {@code query}, best first.
     *
     * <p>Full-text: the query is split into words (runs of letters and digits), each quoted as an FTS5 string so
     * no character of the query is FTS5 syntax. Entries holding every word come first, then entries holding any of
     * them; each group ranked by FTS5's bm25 (weights: key 3, value 1, tags 2) over the Porter-stemmed words of key,
     * value and tags. A query without any word finds nothing.
     *
     * @param query what to look for, in words
     * @param limit the most hits, 1 to {@value #MAX_LIMIT}
     * @return the hits and the mode that ranked them
     * @throws IllegalArgumentException when {@code limit} is out of range
     * @throws StoreException           when the database cannot be read
     */
    public SearchResult search(String query, Filter filter, int limit) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(filter, "filter");
        checkLimit(limit);
        if (vectors.isPresent()) {
            return HybridSearch.search(this, vectors.get(), query, filter, limit);
        }
        return new SearchResult(SearchResult.FULL_TEXT, fullText(query, filter, limit));
    }

    /** The full-text ranking: bm25 hits, best first (the hybrid ranking fuses it with the vector ranking). */
    synchronized List<SearchHit> fullText(String query, Filter filter, int limit) {
        Optional<String> match = ftsQuery(query);
        if (match.isEmpty()) {
            return List.of();
        }
        // Entries with every word first: cheap, as FTS5 steps through the rarest word's list, where any-word
        // matching must score every entry holding a common word. Then any word, to fill up to the limit.
        Optional<String> every = ftsQuery(query, " AND ");
        List<SearchHit> hits = new ArrayList<>(ranked(every.orElseThrow(), filter, limit));
        if (hits.size() < limit && !every.equals(match)) {
            Set<Long> found = new HashSet<>();
            hits.forEach(h -> found.add(h.entry().id()));
            for (SearchHit hit : ranked(match.get(), filter, limit + found.size())) {
                if (hits.size() < limit && found.add(hit.entry().id())) {
                    hits.add(hit);
                }
            }
        }
        return hits;
    }

    private List<SearchHit> ranked(String match, Filter filter, int limit) {
        List<Object> args = new ArrayList<>();
        args.add(match);
        String where = where(filter, args);
        String sql = "SELECT " + COLUMNS + ", " + BM25 + " AS score FROM memory_fts"
                + " JOIN memory_entries e ON e.id = memory_fts.rowid WHERE memory_fts MATCH ?"
                + (where.isEmpty() ? "" : " AND " + where) + " ORDER BY score, e.id LIMIT ?";
        args.add(limit);
        return SqliteFile.read(file, "search memory for " + Author.quoted(match), () -> query(sql, args, true));
    }

    /**
     * The FTS5 query for a user's words: each word (a run of letters and digits, as FTS5's unicode61 tokenizer
     * splits text) as a double-quoted FTS5 string, joined by OR; empty when the query has no word. Quoting makes
     * FTS5's operators ({@code AND OR NOT NEAR}, {@code * ^ : ( ) " -}) plain text (https://sqlite.org/fts5.html
     * section 3, "Full-text Query Syntax").
     */
    static Optional<String> ftsQuery(String query) {
        return ftsQuery(query, " OR ");
    }

    private static Optional<String> ftsQuery(String query, String operator) {
        LinkedHashSet<String> words = new LinkedHashSet<>();
        for (String word : query.split("[^\\p{L}\\p{N}]+")) {
            if (!word.isEmpty() && words.size() < 64) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            return Optional.empty();
        }
        List<String> quoted = words.stream().map(w -> "\"" + w.replace("\"", "\"\"") + "\"").toList();
        return Optional.of(String.join(operator, quoted));
    }

    /**
     * Counts of entries (per namespace, per kind), their value sizes and stored vectors.
     *
     * @throws StoreException when the database cannot be read
     */
    public synchronized MemoryStats stats() {
        return SqliteFile.snapshot(connection, file, "count memory entries", () -> {
            long entries;
            long chars;
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(length(value)), 0) FROM memory_entries")) {
                rs.next();
                entries = rs.getLong(1);
                chars = rs.getLong(2);
            }
            TreeMap<String, Long> byNamespace = counts("namespace");
            TreeMap<String, Long> byKind = counts("kind");
            long vectors;
            try (Statement s = connection.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM memory_vectors")) {
                rs.next();
                vectors = rs.getLong(1);
            }
            return new MemoryStats(entries, chars, byNamespace, byKind, vectors,
                    embedder.isPresent() ? SearchResult.HYBRID : SearchResult.FULL_TEXT);
        });
    }

    /**
     * Writes every entry to {@code directory} as one Markdown file: YAML front matter with every field but the
     * database id, then the value exactly. Files are named {@code <namespace>/<key>.md} with characters outside
     * {@code [A-Za-z0-9._-]} percent-encoded; each is written atomically (temporary file, then rename). Existing
     * files of other entries are left alone; a file of the same entry is replaced.
     *
     * @throws IOException    when the directory or a file cannot be written (files written before stay)
     * @throws StoreException when the database cannot be read
     */
    public synchronized ExportReport exportMarkdown(Path directory) throws IOException {
        return MarkdownFiles.export(directory, SqliteFile.read(file, "read memory entries to export",
                () -> query("SELECT " + COLUMNS + " FROM memory_entries e ORDER BY e.namespace, e.key",
                        List.of(), false).stream().map(SearchHit::entry).toList()));
    }

    /**
     * Reads every {@code *.md} file under {@code directory} (as {@link #exportMarkdown} writes them) and writes
     * each entry with the version, times and author in the file, in one transaction: an entry that is absent is
     * created, one at an older version is replaced; one at the same version and identical is unchanged; one newer
     * in the database, or different at the same version, is kept and the file reported as skipped. An import never
     * overwrites a newer version.
     *
     * @throws MemoryFileException when a file is not an entry file (no front matter, bad YAML, a missing or invalid
     *                             field); then nothing was imported
     * @throws IOException         when the directory or a file cannot be read
     * @throws StoreException      when the database cannot be written (nothing was imported)
     */
    public synchronized ImportReport importMarkdown(Path directory) throws IOException, MemoryFileException {
        List<MarkdownFiles.Parsed> parsed = MarkdownFiles.read(directory);
        return SqliteFile.transaction(connection, file, "import memory entries from " + directory, () -> {
            int created = 0;
            int updated = 0;
            int unchanged = 0;
            List<ImportReport.Skipped> skipped = new ArrayList<>();
            for (MarkdownFiles.Parsed p : parsed) {
                Entry incoming = p.entry();
                Optional<Entry> current = read(incoming.namespace(), incoming.key());
                if (current.isEmpty()) {
                    insert(incoming);
                    created++;
                } else if (current.get().version() < incoming.version()) {
                    update(withId(incoming, current.get().id()), current.get());
                    updated++;
                } else if (current.get().version() == incoming.version()
                        && withId(incoming, current.get().id()).equals(current.get())) {
                    unchanged++;
                } else {
                    String reason = current.get().version() > incoming.version() ? "newer in the database"
                            : "different entry at the same version";
                    skipped.add(new ImportReport.Skipped(p.file(), incoming.namespace(), incoming.key(),
                            incoming.version(), current.get().version(), reason));
                }
            }
            return new ImportReport(created, updated, unchanged, skipped);
        });
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }

    /** SQL work on the bank's connection (for {@link HybridSearch}). */
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} on the connection with the monitor held, in autocommit mode or in a write transaction. */
    synchronized <T> T withConnection(String what, boolean write, SqlWork<T> work) {
        return write ? SqliteFile.transaction(connection, file, what, () -> work.run(connection))
                : SqliteFile.read(file, what, () -> work.run(connection));
    }

    /** The entries with these row ids, in no particular order (for {@link HybridSearch}). */
    synchronized List<Entry> entriesById(List<Long> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String sql = "SELECT " + COLUMNS + " FROM memory_entries e WHERE e.id IN (" + "?,".repeat(ids.size() - 1)
                + "?)";
        return SqliteFile.read(file, "read memory entries", () -> query(sql, new ArrayList<>(ids), false).stream()
                .map(SearchHit::entry).toList());
    }

    // --- internals: called with the monitor held -------------------------------------------------------------

    private static Entry withId(Entry e, long id) {
        return new Entry(id, e.namespace(), e.key(), e.kind(), e.value(), e.valueType(), e.tags(), e.author(),
                e.createdAt(), e.updatedAt(), e.version());
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is not between 1 and " + MAX_LIMIT);
        }
    }

    static void checkJson(String namespace, String key, String value) {
        try {
            JsonNode ignored = JSON.readTree(value);
            if (ignored == null || ignored.isMissingNode()) {
                throw new IllegalArgumentException("the value of " + namespace + "/" + key
                        + " has value type json but is empty; give a JSON document or use value type text");
            }
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the value of " + namespace + "/" + key
                    + " has value type json but is not JSON (" + e.getOriginalMessage()
                    + "); fix it or use value type text", e);
        }
    }

    static String where(Filter filter, List<Object> args) {
        List<String> conditions = new ArrayList<>();
        if (filter.namespace() != null) {
            conditions.add("e.namespace = ?");
            args.add(filter.namespace());
        }
        if (filter.kind() != null) {
            conditions.add("e.kind = ?");
            args.add(filter.kind());
        }
        for (String tag : filter.tags()) {
            conditions.add("EXISTS (SELECT 1 FROM json_each(e.tags) AS t WHERE t.value = ?)");
            args.add(tag);
        }
        return String.join(" AND ", conditions);
    }

    private TreeMap<String, Long> counts(String column) throws SQLException {
        TreeMap<String, Long> counts = new TreeMap<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + column + ", count(*) FROM memory_entries GROUP BY " + column)) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    private List<SearchHit> query(String sql, List<Object> args, boolean scored) throws SQLException {
        List<SearchHit> result = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                q.setObject(i + 1, args.get(i));
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    result.add(SearchHit.fullText(entry(rs), scored ? -rs.getDouble(14) : 0));
                }
            }
        }
        return result;
    }

    private Optional<Entry> read(String namespace, String key) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM memory_entries e WHERE e.namespace = ? AND e.key = ?")) {
            q.setString(1, namespace);
            q.setString(2, key);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        }
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        List<String> tags = new ArrayList<>();
        for (JsonNode tag : JSON.readTree(rs.getString(7))) {
            tags.add(tag.asString());
        }
        return new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                ValueType.fromWireName(rs.getString(6)), tags,
                new Author(rs.getString(8), rs.getString(9), rs.getString(10)),
                Instant.parse(rs.getString(11)), Instant.parse(rs.getString(12)), rs.getLong(13));
    }

    private Entry insert(Entry e) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO memory_entries (namespace, key, "
                + "kind, value, value_type, tags, author_agent, author_task, author_run, created_at, updated_at, "
                + "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, e.namespace());
            insert.setString(2, e.key());
            bindFields(insert, 3, e);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return withId(e, keys.getLong(1));
            }
        }
    }

    /** Replaces {@code old} by {@code e}; forgets its vectors when the embedded text changes. */
    private void update(Entry e, Entry old) throws SQLException {
        String text = VectorIndex.text(e.key(), e.tags(), e.value());
        if (!text.equals(VectorIndex.text(old.key(), old.tags(), old.value()))) {
            VectorIndex.forget(connection, e.id());
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE memory_entries SET kind = ?, value = ?, "
                + "value_type = ?, tags = ?, author_agent = ?, author_task = ?, author_run = ?, created_at = ?, "
                + "updated_at = ?, version = ? WHERE id = ?")) {
            bindFields(update, 1, e);
            update.setLong(11, e.id());
            update.executeUpdate();
        }
    }

    /** Binds kind .. version (10 parameters) from {@code first}. */
    private static void bindFields(PreparedStatement s, int first, Entry e) throws SQLException {
        s.setString(first, e.kind());
        s.setString(first + 1, e.value());
        s.setString(first + 2, e.valueType().wireName());
        s.setString(first + 3, JSON.writeValueAsString(e.tags()));
        s.setString(first + 4, e.author().agent());
        s.setString(first + 5, e.author().task());
        s.setString(first + 6, e.author().run());
        s.setString(first + 7, e.createdAt().toString());
        s.setString(first + 8, e.updatedAt().toString());
        s.setLong(first + 9, e.version());
    }

    /** What a write transaction decided: written, deleted, or stale (then nothing was written). */
    private record Outcome(Entry entry, boolean deleted, boolean stale, long currentVersion, Author currentAuthor) {
        static Outcome written(Entry entry) {
            return new Outcome(entry, false, false, 0, Author.NONE);
        }

        static Outcome deleted(boolean deleted) {
            return new Outcome(null, deleted, false, 0, Author.NONE);
        }

        static Outcome stale(long currentVersion, Author currentAuthor) {
            return new Outcome(null, false, true, currentVersion, currentAuthor);
        }
    }
}
