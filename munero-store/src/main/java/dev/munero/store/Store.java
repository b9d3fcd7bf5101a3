package dev.munero.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Munero's durable state: one SQLite database file (normally {@code .munero/munero.db}) in WAL mode, its schema
 * under Flyway migrations ({@code dev/munero/store/migration}). The event log is append-only and the source of
 * truth; the {@code runs} table is its projection, written in the same transaction as each event, so a crash
 * (even {@code kill -9}) leaves both at the same committed event.
 *
 * <p>Model calls are accounted write-ahead: a call's worst-case cost is reserved ({@link #reserveModelCall}) and
 * committed before the call is sent, and replaced by its real cost when the call is stored
 * ({@link #putModelCall(ModelCallRecord, long)}); a reservation left open by a crash is settled at its worst case
 * by the next session ({@link #appendSettling}). So what the store says a run spent is never less than what the
 * provider could have billed.
 *
 * <p>Thread-safe: one connection, every operation synchronized. Other processes may open the same file at the
 * same time (another terminal pausing a run); SQLite serialises their writes, waiting up to
 * {@value SqliteFile#BUSY_TIMEOUT_MILLIS} ms for a lock.
 */
public final class Store implements AutoCloseable {
    /** The Flyway location of the schema of Munero's database file, for other stores opening the same file. */
    public static final String MIGRATIONS = "classpath:dev/munero/store/migration";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path file;
    private final Connection connection;
    private final Clock clock;

    private Store(Path file, Connection connection, Clock clock) {
        this.file = file;
        this.connection = connection;
        this.clock = clock;
    }

    /**
     * Opens (creating when absent) the database, bringing its schema up to date.
     *
     * @param file  the database file; its directory is created
     * @param clock the time events are stamped with
     * @throws StoreException when the file cannot be created or opened, or a migration fails (the message names
     *                        the file; a failed migration leaves the schema at the last one that succeeded)
     */
    public static Store open(Path file, Clock clock) {
        Path absolute = file.toAbsolutePath();
        return new Store(absolute, SqliteFile.open(absolute, MIGRATIONS), clock);
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    /**
     * Creates a run and appends its first event, {@code run_created}, with {@code payload}.
     *
     * @throws StoreException when a run with this id exists, or the write fails
     */
    public synchronized RunRecord createRun(String runId, String state, ObjectNode summary, ObjectNode payload) {
        Instant now = clock.instant();
        return transaction("create run " + runId, () -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO runs (id, state, created_at, updated_at, last_seq, summary) VALUES (?, ?, ?, ?, 0, ?)")) {
                insert.setString(1, runId);
                insert.setString(2, state);
                insert.setString(3, now.toString());
                insert.setString(4, now.toString());
                insert.setString(5, JSON.writeValueAsString(summary));
                insert.executeUpdate();
            }
            long seq = insertEvent(runId, now, "run_created", payload);
            RunRecord created = new RunRecord(runId, state, now, now, seq, summary);
            writeRun(created);
            return created;
        });
    }

    /**
     * Appends an event to a run and updates the run's projection in the same transaction.
     *
     * @param projection folds the event into the run's record (e.g. {@code r -> r.withState("Paused")}); its
     *                   {@code updatedAt} and {@code lastSeq} are set here
     * @return the stored event
     * @throws StoreException when the run does not exist, or the write fails (then neither is written)
     */
    public synchronized StoredEvent append(String runId, String type, ObjectNode payload,
                                           UnaryOperator<RunRecord> projection) {
        Instant now = clock.instant();
        return transaction("append " + type + " to run " + runId, () -> {
            RunRecord current = readRun(runId).orElseThrow(() -> new SQLException("no run " + runId));
            long seq = insertEvent(runId, now, type, payload);
            RunRecord next = projection.apply(current);
            writeRun(new RunRecord(runId, next.state(), current.createdAt(), now, seq, next.summary()));
            return new StoredEvent(seq, runId, now, type, payload);
        });
    }

    /** A run's current record, if the run exists. */
    public synchronized Optional<RunRecord> run(String runId) {
        return read("read run " + runId, () -> readRun(runId));
    }

    /** Every run, newest first. */
    public synchronized List<RunRecord> runs() {
        return read("list runs", () -> {
            List<RunRecord> result = new ArrayList<>();
            try (PreparedStatement q = connection.prepareStatement(
                    "SELECT id, state, created_at, updated_at, last_seq, summary FROM runs ORDER BY created_at DESC, id");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    result.add(runRecord(rs));
                }
            }
            return result;
        });
    }

    /** A run's events in order, from {@code afterSeq} (exclusive; 0 for all). */
    public synchronized List<StoredEvent> events(String runId, long afterSeq) {
        return events(runId, afterSeq, Integer.MAX_VALUE);
    }

    /** At most {@code limit} (1 or more) of a run's events in order, from {@code afterSeq} (exclusive; 0 for all). */
    public synchronized List<StoredEvent> events(String runId, long afterSeq, int limit) {
        return read("read events of run " + runId, () -> {
            List<StoredEvent> result = new ArrayList<>();
            try (PreparedStatement q = connection.prepareStatement(
                    "SELECT seq, at, type, payload FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                q.setString(1, runId);
                q.setLong(2, afterSeq);
                q.setInt(3, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        result.add(new StoredEvent(rs.getLong(1), runId, Instant.parse(rs.getString(2)),
                                rs.getString(3), object(rs.getString(4))));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Keeps a completed model call. Writing the same call twice (a resumed run that got as far as storing it)
     * keeps the first.
     *
     * @throws StoreException when the run does not exist or the write fails
     */
    public synchronized void putModelCall(ModelCallRecord call) {
        putModelCall(call, 0);
    }

    /**
     * Reserves a model call's worst-case cost before the call is sent: the row is committed when this returns, so
     * a process killed while the call is in flight leaves it behind ({@link #openReservations}).
     *
     * @param worstCaseUsd the most the call can cost, USD; empty when the model's price is unknown
     * @return the reservation's id, for {@link #putModelCall(ModelCallRecord, long)} or {@link #cancelReservation}
     * @throws StoreException when the run does not exist or the write fails
     */
    public synchronized long reserveModelCall(String runId, String scope, int callIndex, OptionalDouble worstCaseUsd) {
        Instant now = clock.instant();
        return transaction("reserve the cost of model call " + scope + "#" + callIndex + " of run " + runId, () -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO cost_reservations "
                    + "(run_id, scope, call_index, worst_case_usd, at) VALUES (?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                insert.setString(1, runId);
                insert.setString(2, scope);
                insert.setInt(3, callIndex);
                if (worstCaseUsd.isPresent()) {
                    insert.setDouble(4, worstCaseUsd.getAsDouble());
                } else {
                    insert.setNull(4, Types.REAL);
                }
                insert.setString(5, now.toString());
                insert.executeUpdate();
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /**
     * Drops a reservation whose call was not billed (the provider refused it); nothing when there is none.
     *
     * @throws StoreException when the write fails
     */
    public synchronized void cancelReservation(long reservationId) {
        transaction("cancel cost reservation " + reservationId, () -> {
            deleteReservation(reservationId);
            return null;
        });
    }

    /** A run's reservations whose call never completed (in flight, or cut off by a crash), oldest first. */
    public synchronized List<ReservationRecord> openReservations(String runId) {
        return read("read the cost reservations of run " + runId, () -> {
            List<ReservationRecord> result = new ArrayList<>();
            try (PreparedStatement q = connection.prepareStatement("SELECT id, scope, call_index, worst_case_usd, at "
                    + "FROM cost_reservations WHERE run_id = ? ORDER BY id")) {
                q.setString(1, runId);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        double worst = rs.getDouble(4);
                        OptionalDouble worstUsd = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(worst);
                        result.add(new ReservationRecord(rs.getLong(1), runId, rs.getString(2), rs.getInt(3), worstUsd,
                                Instant.parse(rs.getString(5))));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Appends an event that settles a reservation for good (a call cut off, counted at its worst case) and deletes
     * the reservation, in one transaction: the cost moves from the reservation to the event log exactly once.
     *
     * @return the stored event
     * @throws StoreException when the run or the reservation does not exist, or the write fails (then neither changes)
     */
    public synchronized StoredEvent appendSettling(long reservationId, String runId, String type, ObjectNode payload,
                                                   UnaryOperator<RunRecord> projection) {
        Instant now = clock.instant();
        return transaction("settle cost reservation " + reservationId + " of run " + runId, () -> {
            if (deleteReservation(reservationId) == 0) {
                throw new SQLException("no cost reservation " + reservationId);
            }
            RunRecord current = readRun(runId).orElseThrow(() -> new SQLException("no run " + runId));
            long seq = insertEvent(runId, now, type, payload);
            RunRecord next = projection.apply(current);
            writeRun(new RunRecord(runId, next.state(), current.createdAt(), now, seq, next.summary()));
            return new StoredEvent(seq, runId, now, type, payload);
        });
    }

    /**
     * Keeps a completed model call and drops its reservation, in one transaction: the reserved worst case is
     * replaced by the real cost. Writing the same call twice keeps the first.
     *
     * @param reservationId from {@link #reserveModelCall}; 0 for none
     * @throws StoreException when the run does not exist or the write fails (then neither changes)
     */
    public synchronized void putModelCall(ModelCallRecord call, long reservationId) {
        transaction("store model call " + call.scope() + "#" + call.callIndex() + " of run " + call.runId(), () -> {
            deleteReservation(reservationId);
            try (PreparedStatement insert = connection.prepareStatement("INSERT OR IGNORE INTO model_calls "
                    + "(run_id, scope, call_index, digest, response, usage, cost_usd, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, call.runId());
                insert.setString(2, call.scope());
                insert.setInt(3, call.callIndex());
                insert.setString(4, call.digest());
                insert.setString(5, JSON.writeValueAsString(call.response()));
                insert.setString(6, JSON.writeValueAsString(call.usage()));
                if (call.costUsd().isPresent()) {
                    insert.setDouble(7, call.costUsd().getAsDouble());
                } else {
                    insert.setNull(7, Types.REAL);
                }
                insert.setString(8, call.at().toString());
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** A completed model call, if there is one at this position. */
    public synchronized Optional<ModelCallRecord> modelCall(String runId, String scope, int callIndex) {
        return read("read model call " + scope + "#" + callIndex + " of run " + runId, () -> {
            try (PreparedStatement q = connection.prepareStatement("SELECT digest, response, usage, cost_usd, at "
                    + "FROM model_calls WHERE run_id = ? AND scope = ? AND call_index = ?")) {
                q.setString(1, runId);
                q.setString(2, scope);
                q.setInt(3, callIndex);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    double cost = rs.getDouble(4);
                    OptionalDouble costUsd = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(cost);
                    return Optional.of(new ModelCallRecord(runId, scope, callIndex, rs.getString(1),
                            object(rs.getString(2)), object(rs.getString(3)), costUsd, Instant.parse(rs.getString(5))));
                }
            }
        });
    }

    /** Every completed model call of a run, by scope then index. */
    public synchronized List<ModelCallRecord> modelCalls(String runId) {
        return read("read model calls of run " + runId, () -> {
            List<ModelCallRecord> result = new ArrayList<>();
            try (PreparedStatement q = connection.prepareStatement("SELECT scope, call_index, digest, response, usage, "
                    + "cost_usd, at FROM model_calls WHERE run_id = ? ORDER BY scope, call_index")) {
                q.setString(1, runId);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        double cost = rs.getDouble(6);
                        OptionalDouble costUsd = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(cost);
                        result.add(new ModelCallRecord(runId, rs.getString(1), rs.getInt(2), rs.getString(3),
                                object(rs.getString(4)), object(rs.getString(5)), costUsd,
                                Instant.parse(rs.getString(7))));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Keeps lessons. A lesson already kept at the same (run, iteration, ordinal), as when a resumed run reflects
     * again, is left as it was.
     *
     * @throws StoreException when the write fails (then none is written)
     */
    public synchronized void putLessons(List<LessonRecord> lessons) {
        transaction("store " + lessons.size() + " lessons", () -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT OR IGNORE INTO lessons (run_id, "
                    + "iteration, ordinal, created_at, check_name, what_failed, why, fix, files, confirmed) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (LessonRecord l : lessons) {
                    insert.setString(1, l.runId());
                    insert.setInt(2, l.iteration());
                    insert.setInt(3, l.ordinal());
                    insert.setString(4, l.createdAt().toString());
                    insert.setString(5, l.check());
                    insert.setString(6, l.whatFailed());
                    insert.setString(7, l.why());
                    insert.setString(8, l.fix());
                    insert.setString(9, JSON.writeValueAsString(l.files()));
                    insert.setInt(10, l.confirmed() ? 1 : 0);
                    insert.executeUpdate();
                }
            }
            return null;
        });
    }

    /** Marks every lesson of a run confirmed: a later iteration passed the checks. */
    public synchronized void confirmLessons(String runId) {
        transaction("confirm the lessons of run " + runId, () -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE lessons SET confirmed = 1 WHERE run_id = ?")) {
                update.setString(1, runId);
                update.executeUpdate();
            }
            return null;
        });
    }

    /** The newest lessons of every run, at most {@code limit}, newest first. */
    public synchronized List<LessonRecord> lessons(int limit) {
        return read("read lessons", () -> {
            List<LessonRecord> result = new ArrayList<>();
            try (PreparedStatement q = connection.prepareStatement("SELECT run_id, iteration, ordinal, created_at, "
                    + "check_name, what_failed, why, fix, files, confirmed FROM lessons "
                    + "ORDER BY created_at DESC, run_id, iteration, ordinal LIMIT ?")) {
                q.setInt(1, limit);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        List<String> files = new ArrayList<>();
                        JSON.readTree(rs.getString(9)).forEach(f -> files.add(f.asString()));
                        result.add(new LessonRecord(rs.getString(1), rs.getInt(2), rs.getInt(3),
                                Instant.parse(rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), files, rs.getInt(10) == 1));
                    }
                }
            }
            return result;
        });
    }

    // ---- agent_tasks (issue 14): what each agent profile ran, for the scheduler and munero agents ----

    /**
     * Records that {@code profile} was assigned {@code task}. A row of the same (run, iteration, task) is replaced,
     * so a task assigned again in a resumed session is one row, not two.
     *
     * @throws StoreException when the write fails
     */
    public synchronized void startAgentTask(String runId, int iteration, String task, String profile, String role,
                                            Instant startedAt) {
        transaction("record the assignment of task " + task + " of run " + runId, () -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO agent_tasks (run_id, iteration, "
                    + "task, profile, role, started_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, iteration, "
                    + "task) DO UPDATE SET profile = excluded.profile, role = excluded.role, started_at = "
                    + "excluded.started_at, finished_at = NULL, condition = NULL, cost_usd = NULL, duration_ms = "
                    + "NULL, files = '[]', checks_passed = NULL")) {
                upsert.setString(1, runId);
                upsert.setInt(2, iteration);
                upsert.setString(3, task);
                upsert.setString(4, profile);
                upsert.setString(5, role);
                upsert.setString(6, startedAt.toString());
                upsert.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records how an assigned task ended; its duration is from its assignment to {@code finishedAt}. Nothing
     * happens when the task was not assigned ({@link #startAgentTask}).
     *
     * @param files the files its commit changed, repository-relative
     * @throws StoreException when the write fails
     */
    public synchronized void finishAgentTask(String runId, int iteration, String task, Instant finishedAt,
                                             String condition, OptionalDouble costUsd, List<String> files) {
        transaction("record the end of task " + task + " of run " + runId, () -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE agent_tasks SET finished_at = ?, "
                    + "condition = ?, cost_usd = ?, duration_ms = MAX(0, CAST(ROUND((julianday(?) - julianday("
                    + "started_at)) * 86400000) AS INTEGER)), files = ? WHERE run_id = ? AND iteration = ? AND "
                    + "task = ?")) {
                update.setString(1, finishedAt.toString());
                update.setString(2, condition);
                if (costUsd.isPresent()) {
                    update.setDouble(3, costUsd.getAsDouble());
                } else {
                    update.setNull(3, Types.REAL);
                }
                update.setString(4, finishedAt.toString());
                update.setString(5, JSON.writeValueAsString(files));
                update.setString(6, runId);
                update.setInt(7, iteration);
                update.setString(8, task);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records the outcome of checks that just ran in {@code runId}: every finished task of the run whose
     * {@code checks_passed} is still unknown gets {@code passed} (the first checks after a task are its checks).
     *
     * @return how many rows were set
     * @throws StoreException when the write fails
     */
    public synchronized int settleAgentTasks(String runId, boolean passed) {
        return transaction("record the checks of the tasks of run " + runId, () -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE agent_tasks SET checks_passed = ? "
                    + "WHERE run_id = ? AND checks_passed IS NULL AND finished_at IS NOT NULL")) {
                update.setInt(1, passed ? 1 : 0);
                update.setString(2, runId);
                return update.executeUpdate();
            }
        });
    }

    /** Every row of {@code agent_tasks}, of every run, oldest assignment first. */
    public synchronized List<AgentTaskRecord> agentTasks() {
        return read("read agent tasks", () -> {
            List<AgentTaskRecord> result = new ArrayList<>();
            try (PreparedStatement q = connection.prepareStatement("SELECT run_id, iteration, task, profile, role, "
                    + "started_at, finished_at, condition, cost_usd, duration_ms, files, checks_passed FROM "
                    + "agent_tasks ORDER BY started_at, run_id, iteration, task");
                 ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    String finished = rs.getString(7);
                    double cost = rs.getDouble(9);
                    OptionalDouble costUsd = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(cost);
                    long duration = rs.getLong(10);
                    java.util.OptionalLong durationMs = rs.wasNull() ? java.util.OptionalLong.empty()
                            : java.util.OptionalLong.of(duration);
                    List<String> files = new ArrayList<>();
                    JSON.readTree(rs.getString(11)).forEach(f -> files.add(f.asString()));
                    int passed = rs.getInt(12);
                    Optional<Boolean> checksPassed = rs.wasNull() ? Optional.empty() : Optional.of(passed == 1);
                    result.add(new AgentTaskRecord(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), Instant.parse(rs.getString(6)), Optional.ofNullable(finished)
                            .map(Instant::parse), Optional.ofNullable(rs.getString(8)), costUsd, durationMs, files,
                            checksPassed));
                }
            }
            return result;
        });
    }

    /**
     * Deletes a run with its events, model calls, cost reservations and agent tasks; false when there was no such
     * run.
     */
    public synchronized boolean deleteRun(String runId) {
        return transaction("delete run " + runId, () -> {
            for (String table : List.of("cost_reservations", "model_calls", "agent_tasks", "events")) {
                try (PreparedStatement delete = connection.prepareStatement(
                        "DELETE FROM " + table + " WHERE run_id = ?")) {
                    delete.setString(1, runId);
                    delete.executeUpdate();
                }
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM runs WHERE id = ?")) {
                delete.setString(1, runId);
                return delete.executeUpdate() > 0;
            }
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

    private int deleteReservation(long reservationId) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM cost_reservations WHERE id = ?")) {
            delete.setLong(1, reservationId);
            return delete.executeUpdate();
        }
    }

    private long insertEvent(String runId, Instant at, String type, ObjectNode payload) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO events (run_id, at, type, payload) VALUES (?, ?, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, runId);
            insert.setString(2, at.toString());
            insert.setString(3, type);
            insert.setString(4, JSON.writeValueAsString(payload));
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private void writeRun(RunRecord run) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE runs SET state = ?, updated_at = ?, last_seq = ?, summary = ? WHERE id = ?")) {
            update.setString(1, run.state());
            update.setString(2, run.updatedAt().toString());
            update.setLong(3, run.lastSeq());
            update.setString(4, JSON.writeValueAsString(run.summary()));
            update.setString(5, run.id());
            update.executeUpdate();
        }
    }

    private Optional<RunRecord> readRun(String runId) throws SQLException {
        try (PreparedStatement q = connection.prepareStatement(
                "SELECT id, state, created_at, updated_at, last_seq, summary FROM runs WHERE id = ?")) {
            q.setString(1, runId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() ? Optional.of(runRecord(rs)) : Optional.empty();
            }
        }
    }

    private static RunRecord runRecord(ResultSet rs) throws SQLException {
        return new RunRecord(rs.getString(1), rs.getString(2), Instant.parse(rs.getString(3)),
                Instant.parse(rs.getString(4)), rs.getLong(5), object(rs.getString(6)));
    }

    private static ObjectNode object(String json) {
        return (ObjectNode) JSON.readTree(json);
    }

    private <T> T transaction(String what, SqliteFile.Work<T> work) {
        return SqliteFile.transaction(connection, file, what, work);
    }

    private <T> T read(String what, SqliteFile.Work<T> work) {
        return SqliteFile.read(file, what, work);
    }
}
