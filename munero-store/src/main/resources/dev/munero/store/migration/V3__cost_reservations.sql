-- Write-ahead cost reservations (issue 11.1): before a model call is sent, its worst-case cost is stored here
-- (committed); when the call completes, the row is deleted in the same transaction that stores the call in
-- model_calls with its real cost. A row left behind belongs to a call cut off by a crash or a kill, which the
-- provider may have billed: the next session turns it into a model_call_interrupted event counted at its worst case.

CREATE TABLE cost_reservations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id          TEXT    NOT NULL REFERENCES runs (id),
    scope           TEXT    NOT NULL,        -- who made the call, as in model_calls
    call_index      INTEGER NOT NULL,
    worst_case_usd  REAL,                    -- NULL when the model's price is unknown
    at              TEXT    NOT NULL         -- ISO-8601 instant, UTC: when the call was about to be sent
);
CREATE INDEX cost_reservations_by_run ON cost_reservations (run_id, id);
