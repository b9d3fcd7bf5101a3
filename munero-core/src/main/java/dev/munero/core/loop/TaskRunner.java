package dev.munero.core.loop;

import dev.munero.agent.Agent;
import dev.munero.agent.AgentEvent;
import dev.munero.agent.AgentLimits;
import dev.munero.agent.AgentListener;
import dev.munero.agent.AgentResult;
import dev.munero.agent.StopCondition;
import dev.munero.agent.safety.Approver;
import dev.munero.agent.safety.CommandPolicy;
import dev.munero.agent.tools.FinishTool;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.Tools;
import dev.munero.agent.worker.Workers;
import dev.munero.core.events.RunEvent;
import dev.munero.core.git.GitException;
import dev.munero.core.plan.PlanTask;
import dev.munero.core.swarm.AgentProfile;
import dev.munero.memory.Author;
import dev.munero.memory.tools.MemoryTools;
import dev.munero.llm.ProviderException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs one task of the plan as an agent session and records its end. {@link #run} starts the task
 * ({@code task_started}), gives the agent the task's prompt, the run's limits (turns, output tokens, the time
 * left until the run's deadline), the standard tools confined to the task's directory, the memory bank's tools
 * ({@link MemoryTools}: its writes attributed to {@code agent-<n>}, the task and the run) and the tools of the session's
 * MCP servers ({@link McpPhase#tools}, {@code mcp__<server>__<tool>}), and records each tool call
 * ({@code tool_call}, arguments and output cut to {@value #PREVIEW_CHARS} characters). {@link #finish} marks the
 * task done ({@code task_finished}) and records its checkpoint commit, if it has one. A task whose worker (its
 * profile's {@code worker:}, else the run's {@code --worker}) is a coding-agent CLI goes to {@link WorkerTasks} with the
 * same prompt instead (issue 15).
 *
 * <p>Thread-safety: {@link #run} may run on several agents' threads at once; {@link #finish} changes the
 * {@link LoopState} and belongs to the session's thread.
 */
public final class TaskRunner {
    public static final int PREVIEW_CHARS = 400;

    private final RunContext ctx;
    private final ScopedModels models;
    private final Lessons lessons;
    private final McpPhase mcp;
    /** Each started tool call's arguments, by call id, for the event of its end. */
    private final Map<String, String> toolArguments = new ConcurrentHashMap<>();

    private final LazyMemory memory;
    private final WorkerTasks workers;

    TaskRunner(RunContext ctx, ScopedModels models, Lessons lessons, McpPhase mcp, LazyMemory memory) {
        this.ctx = ctx;
        this.memory = memory;
        this.models = models;
        this.lessons = lessons;
        this.mcp = mcp;
        this.workers = new WorkerTasks(ctx);
    }

    /**
     * Runs the agent of {@code task} in {@code dir} until it finishes or stops.
     *
     * @param dispatch the task, its agent profile and slot, and its file leases
     * @return the agent's result (finished, or stopped by its own limits)
     * @throws InterruptedException when the run must stop (pause request, timeout) or the agent was interrupted
     * @throws ProviderException when the model provider failed the agent
     * @throws dev.munero.core.BudgetExceededException when the next call would cross the budget
     */
    AgentResult run(int iteration, Dispatcher.Dispatch dispatch, Path dir) throws InterruptedException {
        return run(iteration, dispatch, dir, 1, "");
    }

    /**
     * Runs an agent session on {@code task} in {@code dir}: the first ({@code task_started}, scope
     * {@code task:<iteration>:<id>}), or a later one after a reviewer sent the work back ({@link Reviewing}, scope
     * {@code task:<iteration>:<id>#<session>}, no second {@code task_started}), whose prompt is the task's prompt
     * followed by {@code feedback}. Throws as {@link #run(int, Dispatcher.Dispatch, Path)} does.
     *
     * @param session  1 for the task's first session, 2, 3, ... for the sessions after a review
     * @param feedback appended to the task's prompt (the reviewer's comments); empty for the first session
     */
    AgentResult run(int iteration, Dispatcher.Dispatch dispatch, Path dir, int session, String feedback)
            throws InterruptedException {
        PlanTask task = dispatch.task();
        int agent = dispatch.assignment().agent();
        AgentProfile profile = dispatch.assignment().profile();
        if (session == 1) {
            ctx.store.startAgentTask(ctx.runId, iteration, task.id(), profile.name(), profile.role(),
                    ctx.session.clock().instant());
            ctx.emit(new RunEvent.TaskStarted(iteration, task.id(), task.description(), agent, dir.toString()));
        }
        String scope = "task:" + iteration + ":" + task.id() + (session == 1 ? "" : "#" + session);
        String worker = profile.workerOr(ctx.limits.worker());
        if (!worker.equals(Workers.AGENT)) { // a coding-agent CLI (issue 15): same prompt, its own loop
            return workers.run(worker, iteration, task.id(), scope, dir, TaskPrompt.of(ctx.run.spec, ctx.run.plan,
                    task, lessons.forTask(task)) + feedback, profile.model() != null ? profile.model()
                    : ctx.guard.model().toString());
        }
        ToolContext context = ToolContext.builder(dir).permissionMode(ctx.limits.permissionMode())
                .commandPolicy(CommandPolicy.defaults().withAllowed(ctx.limits.allow()))
                .sandbox(ctx.session.sandbox()).environment(ctx.session.env()).approver(Approver.noTerminal())
                .writeGuard(dispatch.guard()).build();
        Duration left = ctx.stop.timeLeft();
        AgentLimits agentLimits = new AgentLimits(ctx.limits.maxTurns(), OptionalDouble.empty(), left,
                AgentLimits.DEFAULTS.maxRepeatedFailures(), ctx.limits.maxOutputTokens());
        List<Tool> tools = new ArrayList<>(Tools.standard());
        tools.addAll(MemoryTools.of(memory.get(), new Author("agent-" + agent, task.id(), ctx.runId)));
        tools.addAll(mcp.tools());
        // the profile's tools (issue 14); finish stays, or its agents could not say they are done
        tools.removeIf(t -> !profile.allows(t.name()) && !t.name().equals(FinishTool.NAME));
        Agent agentLoop = Agent.builder(models.forScope(scope, dir, profile), context).modelInfo(models.prices(profile))
                .tools(tools).limits(agentLimits).listener(e -> onAgentEvent(scope, task.id(), e)).clock(ctx.session.clock())
                .build();
        String prompt = TaskPrompt.of(ctx.run.spec, ctx.run.plan, task, lessons.forTask(task));
        AgentResult result = agentLoop.run(prompt + feedback);
        if (result.condition() == StopCondition.INTERRUPTED || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("the agent on task " + task.id() + " was interrupted");
        }
        if (result.condition() == StopCondition.PROVIDER_ERROR) {
            throw new ProviderException(ProviderException.Kind.SERVER_ERROR, "task " + task.id() + ": "
                    + result.detail());
        }
        return result;
    }

    /**
     * Marks {@code task} done and records it; with a commit, that commit is the run's newest checkpoint.
     *
     * @param commit the task's checkpoint commit on the run's branch; null when its change did not merge (a
     *               follow-up task re-applies it)
     */
    void finish(int iteration, PlanTask task, AgentResult result, String commit) {
        ctx.run.done.add(task.id()); // before the event: the projection counts it
        ctx.emit(taskFinished(iteration, task.id(), result, commit));
        ctx.store.finishAgentTask(ctx.runId, iteration, task.id(), ctx.session.clock().instant(),
                result.condition().id(), result.costUsd(), changedFiles(commit));
        if (commit != null) {
            ctx.emit(new RunEvent.Checkpoint(iteration, "task:" + task.id(), commit));
            ctx.run.lastCheckpoint = commit;
        }
        ctx.progress("executing", iteration);
    }

    /** The listener that records an agent's tool calls ({@code tool_call}) under {@code scope} and {@code task}. */
    AgentListener toolCalls(String scope, String task) {
        return e -> onAgentEvent(scope, task, e);
    }

    /** The files {@code commit} changed against its first parent (a merge: what the task brought); none for null. */
    private List<String> changedFiles(String commit) {
        if (commit == null) {
            return List.of();
        }
        try {
            return ctx.git.changedFiles(commit + "^", commit);
        } catch (GitException e) {
            return List.of(); // the commit is the run's own; a git failure here only costs affinity
        }
    }

    private void onAgentEvent(String scope, String task, AgentEvent event) {
        switch (event) {
            case AgentEvent.ToolCallStarted s -> toolArguments.put(s.id(), s.argumentsJson());
            case AgentEvent.ToolCallFinished f -> ctx.emit(toolCalled(scope, task, f,
                    toolArguments.getOrDefault(f.id(), "")));
            default -> { }
        }
    }

    /**
     * The {@code tool_call} of a finished tool call of a task's agent, its arguments and output cut to
     * {@value #PREVIEW_CHARS} characters: the local loop's and a distributed run's ({@code core.remote}) alike.
     *
     * @param arguments the call's arguments JSON, from its {@code ToolCallStarted}
     */
    public static RunEvent.ToolCalled toolCalled(String scope, String task, AgentEvent.ToolCallFinished f,
                                                 String arguments) {
        return new RunEvent.ToolCalled(scope, task, f.name(), Text.cut(arguments, PREVIEW_CHARS), f.error(),
                Text.cut(f.output(), PREVIEW_CHARS), f.duration().toMillis());
    }

    /**
     * The {@code task_finished} of a task's agent result (its summary cut to 2,000 characters) with its commit, null
     * when it changed nothing: the local loop's and a distributed run's alike.
     */
    public static RunEvent.TaskFinished taskFinished(int iteration, String task, AgentResult result, String commit) {
        return new RunEvent.TaskFinished(iteration, task, result.condition().id(), Text.cut(result.summary(), 2000),
                commit, result.turns(), result.toolCalls(), result.costUsd().orElse(0));
    }
}
