package dev.munero.core.loop;

import dev.munero.core.BuildManager;
import dev.munero.core.CostGuard;
import dev.munero.core.RunLimits;
import dev.munero.core.RunState;
import dev.munero.core.config.RunSettingsResolver;
import dev.munero.core.config.SettingsException;
import dev.munero.core.events.RunEvent;
import dev.munero.core.git.Git;
import dev.munero.core.swarm.AgentProfile;
import dev.munero.core.swarm.AgentProfiles;
import dev.munero.core.swarm.ScoringWeights;
import dev.munero.store.Store;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What every phase of one session of one run shares: the store, the run's id, limits, worktree and branch, the
 * session (model, prices, environment, sandbox, clock, bus), the cost guard, the run as this session moves it on
 * ({@link LoopState}), the stop watcher, and the run's state with event emission ({@link #emit}, {@link #move},
 * {@link #phase}, {@link #progress}).
 *
 * <p>Thread-safety: {@link #emit}, {@link #checkStop} and the immutable parts may be used from any thread (agents
 * emit their task's events); {@link #move}, {@link #phase}, {@link #progress} and the {@link LoopState} belong to
 * the session's thread.
 */
public final class RunContext {
    final Store store;
    final String runId;
    final RunLimits limits;
    final BuildManager.Session session;
    /** The repository the run was started in (the user's). */
    final Path repo;
    /** The run's own worktree. */
    final Path worktree;
    /** The run's branch, {@code munero/<run-id>}. */
    final String branch;
    /** Git in the run's worktree. */
    final Git git;
    final CostGuard guard;
    final LoopState run;
    final EventEmitter events;
    final StopWatcher stop;
    private RunState state;
    /** The agent profiles and the scheduler's weights, read from the repository's munero.yaml on first use. */
    private List<AgentProfile> profiles;
    private ScoringWeights weights;

    /**
     * @param git      git in the run's worktree (made or restored before the session)
     * @param deadline when the session must stop: its start plus the run's timeout
     * @param events   where the session's events go; its projection must count {@code run}'s tasks done
     * @param state    the run's state when the session starts
     */
    public RunContext(Store store, String runId, RunLimits limits, BuildManager.Session session, Path repo,
                      Path worktree, String branch, Git git, CostGuard guard, Instant deadline, LoopState run,
                      EventEmitter events, RunState state) {
        this.store = store;
        this.runId = runId;
        this.limits = limits;
        this.session = session;
        this.repo = repo;
        this.worktree = worktree;
        this.branch = branch;
        this.git = git;
        this.guard = guard;
        this.run = run;
        this.events = events;
        this.stop = new StopWatcher(store, runId, session.clock(), deadline, limits.timeout());
        this.state = state;
    }

    /**
     * The agent profiles of this session: munero.yaml's {@code agents:} in the user's repository as the session
     * found it (read once), or {@link AgentProfile#DEFAULT} alone.
     *
     * @throws IllegalStateException when munero.yaml became invalid since the run was checked at its start
     */
    synchronized List<AgentProfile> profiles() {
        if (profiles == null) {
            try {
                profiles = AgentProfiles.load(repo);
            } catch (SettingsException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return profiles;
    }

    /**
     * The weights of the scheduler's factors ({@code run: scheduler: weights:}, read once).
     *
     * @throws IllegalStateException when munero.yaml became invalid since the run was checked at its start
     */
    synchronized ScoringWeights schedulerWeights() {
        if (weights == null) {
            try {
                weights = RunSettingsResolver.schedulerWeights(repo).value();
            } catch (SettingsException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        return weights;
    }

    /** The run's state as this session moved it. */
    RunState state() {
        return state;
    }

    /** Appends the event (with its projection) and publishes it; any thread. */
    void emit(RunEvent event) {
        events.emit(event);
    }

    /**
     * Moves the run to {@code to} and records why.
     *
     * @throws IllegalStateException when {@code to} is not reachable from the current state
     */
    void move(RunState to, String reason) {
        RunState from = state;
        state = state.moveTo(to);
        emit(new RunEvent.StateChanged(from.label(), to.label(), reason));
    }

    /** Records that a phase of an iteration starts, and the progress. */
    void phase(String phase, int iteration) {
        emit(new RunEvent.PhaseStarted(phase, iteration));
        progress(phase, iteration);
    }

    /** Records the progress: tasks done of the plan's, the fraction of the run done, and the time it may still take. */
    void progress(String phase, int iteration) {
        int total = run.tasksTotal();
        int done = run.tasksDone();
        double fraction = Math.min(1, run.fraction());
        long elapsed = Duration.between(run.startedAt == null ? session.clock().instant() : run.startedAt,
                session.clock().instant()).toMillis();
        Long eta = fraction > 0.1 ? (long) (elapsed / fraction * (1 - fraction)) : null;
        emit(new RunEvent.Progress(phase, iteration, done, total, fraction, eta));
    }

    /**
     * Returns when the run may go on.
     *
     * @throws InterruptedException when a pause was requested, the timeout passed, or the thread was interrupted
     */
    void checkStop() throws InterruptedException {
        stop.check();
    }
}
