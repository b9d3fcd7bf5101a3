-- The learning store: what failed in a run, why, and what fixed it. Lessons outlive the runs that taught them
-- (no foreign key), so cleaning up old sessions keeps what they taught.

CREATE TABLE lessons (
    run_id      TEXT    NOT NULL,
    iteration   INTEGER NOT NULL,            -- the iteration whose checks failed
    ordinal     INTEGER NOT NULL,            -- 0, 1, 2, ... within the reflection
    created_at  TEXT    NOT NULL,            -- ISO-8601 instant, UTC
    check_name  TEXT    NOT NULL,            -- the failing check (an engine step)
    what_failed TEXT    NOT NULL,
    why         TEXT    NOT NULL,
    fix         TEXT    NOT NULL,
    files       TEXT    NOT NULL DEFAULT '[]', -- JSON array of repository-relative paths
    confirmed   INTEGER NOT NULL DEFAULT 0,  -- 1 once a later iteration of the run passed its checks
    PRIMARY KEY (run_id, iteration, ordinal)
);
