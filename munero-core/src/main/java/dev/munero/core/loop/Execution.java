package dev.munero.core.loop;

import dev.munero.core.git.GitException;

/**
 * The execute phase of an iteration: runs every task of the plan that is not done, each once its dependencies
 * are done, and leaves each one's work committed on the run's branch. {@link SerialExecution} runs one agent at a
 * time in the run's worktree; {@link ParallelExecution} runs up to {@code --agents} at once, each in its own
 * worktree, and merges their branches ({@link MergeCoordinator}).
 */
interface Execution {
    /**
     * Runs the ready tasks of the current plan until none is left.
     *
     * @throws InterruptedException when the run must stop (pause request, timeout, interrupt)
     * @throws GitException when git fails
     * @throws dev.munero.llm.ProviderException when the model provider failed an agent
     * @throws dev.munero.core.BudgetExceededException when a call would cross the budget
     */
    void execute(int iteration) throws InterruptedException, GitException;

    /** The execution for the run's {@code --agents}: serial for 1, parallel for more. */
    static Execution forAgents(RunContext ctx, TaskRunner tasks) {
        Dispatcher dispatcher = new Dispatcher(ctx, scheduler(ctx), leases(ctx));
        Reviewing reviewing = new Reviewing(ctx, tasks, new ScopedModels(ctx), dispatcher.scheduler().profiles());
        return ctx.limits.agents() == 1 ? new SerialExecution(ctx, reviewing, tasks, dispatcher)
                : new ParallelExecution(ctx, reviewing, new MergeCoordinator(ctx, tasks), dispatcher);
    }

    /** The run's agent scheduler: its profiles (munero.yaml {@code agents:}) scored, or the single default. */
    private static dev.munero.core.swarm.AgentScheduler scheduler(RunContext ctx) {
        var profiles = ctx.profiles();
        if (dev.munero.core.swarm.AgentProfiles.isDefault(profiles)) {
            return dev.munero.core.swarm.AgentScheduler.single();
        }
        return new dev.munero.core.swarm.ScoringScheduler(profiles, ctx.schedulerWeights(), ctx.store::agentTasks);
    }

    /**
     * The run's file leases: none with {@code run: leases: off}; else leases on the store's {@code file_leases}
     * table. A session starts by releasing its run's rows, which a killed session may have left.
     */
    private static dev.munero.core.swarm.FileLeases leases(RunContext ctx) {
        if (!ctx.limits.leases()) {
            return dev.munero.core.swarm.FileLeases.none();
        }
        var leases = new dev.munero.core.swarm.StoreFileLeases(ctx.store, ctx.runId, ctx.session.clock(),
                dev.munero.core.swarm.StoreFileLeases.DEFAULT_TTL, ctx::emit);
        leases.releaseRun(ctx.runId);
        return leases;
    }
}
