-- The server database (server.db beside the user config): API tokens and the hash-chained audit log (issue 12).
-- A separate file with its own migration location from the run database (.munero/munero.db).

-- A token's secret is never stored: only its SHA-256 (lowercase hex). Names are unique among active tokens, so a
-- revoked name can be reused.
CREATE TABLE tokens (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    sha256       TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE UNIQUE INDEX tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

-- The audit log: ids 1, 2, 3... without gaps; each row stores the previous row's hash (64 zeros for row 1) and its
-- own hash over its canonical content (see AuditChain). audit_head is the chain's end, written in the same
-- transaction as each row, so a deleted last row is seen too.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    who       TEXT    NOT NULL,
    token_id  TEXT,
    action    TEXT    NOT NULL,
    remote    TEXT    NOT NULL,
    status    INTEGER NOT NULL,
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);

CREATE TABLE audit_head (
    only_row  INTEGER PRIMARY KEY CHECK (only_row = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT    NOT NULL
);
INSERT INTO audit_head (only_row, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Append-only against mistakes (an UPDATE or DELETE by hand fails); against intent, the hash chain is the check.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
