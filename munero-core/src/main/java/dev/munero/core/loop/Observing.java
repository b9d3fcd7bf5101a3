package dev.munero.core.loop;

import dev.munero.core.Checks;
import dev.munero.core.events.RunEvent;
import dev.munero.core.git.GitException;
import dev.munero.core.plan.CheckFailure;
import dev.munero.engine.config.ConfigException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The observe phase: the engine builds the plan's checks in the run's worktree ({@code checks_finished}, with each
 * failed step's exit code, failing tests and log tail cut to {@value #LOG_TAIL_CHARS} characters), and the
 * iteration ends with a checkpoint commit ({@code munero: iteration N of run ID (checks pass|fail)}), empty when no
 * task changed anything, recorded as the run's newest checkpoint.
 *
 * <p>Not thread-safe: the session's thread runs it.
 */
public final class Observing {
    private static final int LOG_TAIL_CHARS = 4000;

    /**
     * What an iteration's observation found.
     *
     * @param report the checks' report
     * @param commit the iteration's checkpoint commit
     */
    record Observation(Checks.Report report, String commit) { }

    private final RunContext ctx;
    private final Checks checks;

    Observing(RunContext ctx, Checks checks) {
        this.ctx = ctx;
        this.checks = checks;
    }

    /**
     * Runs the checks of the current plan and commits the iteration's checkpoint.
     *
     * @throws ConfigException when the checks' build graph is invalid
     * @throws IOException when the checks' logs or cache cannot be read or written
     * @throws InterruptedException when the run must stop while the checks run
     * @throws GitException when the checkpoint cannot be committed
     */
    Observation observe(int iteration) throws ConfigException, IOException, InterruptedException, GitException {
        Checks.Report report = checks.run(ctx.worktree, ctx.run.plan.checks());
        List<Map<String, Object>> failures = report.failures().stream().map(Observing::failureMap).toList();
        ctx.emit(new RunEvent.ChecksFinished(iteration, report.passed(),
                ctx.run.plan.checks().stream().map(c -> c.name()).toList(), failures, report.stepsRun(),
                report.cacheHits(), report.durationMillis()));
        ctx.store.settleAgentTasks(ctx.runId, report.passed()); // the first checks after a task are its checks
        String commit = ctx.git.commitAllowEmpty("munero: iteration " + iteration + " of run " + ctx.runId
                + " (checks " + (report.passed() ? "pass" : "fail") + ")");
        ctx.emit(new RunEvent.Checkpoint(iteration, "iteration", commit));
        ctx.run.lastCheckpoint = commit;
        ctx.progress("observing", iteration);
        return new Observation(report, commit);
    }

    /**
     * A check failure as {@code checks_finished} records it: {@code step}, {@code exit_code} (null when the step
     * did not exit), {@code failing_tests}, and {@code log_tail} cut to {@value #LOG_TAIL_CHARS} characters; the
     * local loop's and a distributed run's ({@code core.remote}) alike.
     */
    public static Map<String, Object> failureMap(CheckFailure f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", f.step());
        m.put("exit_code", f.exitCode().isPresent() ? f.exitCode().getAsInt() : null);
        m.put("failing_tests", f.failingTests());
        m.put("log_tail", Text.cut(f.logTail(), LOG_TAIL_CHARS));
        return m;
    }
}
