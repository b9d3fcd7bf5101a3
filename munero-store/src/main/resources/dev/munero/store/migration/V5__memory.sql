-- The memory bank (issue 14): versioned entries that agents and users store and search, in the same file as the
-- runs. (namespace, key) identifies an entry; version starts at 1 and grows by one with each write, so a writer
-- that read version n can write only if the entry is still at n (optimistic concurrency, munero-memory MemoryBank).

CREATE TABLE memory_entries (
    id           INTEGER PRIMARY KEY,
    namespace    TEXT    NOT NULL,                 -- project, run:<run id>, agent:<agent name>
    key          TEXT    NOT NULL,
    kind         TEXT    NOT NULL DEFAULT 'note',  -- note, lesson, ...
    value        TEXT    NOT NULL,
    value_type   TEXT    NOT NULL DEFAULT 'text' CHECK (value_type IN ('text', 'json')),
    tags         TEXT    NOT NULL DEFAULT '[]',    -- JSON array of strings
    author_agent TEXT,
    author_task  TEXT,
    author_run   TEXT,
    created_at   TEXT    NOT NULL,                 -- ISO-8601 instant, UTC: when version 1 was written
    updated_at   TEXT    NOT NULL,                 -- when this version was written
    version      INTEGER NOT NULL CHECK (version >= 1),
    UNIQUE (namespace, key)
);

CREATE INDEX memory_entries_kind ON memory_entries (kind);

-- Full-text index over key, value and tags (external content: the text lives once, in memory_entries), kept in
-- sync by the triggers below; ranked with bm25(). Porter stemming so "failing" finds "failed".
CREATE VIRTUAL TABLE memory_fts USING fts5(
    key, value, tags,
    content = 'memory_entries', content_rowid = 'id',
    tokenize = 'porter unicode61'
);

CREATE TRIGGER memory_entries_ai AFTER INSERT ON memory_entries BEGIN
    INSERT INTO memory_fts (rowid, key, value, tags) VALUES (new.id, new.key, new.value, new.tags);
END;

CREATE TRIGGER memory_entries_ad AFTER DELETE ON memory_entries BEGIN
    INSERT INTO memory_fts (memory_fts, rowid, key, value, tags) VALUES ('delete', old.id, old.key, old.value, old.tags);
END;

CREATE TRIGGER memory_entries_au AFTER UPDATE OF key, value, tags ON memory_entries BEGIN
    INSERT INTO memory_fts (memory_fts, rowid, key, value, tags) VALUES ('delete', old.id, old.key, old.value, old.tags);
    INSERT INTO memory_fts (rowid, key, value, tags) VALUES (new.id, new.key, new.value, new.tags);
END;

-- Embeddings of entries for hybrid search, one per entry and model; text_hash says which text was embedded, so a
-- changed entry is re-embedded.
CREATE TABLE memory_vectors (
    entry_id  INTEGER NOT NULL REFERENCES memory_entries (id) ON DELETE CASCADE,
    model     TEXT    NOT NULL,                  -- the embedding model's id
    dims      INTEGER NOT NULL CHECK (dims > 0),
    vector    BLOB    NOT NULL,                  -- dims float32 values, little-endian
    text_hash TEXT    NOT NULL,                  -- SHA-256 (hex) of the text embedded
    PRIMARY KEY (entry_id, model)
);

-- Lessons become entries of kind lesson (the lessons table stays for readers of older versions). Tags: the check,
-- then the files, then "confirmed" when a later iteration of the run passed its checks.
INSERT INTO memory_entries (namespace, key, kind, value, value_type, tags, author_agent, author_task, author_run,
                            created_at, updated_at, version)
SELECT 'project',
       'lesson/' || l.run_id || '/' || l.iteration || '/' || l.ordinal,
       'lesson',
       'What failed: ' || l.what_failed || char(10) || 'Why: ' || l.why || char(10) || 'Fix: ' || l.fix,
       'text',
       (SELECT json_group_array(t.tag) FROM (
            SELECT 0 AS pos, l.check_name AS tag
            UNION ALL SELECT 1 + CAST(f.key AS INTEGER), f.value FROM json_each(l.files) AS f
            UNION ALL SELECT 1000000, 'confirmed' WHERE l.confirmed = 1
            ORDER BY pos) AS t),
       NULL, NULL, l.run_id,
       l.created_at, l.created_at, 1
FROM lessons AS l
ORDER BY l.created_at, l.run_id, l.iteration, l.ordinal;
