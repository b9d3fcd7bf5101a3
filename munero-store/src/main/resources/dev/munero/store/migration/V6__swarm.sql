-- The swarm (issue 14, second half): file leases that keep two running tasks off the same files, and what each
-- agent profile did, so the scheduler can score profiles by their measured success across runs.

-- One row per leased file. A task leases the files it plans to edit before it starts; a write outside its leases
-- first tries to add a row here, and fails naming the holder when another task's row is there and has not expired.
-- Expired rows (expires_at in the past: the holder died without releasing) may be taken over.
CREATE TABLE file_leases (
    path         TEXT    PRIMARY KEY,              -- relative to the repository root, '/'-separated, normalized
    run_id       TEXT    NOT NULL,
    task         TEXT    NOT NULL,                 -- the plan task's id
    holder       TEXT    NOT NULL,                 -- who holds it, for messages: e.g. "task parse-config (coder-1)"
    acquired_at  TEXT    NOT NULL,                 -- ISO-8601 instant, UTC
    expires_at   TEXT    NOT NULL                  -- ISO-8601 instant, UTC; renewed while the task runs
);
CREATE INDEX file_leases_by_task ON file_leases (run_id, task);

-- One row per task an agent profile ran: a projection of task_assigned, task_finished and checks_finished events,
-- kept for the scheduler (success rate, affinity) and `munero agents` (success rate, cost and time per task).
CREATE TABLE agent_tasks (
    run_id        TEXT    NOT NULL,
    iteration     INTEGER NOT NULL,
    task          TEXT    NOT NULL,
    profile       TEXT    NOT NULL,                -- the agent profile's name (munero.yaml agents:)
    role          TEXT    NOT NULL,
    started_at    TEXT    NOT NULL,                -- ISO-8601 instant, UTC
    finished_at   TEXT,                            -- NULL while it runs
    condition     TEXT,                            -- the agent's stop condition, e.g. finished, max-turns
    cost_usd      REAL,                            -- NULL when unknown (unpriced model) or unfinished
    duration_ms   INTEGER,
    files         TEXT    NOT NULL DEFAULT '[]',   -- JSON array: the files the task's commit changed
    checks_passed INTEGER,                         -- 1/0: the first checks run after the task passed; NULL until then
    PRIMARY KEY (run_id, iteration, task)
);
CREATE INDEX agent_tasks_by_profile ON agent_tasks (profile);
