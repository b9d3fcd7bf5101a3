package dev.munero.memory.embed;

import dev.munero.llm.ProviderException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The memory bank's vectors, one row per entry and embedding model in {@code memory_vectors} (schema migration V5:
 * {@code entry_id, model, dims, vector} as {@link Vectors#toBlob float32 little-endian}, {@code text_hash}), and
 * the cosine ranking over them.
 *
 * <p>What is embedded for an entry is {@link #text}: its key, its tags and its value. Invariant: a row's
 * {@code text_hash} is the {@link Vectors#textHash} of the entry's text when the row was written, and a row is
 * only written when that hash matches the entry's text at that moment ({@link #store}); the memory bank deletes an
 * entry's rows in the transaction that changes its text ({@link #forget}), so an entry with a row for a model has a
 * current vector, and one without ({@link #missing}) is embedded on the next put or search.
 *
 * <p>The SQL methods take the bank's connection and run with its monitor held; {@link #embed} calls the network
 * and is meant to run without it. Thread-safe otherwise (stateless apart from the embedder).
 */
public final class VectorIndex {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Embedder embedder;

    public VectorIndex(Embedder embedder) {
        this.embedder = embedder;
    }

    public Embedder embedder() {
        return embedder;
    }

    /** An entry's text to embed, with its hash. */
    public record Pending(long entryId, String text, String hash) {
    }

    /** An entry and its cosine similarity to the query, -1 to 1. */
    public record Scored(long entryId, double cosine) {
    }

    /** The text embedded for an entry: its key, its tags (space-separated) and its value, one per line. */
    public static String text(String key, List<String> tags, String value) {
        return key + "\n" + String.join(" ", tags) + "\n" + value;
    }

    /** The text to embed for an entry written as {@code key}, {@code tagsJson} (a JSON array) and {@code value}. */
    static Pending pending(long id, String key, String tagsJson, String value) {
        List<String> tags = new ArrayList<>();
        for (JsonNode tag : JSON.readTree(tagsJson)) {
            tags.add(tag.asString());
        }
        String text = text(key, tags, value);
        return new Pending(id, text, Vectors.textHash(text));
    }

    /**
     * Up to {@code limit} entries without a vector of this embedder's model, oldest first.
     *
     * @param ids when not empty, only these entries
     */
    public List<Pending> missing(Connection c, List<Long> ids, int limit) throws SQLException {
        String only = ids.isEmpty() ? "" : " AND e.id IN (" + "?,".repeat(ids.size() - 1) + "?)";
        try (PreparedStatement q = c.prepareStatement("SELECT e.id, e.key, e.tags, e.value FROM memory_entries e "
                + "WHERE NOT EXISTS (SELECT 1 FROM memory_vectors v WHERE v.entry_id = e.id AND v.model = ?)" + only
                + " ORDER BY e.id LIMIT ?")) {
            int i = 1;
            q.setString(i++, embedder.modelId());
            for (long id : ids) {
                q.setLong(i++, id);
            }
            q.setInt(i, limit);
            List<Pending> out = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    out.add(pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        }
    }

    /** How many entries have no vector of this embedder's model. */
    public long missingCount(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT count(*) FROM memory_entries e WHERE NOT EXISTS "
                + "(SELECT 1 FROM memory_vectors v WHERE v.entry_id = e.id AND v.model = ?)")) {
            q.setString(1, embedder.modelId());
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Embeds pending texts in one call (no database access).
     *
     * @throws ProviderException when the embedder fails (see {@link Embedder#embed})
     */
    public List<float[]> embed(List<Pending> pending) {
        return embedder.embed(pending.stream().map(Pending::text).toList());
    }

    /**
     * Stores vectors for pending entries whose text still hashes as it did when they were read; an entry changed
     * or deleted in between is skipped (its next put or search embeds it again).
     *
     * @return how many rows were written
     */
    public int store(Connection c, List<Pending> pending, List<float[]> vectors) throws SQLException {
        int written = 0;
        try (PreparedStatement current = c.prepareStatement(
                "SELECT key, tags, value FROM memory_entries WHERE id = ?");
             PreparedStatement upsert = c.prepareStatement("INSERT OR REPLACE INTO memory_vectors "
                     + "(entry_id, model, dims, vector, text_hash) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < pending.size(); i++) {
                Pending p = pending.get(i);
                current.setLong(1, p.entryId());
                try (ResultSet rs = current.executeQuery()) {
                    if (!rs.next() || !pending(p.entryId(), rs.getString(1), rs.getString(2), rs.getString(3))
                            .hash().equals(p.hash())) {
                        continue;
                    }
                }
                float[] vector = vectors.get(i);
                upsert.setLong(1, p.entryId());
                upsert.setString(2, embedder.modelId());
                upsert.setInt(3, vector.length);
                upsert.setBytes(4, Vectors.toBlob(vector));
                upsert.setString(5, p.hash());
                written += upsert.executeUpdate();
            }
        }
        return written;
    }

    /** Deletes an entry's vectors of every model: its text changed. */
    public static void forget(Connection c, long entryId) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM memory_vectors WHERE entry_id = ?")) {
            delete.setLong(1, entryId);
            delete.executeUpdate();
        }
    }

    /**
     * The {@code limit} entries most similar to {@code query} by cosine, best first, among the vectors of this
     * embedder's model with the query's dimension count, by a full scan (the bank holds thousands of entries, not
     * millions; see the ARCHITECTURE note for the measured cost).
     *
     * @param where a condition on the entries' table aliased {@code e} (the bank's filter), or empty
     * @param args  its parameters
     */
    public List<Scored> nearest(Connection c, float[] query, String where, List<Object> args, int limit)
            throws SQLException {
        String sql = "SELECT v.entry_id, v.vector FROM memory_vectors v JOIN memory_entries e ON e.id = v.entry_id"
                + " WHERE v.model = ? AND v.dims = ?" + (where.isEmpty() ? "" : " AND " + where);
        PriorityQueue<Scored> best = new PriorityQueue<>(Comparator.comparingDouble(Scored::cosine));
        try (PreparedStatement q = c.prepareStatement(sql)) {
            q.setString(1, embedder.modelId());
            q.setInt(2, query.length);
            for (int i = 0; i < args.size(); i++) {
                q.setObject(i + 3, args.get(i));
            }
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    best.add(new Scored(rs.getLong(1), Vectors.cosine(query, Vectors.fromBlob(rs.getBytes(2)))));
                    if (best.size() > limit) {
                        best.poll();
                    }
                }
            }
        }
        List<Scored> out = new ArrayList<>(best);
        out.sort(Comparator.comparingDouble(Scored::cosine).reversed().thenComparingLong(Scored::entryId));
        return out;
    }
}
