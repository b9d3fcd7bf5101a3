-- The append-only event log is the source of truth; runs is a projection of it, updated in the same
-- transaction as each append. model_calls keeps every completed model call so a resumed run never re-sends one.

CREATE TABLE runs (
    id          TEXT    PRIMARY KEY,
    state       TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,            -- ISO-8601 instant, UTC
    updated_at  TEXT    NOT NULL,
    last_seq    INTEGER NOT NULL,            -- the newest event of this run folded into the row
    summary     TEXT    NOT NULL DEFAULT '{}' -- JSON: what the projection keeps of the run (spec, repo, totals)
);

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      TEXT    NOT NULL REFERENCES runs (id),
    at          TEXT    NOT NULL,            -- ISO-8601 instant, UTC
    type        TEXT    NOT NULL,            -- e.g. run_started, state_changed, model_call, tool_call
    payload     TEXT    NOT NULL             -- JSON object
);
CREATE INDEX events_by_run ON events (run_id, seq);

CREATE TABLE model_calls (
    run_id      TEXT    NOT NULL REFERENCES runs (id),
    scope       TEXT    NOT NULL,            -- who made the calls, e.g. plan, task:3, reflect:2
    call_index  INTEGER NOT NULL,            -- 0, 1, 2, ... within the scope
    digest      TEXT    NOT NULL,            -- the request digest: a resumed call must match it
    response    TEXT    NOT NULL,            -- JSON
    usage       TEXT    NOT NULL,            -- JSON
    cost_usd    REAL,                        -- NULL when the model's price is unknown
    at          TEXT    NOT NULL,
    PRIMARY KEY (run_id, scope, call_index)
);
