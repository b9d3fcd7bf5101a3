package dev.munero.core.loop;

import dev.munero.agent.Agent;
import dev.munero.agent.AgentLimits;
import dev.munero.agent.AgentResult;
import dev.munero.agent.StopCondition;
import dev.munero.agent.safety.Approver;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolKind;
import dev.munero.agent.tools.Tools;
import dev.munero.core.events.RunEvent;
import dev.munero.core.git.Git;
import dev.munero.core.git.GitException;
import dev.munero.core.plan.PlanTask;
import dev.munero.core.swarm.AgentProfile;
import dev.munero.llm.ProviderException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The review phase of a task (issue 14), when the run has an agent profile of role {@code reviewer} (the first
 * one declared): after the task's agent finishes, and before its work is committed (serial) or handed to the
 * merge coordinator (parallel: on the agent's own thread), a reviewer agent reads the task and its uncommitted
 * change ({@link Git#uncommittedDiff}) with the read-only tools ({@code read_file}, {@code list_files},
 * {@code glob}, {@code grep}, those the profile allows) and ends with {@code submit_review}
 * ({@link SubmitReviewTool}). Each review is a {@code review_finished} event. A rejection gives the task's agent
 * another session in the same directory, its prompt followed by the comments ({@link ReviewPrompt#feedback}), and
 * then a new review; after {@code run: review_rounds} reviews ({@link dev.munero.core.RunLimits#reviewRounds()})
 * the work goes on whatever the last verdict, and the checks decide. A reviewer that stops without a verdict
 * (turns, output limit, a loop) counts as not approved, with comments saying so, and the work goes on without
 * another session: there is nothing to tell the agent.
 *
 * <p>Scopes: review round {@code r} is {@code review:<iteration>:<task>:<r>}, the task's session {@code s > 1}
 * {@code task:<iteration>:<task>#<s>}; both go through {@link ScopedModels}, so the budget, the recording and
 * replay on resume hold for them: a resumed session redoes the task's sessions and reviews from the store (same
 * requests, same answers, no cost) up to where the first session stopped.
 *
 * <p>Without a reviewer profile it only runs the task's agent: the run sends what it sent before reviews existed.
 *
 * <p>Thread-safety: {@link #run} may run on several agents' threads at once, each on its own task and directory.
 */
final class Reviewing {
    /** The role of the profile that reviews. */
    static final String ROLE = "reviewer";

    private final RunContext ctx;
    private final TaskRunner tasks;
    private final ScopedModels models;
    private final AgentProfile reviewer;

    /** @param profiles the run's agent profiles; the first of role {@value #ROLE}, if any, reviews */
    Reviewing(RunContext ctx, TaskRunner tasks, ScopedModels models, List<AgentProfile> profiles) {
        this.ctx = ctx;
        this.tasks = tasks;
        this.models = models;
        this.reviewer = profiles.stream().filter(p -> p.role().equals(ROLE)).findFirst().orElse(null);
    }

    /**
     * Runs the task's agent in {@code dir}, then the reviews and the sessions they ask for.
     *
     * @param git git in {@code dir}
     * @return the task's result: the last session's condition and summary; turns, tool calls, tokens, cost and time
     *         summed over its sessions (the reviews' costs are in their events)
     * @throws InterruptedException when the run must stop (pause request, timeout) or an agent was interrupted
     * @throws ProviderException when the model provider failed an agent
     * @throws dev.munero.core.BudgetExceededException when the next call would cross the budget
     * @throws GitException when the diff cannot be read
     */
    AgentResult run(int iteration, Dispatcher.Dispatch dispatch, Path dir, Git git)
            throws InterruptedException, GitException {
        AgentResult result = tasks.run(iteration, dispatch, dir);
        if (reviewer == null) {
            return result;
        }
        PlanTask task = dispatch.task();
        int rounds = ctx.limits.reviewRounds();
        List<String> earlier = new ArrayList<>();
        for (int round = 1; ; round++) {
            ctx.checkStop();
            String diff = git.uncommittedDiff();
            Review review = review(iteration, task, dir, round, rounds, earlier, diff);
            ctx.emit(new RunEvent.ReviewFinished(iteration, task.id(), round, reviewer.name(), review.approved(),
                    review.comments(), review.costUsd()));
            if (review.approved() || !review.verdict() || round >= rounds) {
                return result;
            }
            earlier.add(review.comments());
            ctx.checkStop();
            AgentResult again = tasks.run(iteration, dispatch, dir, round + 1,
                    ReviewPrompt.feedback(round, review.comments()));
            result = combine(result, again);
        }
    }

    /** One review's outcome; {@code verdict} is false when the reviewer stopped without one. */
    private record Review(boolean verdict, boolean approved, String comments, double costUsd) { }

    private Review review(int iteration, PlanTask task, Path dir, int round, int rounds, List<String> earlier,
                          String diff) throws InterruptedException {
        String scope = "review:" + iteration + ":" + task.id() + ":" + round;
        List<Tool> tools = new ArrayList<>();
        for (Tool t : Tools.standard()) {
            if (t.kind() == ToolKind.READ && reviewer.allows(t.name())) {
                tools.add(t);
            }
        }
        tools.add(new SubmitReviewTool());
        ToolContext context = ToolContext.builder(dir).permissionMode(ctx.limits.permissionMode())
                .sandbox(ctx.session.sandbox()).environment(ctx.session.env()).approver(Approver.noTerminal()).build();
        AgentLimits limits = new AgentLimits(ctx.limits.maxTurns(), OptionalDouble.empty(), ctx.stop.timeLeft(),
                AgentLimits.DEFAULTS.maxRepeatedFailures(), ctx.limits.maxOutputTokens());
        Agent agent = Agent.builder(models.forScope(scope, dir, reviewer), context).modelInfo(models.prices(reviewer))
                .tools(tools).systemPrompt(ReviewPrompt.system(tools)).limits(limits)
                .listener(tasks.toolCalls(scope, task.id())).clock(ctx.session.clock()).build();
        AgentResult result = agent.run(ReviewPrompt.request(ctx.run.spec, ctx.run.plan, task, round, rounds, earlier,
                diff));
        if (result.condition() == StopCondition.INTERRUPTED || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("the reviewer of task " + task.id() + " was interrupted");
        }
        if (result.condition() == StopCondition.PROVIDER_ERROR) {
            throw new ProviderException(ProviderException.Kind.SERVER_ERROR, "review of task " + task.id() + ": "
                    + result.detail());
        }
        double cost = result.costUsd().orElse(0);
        if (result.condition() != StopCondition.FINISHED) {
            return new Review(false, false, "no verdict: the reviewer stopped without calling "
                    + SubmitReviewTool.NAME + " (" + result.condition().name().toLowerCase(Locale.ROOT)
                    .replace('_', '-') + ": " + result.detail() + "); the work goes on unreviewed", cost);
        }
        SubmitReviewTool.Verdict verdict = SubmitReviewTool.verdict(result.summary());
        return new Review(true, verdict.approved(), verdict.comments(), cost);
    }

    /** The task's result over two of its sessions: the later one's ending, the sums of the rest. */
    private static AgentResult combine(AgentResult first, AgentResult then) {
        List<Double> reuse = new ArrayList<>(first.prefixReuse());
        reuse.addAll(then.prefixReuse());
        OptionalDouble cost = first.costUsd().isPresent() && then.costUsd().isPresent()
                ? OptionalDouble.of(first.costUsd().getAsDouble() + then.costUsd().getAsDouble())
                : OptionalDouble.empty();
        return new AgentResult(then.condition(), then.summary(), then.detail(), first.turns() + then.turns(),
                first.toolCalls() + then.toolCalls(), first.usage().plus(then.usage()), cost, reuse,
                first.duration().plus(then.duration()));
    }
}
