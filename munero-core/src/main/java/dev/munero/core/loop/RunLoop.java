package dev.munero.core.loop;

import dev.munero.core.BudgetExceededException;
import dev.munero.core.BuildManager.Outcome;
import dev.munero.core.Checks;
import dev.munero.core.RunState;
import dev.munero.core.events.RunEvent;
import dev.munero.core.git.GitException;
import dev.munero.core.plan.CheckFailure;
import dev.munero.core.plan.PlanningException;
import dev.munero.engine.config.ConfigException;
import dev.munero.llm.ProviderException;
import java.io.IOException;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One session of a run: the loop, and the one place its phases are wired. It records the session's start, starts
 * the {@link StopWatcher}, moves a new run through {@code Initializing → ConfiguringMCP → PreparingBuild} (starting
 * the MCP servers of its agents, {@link McpPhase}; a resumed session starts them again), plans
 * ({@link Planning}) if the run has no plan, and then loops: execute the ready tasks ({@link Execution}, serial or
 * parallel), observe ({@link Observing}: checks and the iteration's checkpoint), and either complete, fail after
 * {@code --max-iterations}, or reflect ({@link Reflecting}) and start the next iteration. Between phases it checks
 * for a stop. Every way out is an {@link Outcome} recorded by {@link Outcomes}: a budget refusal, a pause request
 * or timeout, an interrupt, a provider or git failure pause the run; an invalid plan or invalid checks fail it.
 *
 * <p>Who calls whom: {@code RunLoop → Planning | Execution (SerialExecution | ParallelExecution → MergeCoordinator)
 * → TaskRunner → TaskPrompt, Lessons, ScopedModels | Observing | Reflecting → Lessons, ScopedModels | Outcomes};
 * all share the {@link RunContext}.
 *
 * <p>Not thread-safe: {@link #run} is called once, on the thread that drives the session.
 */
public final class RunLoop {
    private final RunContext ctx;
    private final Planning planning;
    private final Execution execution;
    private final Reflecting reflecting;
    private final Outcomes outcomes;
    private final McpPhase mcp;
    /** The repository's memory bank (its agents' tools, the lessons), on the store's file; closed by {@link #run}. */
    private final LazyMemory memory;

    /** Wires the phases of a session over {@code ctx}. */
    public RunLoop(RunContext ctx) {
        this.ctx = ctx;
        ScopedModels models = new ScopedModels(ctx);
        this.memory = new LazyMemory(ctx.store.file(), ctx.session.clock(), ctx.repo, ctx.session.env());
        Lessons lessons = new Lessons(ctx, memory);
        this.mcp = new McpPhase(ctx);
        this.planning = new Planning(ctx, models, lessons);
        this.execution = Execution.forAgents(ctx, new TaskRunner(ctx, models, lessons, mcp, memory));
        this.reflecting = new Reflecting(ctx, models, lessons);
        this.outcomes = new Outcomes(ctx, lessons);
    }

    /**
     * Runs the session until the run completes, fails or pauses.
     *
     * @param reason why the session starts ({@code start}, {@code resume}), for {@code session_started}
     * @return how it ended; {@link dev.munero.core.BuildManager.Status#INTERRUPTED} leaves the thread interrupted
     * @throws dev.munero.store.StoreException when the store cannot be written
     */
    public Outcome run(String reason) {
        ctx.emit(new RunEvent.SessionStarted(ctx.runId, ctx.run.sessions + 1, reason, ProcessHandle.current().pid()));
        Thread watcher = ctx.stop.start();
        ctx.stop.enlist();
        try {
            return loop();
        } catch (BudgetExceededException e) {
            return outcomes.pause("budget: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            return outcomes.stopped();
        } catch (ProviderException e) {
            if (ctx.stop.reason() != null || Thread.currentThread().isInterrupted()) {
                return outcomes.stopped();
            }
            return outcomes.pause("the model provider failed: " + e.getMessage(), null);
        } catch (PlanningException e) {
            return outcomes.fail(e.getMessage());
        } catch (ConfigException e) {
            return outcomes.fail("the checks cannot run: " + e.getMessage());
        } catch (GitException | IOException e) {
            return outcomes.pause(e.getMessage(), null);
        } finally {
            mcp.close();
            memory.close();
            ctx.stop.release();
            watcher.interrupt();
            Thread.interrupted();
        }
    }

    private Outcome loop() throws InterruptedException, PlanningException, ConfigException, GitException, IOException {
        LoopState run = ctx.run;
        if (ctx.state() == RunState.INITIALIZING) {
            ctx.move(RunState.CONFIGURING_MCP, "start");
            Optional<String> cannot = mcp.start("start").or(memory::configure);
            if (cannot.isPresent()) {
                return outcomes.fail(cannot.get());
            }
            ctx.move(RunState.PREPARING_BUILD, "MCP configured");
        } else if (ctx.state() == RunState.COMPLETING) { // killed while recording its completion
            return outcomes.complete(run.iteration, run.lastCheckpoint);
        } else {
            Optional<String> cannot = mcp.start("resume").or(memory::configure);
            if (cannot.isPresent()) { // the run has work to keep: resumable once the server or setting is fixed
                return outcomes.pause(cannot.get(), null);
            }
        }
        planning.planIfNone();
        if (ctx.state() != RunState.BUILDING) {
            ctx.move(RunState.BUILDING, ctx.state() == RunState.PAUSED ? "resumed" : "planned");
        }
        Observing observing = new Observing(ctx, new Checks(ctx.repo.resolve(".munero").resolve("cache"),
                ctx.session.env(), ctx.session.sandbox()));
        while (true) {
            int iteration = Math.max(run.iteration, 1);
            if (run.iteration < run.planIteration) {
                iteration = run.planIteration;
                ctx.emit(new RunEvent.IterationStarted(iteration));
                run.iteration = iteration;
            }
            ctx.checkStop();
            ctx.phase("executing", iteration);
            execution.execute(iteration);
            ctx.checkStop();
            ctx.phase("observing", iteration);
            Observing.Observation seen = observing.observe(iteration);
            if (seen.report().passed()) {
                ctx.move(RunState.COMPLETING, "every check passed");
                return outcomes.complete(iteration, seen.commit());
            }
            if (iteration >= ctx.limits.maxIterations()) {
                return outcomes.fail("the checks still fail after " + iteration + " iteration"
                        + (iteration == 1 ? "" : "s") + " (--max-iterations " + ctx.limits.maxIterations() + "): "
                        + seen.report().failures().stream().map(CheckFailure::step).collect(Collectors.joining(", ")));
            }
            ctx.checkStop();
            ctx.phase("reflecting", iteration);
            reflecting.reflect(iteration, seen.report().failures());
        }
    }
}
