package dev.munero.core.app;

import dev.munero.core.BuildManager;
import dev.munero.core.RunLimits;
import dev.munero.core.RunMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * The runs of one repository: every use case a front end has for {@code munero run} sessions, as one method each.
 * Records in, records out, {@link AppException} for every failure a user can cause or fix. The CLI, the REST server
 * and the MCP server call this; none of them opens the store or folds the event log itself.
 *
 * <p>SKELETON (branch api): the signatures are the contract the front ends code against; h/core-runs fills in the
 * bodies and may add methods, but changes a signature only together with its callers.
 *
 * <p>Thread-safe: the store serializes access; one instance per repository may be shared by many threads (the
 * server keeps one per served repository). Another process may write the same database at the same time (SQLite
 * WAL); reads see its committed events.
 */
public final class Runs implements AutoCloseable {
    private Runs() {
    }

    /**
     * The runs of {@code repo} (its {@code .munero/munero.db}).
     *
     * @param create make the database when absent ({@code run start}); otherwise a missing one is NOT_FOUND
     * @throws AppException NOT_FOUND when there is no database and {@code create} is false; UNAVAILABLE when it
     *                      cannot be opened
     */
    public static Runs open(Path repo, Clock clock, boolean create) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /** The repository, absolute and normalized. */
    public Path repo() {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /** Runs, newest first, filtered by state (null: all), paged. */
    public Page<Summary> list(Query query) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /** @throws AppException NOT_FOUND when there is no such run */
    public Detail show(String id) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /**
     * The run's events after {@code since} (a {@link Event#seq()}; 0 for all), oldest first, at most {@code limit}.
     * Seqs increase but are not consecutive within a run (the log is shared by all runs).
     *
     * @throws AppException NOT_FOUND when there is no such run; INVALID when {@code limit < 1}
     */
    public List<Event> events(String id, long since, int limit) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /** @throws AppException NOT_FOUND when there is no such run */
    public Cost cost(String id) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /** The run's metrics folded from its log ({@code munero report}). @throws AppException NOT_FOUND */
    public RunMetrics report(String id) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /**
     * Creates a run (its row, branch, worktree and {@code run_started} event) and returns before the loop runs;
     * {@link Started#run()} then drives it on the caller's thread until it completes, fails or pauses.
     *
     * @throws AppException INVALID for an empty spec or bad limits; UNAVAILABLE when the repository is not a git
     *                      repository with a commit or the worktree cannot be made
     */
    public Started start(Start request, BuildManager.Session session) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /**
     * Prepares a paused, interrupted or crashed run to continue; {@link Started#run()} drives it.
     *
     * @throws AppException NOT_FOUND; CONFLICT when it has ended (the message says what the user can do);
     *                      INVALID for a bad budget
     */
    public Started resume(String id, Resume request, BuildManager.Session session) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /**
     * Asks a running run to pause; its process sees it within a second.
     *
     * @param by who asked, for the log (e.g. {@code "munero pause (pid 42)"}, {@code "api token ci-bot"})
     * @throws AppException NOT_FOUND; CONFLICT when it has ended
     */
    public void pause(String id, String by) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /**
     * Restores the run's branch to an iteration's checkpoint and makes the run Paused (see
     * {@link BuildManager#rollback}).
     *
     * @param force allow it on a run the store says is running (its process is gone)
     * @throws AppException NOT_FOUND (run or iteration; the message lists the iterations); CONFLICT when it is
     *                      running and {@code force} is false; UNAVAILABLE when git fails
     */
    public BuildManager.RolledBack rollback(String id, int iteration, boolean force) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /** The change between two iterations' checkpoints. @throws AppException NOT_FOUND; UNAVAILABLE (git) */
    public Diff diff(String id, int from, int to) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /** Deletes (or with {@code dryRun} only lists) runs idle for longer than {@code maxAge}; branches are kept. */
    public List<Summary> cleanup(Duration maxAge, boolean dryRun) {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /** Closes the store. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("h/core-runs");
    }

    /**
     * Which runs {@link #list} returns.
     *
     * @param state  a state label ({@code Paused}, {@code Building}...) or null for all
     * @param limit  at most this many, 1 to 500
     * @param offset skip this many of the newest first
     */
    public record Query(String state, int limit, int offset) { }

    /** One page of a list: {@code total} matched, {@code items} from {@code offset}. */
    public record Page<T>(List<T> items, int total, int limit, int offset) { }

    /**
     * One line of the runs list.
     *
     * @param costUsd   spent so far, USD
     * @param budgetUsd the run's budget, USD; null when it has none
     * @param progress  0 to 1, from the last {@code progress} event
     */
    public record Summary(String id, String state, Instant createdAt, Instant updatedAt, long lastSeq, String repo,
                          String specPath, String model, String branch, int iteration, int tasksDone, int tasksTotal,
                          double costUsd, Double budgetUsd, double progress, boolean pauseRequested,
                          String pausedReason, Boolean checksPassed) { }

    /** One task of the current plan. */
    public record Task(String id, String description, List<String> dependsOn, List<String> files, boolean done) { }

    /**
     * A run in full.
     *
     * @param iterationCommits checkpoint commit per iteration (0: where the run started)
     * @param endedMessage     for an ended run, what it ended as and what the user can do; else null
     */
    public record Detail(Summary summary, String worktree, List<Task> tasks, List<String> checks,
                         Map<Integer, String> iterationCommits, int sessions, RunMetrics metrics,
                         String endedMessage) { }

    /** One stored event ({@code seq} is its place in the whole log; {@code payload} a JSON object). */
    public record Event(long seq, String runId, Instant at, String type, ObjectNode payload) { }

    /**
     * What a run cost, USD.
     *
     * @param unansweredCalls        calls in flight or cut off by a crash, not yet counted
     * @param unansweredWorstCaseUsd what they may still cost at most
     */
    public record Cost(String runId, String state, double costUsd, double estimatedUsd, Double budgetUsd,
                       int modelCalls, int modelCallsFromStore, int unpricedCalls, int interruptedCalls,
                       int unansweredCalls, double unansweredWorstCaseUsd, Map<String, Double> byPhase,
                       Map<String, Double> byAgent, Map<String, Double> byTask, Map<String, Double> byModel) { }

    /**
     * A new run.
     *
     * @param spec     the spec's text (not blank)
     * @param specPath where it came from, for the log ({@code "SPEC.md"}, {@code "api"})
     */
    public record Start(String spec, String specPath, RunLimits limits) { }

    /**
     * Changes for a resumed run; each null keeps the stored value.
     *
     * @param budgetUsd    a new total budget, USD, more than 0
     * @param addBudgetUsd an increase of the budget, USD, more than 0 (not with {@code budgetUsd})
     */
    public record Resume(Double budgetUsd, Double addBudgetUsd, Duration timeout, Integer maxIterations) { }

    /** A run ready to be driven: {@link #run()} blocks until the session ends. Call it once. */
    public interface Started {
        /** The run's id. */
        String runId();

        /** Drives the session on the calling thread; an interrupt pauses it (status INTERRUPTED). */
        BuildManager.Outcome run();
    }

    /** The change between two checkpoints: the files and the unified diff. */
    public record Diff(int from, int to, String fromCommit, String toCommit, List<String> files, String patch) { }
}
