package dev.munero.core.remote;

import dev.munero.agent.Agent;
import dev.munero.agent.AgentEvent;
import dev.munero.agent.AgentLimits;
import dev.munero.agent.AgentResult;
import dev.munero.agent.safety.CommandPolicy;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.Tools;
import dev.munero.core.Checks;
import dev.munero.core.PlanJson;
import dev.munero.core.RunLimits;
import dev.munero.core.config.SettingsException;
import dev.munero.core.events.RunEvent;
import dev.munero.core.loop.Observing;
import dev.munero.core.loop.Planning;
import dev.munero.core.loop.TaskPrompt;
import dev.munero.core.loop.TaskRunner;
import dev.munero.core.plan.CheckFailure;
import dev.munero.core.plan.Lesson;
import dev.munero.core.plan.Plan;
import dev.munero.core.plan.PlanTask;
import dev.munero.core.plan.Planner;
import dev.munero.core.plan.PlanningException;
import dev.munero.core.plan.Reflection;
import dev.munero.core.swarm.AgentProfiles;
import dev.munero.engine.config.ConfigException;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.llm.pricing.ModelInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The phases of {@code munero run} for a run whose steps execute elsewhere (issue 16.2, the {@code munero-temporal}
 * module's activities): the same planner, task agent (its {@link TaskPrompt}, standard tools, limits and sandbox),
 * check build ({@link Checks}) and reflection as a local run, on a checkout the caller made, without a store. What
 * each phase records goes to a {@code Consumer<RunEvent>} in the order it happened, for the caller to hand on to the
 * run's store.
 *
 * <p>Differences from the local loop, on purpose: a task's agent has no memory-bank tools and no MCP servers (the
 * worker has neither the user's memory bank nor the session's MCP processes), and only the built-in agent executes
 * tasks (a CLI worker is refused with a clear error). Lessons are given, not looked up.
 *
 * <p>Thread-safe: every method works on its own arguments; the consumer is called on the calling thread.
 */
public final class RemotePhases {
    private RemotePhases() {
    }

    /**
     * {@code model} with each answered call recorded as {@code model_call} of {@code scope} (index from 0, cost at
     * {@code prices}; {@code from_store} false: a call the caller's model answers from a cache still says so in
     * its own events). Thread-safe.
     */
    public static ChatModel observed(ChatModel model, ModelInfo prices, String scope, Consumer<RunEvent> events) {
        AtomicInteger index = new AtomicInteger();
        String name = model.model().toString();
        return new ChatModel() {
            @Override
            public ModelRef model() {
                return model.model();
            }

            @Override
            public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
                long start = System.nanoTime();
                ChatResponse response = model.chat(request, listener);
                var u = response.usage();
                OptionalDouble cost = prices.cost(u);
                events.accept(new RunEvent.ModelCalled(scope, index.getAndIncrement(), name, u.inputTokens(),
                        u.outputTokens(), u.cacheWriteTokens(), u.cacheReadTokens(),
                        cost.isPresent() ? cost.getAsDouble() : null, false,
                        Duration.ofNanos(System.nanoTime() - start).toMillis()));
                return response;
            }
        };
    }

    /**
     * Plans {@code spec} in {@code worktree} (scope {@code plan}, as a local run's first plan): the worktree's build
     * steps and files and {@code lessons} go to the planner; records {@code model_call}s and {@code plan_accepted}
     * (iteration 1).
     *
     * @throws PlanningException    when the model gave no valid plan
     * @throws ConfigException      when the worktree's {@code munero.yaml} is invalid
     * @throws SettingsException    when its {@code agents:} are invalid
     * @throws IOException          when the worktree cannot be listed
     * @throws InterruptedException when interrupted while waiting for the model
     */
    public static Plan plan(ChatModel model, ModelInfo prices, RunLimits limits, Path worktree, String spec,
                            List<Lesson> lessons, Consumer<RunEvent> events)
            throws PlanningException, ConfigException, SettingsException, IOException, InterruptedException {
        Planner planner = new Planner(observed(model, prices, "plan", events), limits.maxOutputTokens(),
                AgentProfiles.roster(AgentProfiles.load(worktree)));
        Plan plan = planner.plan(spec, Checks.steps(worktree), Planning.files(worktree), lessons);
        events.accept(new RunEvent.PlanAccepted(1, PlanJson.toMap(plan), 1, false, List.of()));
        return plan;
    }

    /**
     * What a task needs besides its model.
     *
     * @param iteration the iteration the task belongs to
     * @param spec      the run's spec
     * @param plan      the plan the task is of
     * @param task      the task
     * @param lessons   its lessons, shown in its prompt
     * @param limits    the run's limits: turns, output tokens, permission mode, allowed commands, worker
     * @param sandbox   where its commands run
     * @param env       what its commands inherit (scrubbed of secrets by the agent)
     * @param timeLeft  how long the agent may take
     */
    public record TaskSetup(int iteration, String spec, Plan plan, PlanTask task, List<Lesson> lessons,
                            RunLimits limits, Sandbox sandbox, Map<String, String> env, Duration timeLeft) {
        public TaskSetup {
            lessons = List.copyOf(lessons);
            env = Map.copyOf(env);
        }
    }

    /**
     * Runs the task's agent in {@code dir} (scope {@code task:<iteration>:<id>}): records {@code task_started}, each
     * {@code model_call} and {@code tool_call}. Recording {@code task_finished} is the caller's
     * ({@link #taskFinished}), once it knows the task's commit.
     *
     * @return the agent's result; {@code INTERRUPTED} when the thread was interrupted (that stops the agent)
     * @throws IllegalArgumentException when the limits name a CLI worker (not supported in a distributed run)
     */
    public static AgentResult runTask(ChatModel model, ModelInfo prices, TaskSetup setup, Path dir,
                                      Consumer<RunEvent> events) {
        if (!setup.limits().worker().equals(dev.munero.agent.worker.Workers.AGENT)) {
            throw new IllegalArgumentException("worker " + setup.limits().worker() + " cannot execute the tasks of a "
                    + "distributed run; only the built-in agent can (--worker agent)");
        }
        PlanTask task = setup.task();
        String scope = "task:" + setup.iteration() + ":" + task.id();
        events.accept(new RunEvent.TaskStarted(setup.iteration(), task.id(), task.description(), 1, dir.toString()));
        ToolContext context = ToolContext.builder(dir).permissionMode(setup.limits().permissionMode())
                .commandPolicy(CommandPolicy.defaults().withAllowed(setup.limits().allow()))
                .sandbox(setup.sandbox()).environment(setup.env()).approver(dev.munero.agent.safety.Approver.noTerminal()).build();
        AgentLimits agentLimits = new AgentLimits(setup.limits().maxTurns(), OptionalDouble.empty(), setup.timeLeft(),
                AgentLimits.DEFAULTS.maxRepeatedFailures(), setup.limits().maxOutputTokens());
        List<Tool> tools = new ArrayList<>(Tools.standard());
        Map<String, String> arguments = new ConcurrentHashMap<>();
        Agent agent = Agent.builder(observed(model, prices, scope, events), context).modelInfo(prices).tools(tools)
                .limits(agentLimits).listener(e -> {
                    switch (e) {
                        case AgentEvent.ToolCallStarted s -> arguments.put(s.id(), s.argumentsJson());
                        case AgentEvent.ToolCallFinished f -> events.accept(TaskRunner.toolCalled(scope, task.id(), f,
                                arguments.getOrDefault(f.id(), "")));
                        default -> { }
                    }
                }).build();
        return agent.run(TaskPrompt.of(setup.spec(), setup.plan(), task, setup.lessons()));
    }

    /** The {@code task_finished} of a task's agent result, with its commit (null when it changed nothing). */
    public static RunEvent taskFinished(int iteration, String task, AgentResult result, String commit) {
        return TaskRunner.taskFinished(iteration, task, result, commit);
    }

    /**
     * Builds {@code plan}'s checks in {@code dir} with the engine cache {@code cacheDir}; records
     * {@code checks_finished} as a local run's observe phase does (each failure's log tail cut to 4,000 characters).
     *
     * @throws ConfigException      when the checks' build graph is invalid
     * @throws IOException          when logs or the cache cannot be read or written
     * @throws InterruptedException when interrupted (the engine cancels its steps)
     */
    public static Checks.Report check(int iteration, List<dev.munero.core.plan.Check> checks, Path dir,
                                      Path cacheDir, Map<String, String> env, Sandbox sandbox,
                                      Consumer<RunEvent> events)
            throws ConfigException, IOException, InterruptedException {
        Checks.Report report = new Checks(cacheDir, env, sandbox).run(dir, checks);
        events.accept(new RunEvent.ChecksFinished(iteration, report.passed(),
                checks.stream().map(dev.munero.core.plan.Check::name).toList(),
                report.failures().stream().map(Observing::failureMap).toList(), report.stepsRun(),
                report.cacheHits(), report.durationMillis()));
        return report;
    }

    /**
     * A reflection's outcome.
     *
     * @param plan    the revised plan
     * @param redo    the ids of the tasks the next iteration runs
     * @param lessons what it learnt
     */
    public record Reflected(Plan plan, List<String> redo, List<Lesson> lessons) {
        public Reflected {
            redo = List.copyOf(redo);
            lessons = List.copyOf(lessons);
        }
    }

    /**
     * Reflects on iteration {@code iteration}'s failed checks (scope {@code reflect:<iteration>}), as a local run:
     * records {@code lesson_recorded} for each lesson and {@code plan_accepted} (iteration + 1, revised) with the
     * tasks to redo; a reflection without tasks gets one {@code fix-<iteration + 1>} task naming the failed checks.
     *
     * @param failures the failed checks, not empty
     * @throws PlanningException    when the model gave no valid reflection
     * @throws IllegalArgumentException when {@code failures} is empty or a done id is not a task of the plan
     * @throws InterruptedException when interrupted while waiting for the model
     */
    public static Reflected reflect(ChatModel model, ModelInfo prices, RunLimits limits, int iteration, String spec,
                                    Plan plan, List<String> done, List<CheckFailure> failures, List<Lesson> lessons,
                                    Consumer<RunEvent> events) throws PlanningException, InterruptedException {
        Planner reflector = new Planner(observed(model, prices, "reflect:" + iteration, events),
                limits.maxOutputTokens());
        Reflection reflection = reflector.reflect(spec, plan, done, failures, lessons);
        for (int i = 0; i < reflection.lessons().size(); i++) {
            Lesson l = reflection.lessons().get(i);
            events.accept(new RunEvent.LessonRecorded(iteration, i, l.check(), l.whatFailed(), l.why(), l.fix(),
                    l.files()));
        }
        List<PlanTask> changes = reflection.tasksOrFix(iteration, failures);
        Plan revised = plan.revise(changes);
        List<String> redo = changes.stream().map(PlanTask::id).toList();
        events.accept(new RunEvent.PlanAccepted(iteration + 1, PlanJson.toMap(revised), 1, true, redo));
        return new Reflected(revised, redo, reflection.lessons());
    }
}
