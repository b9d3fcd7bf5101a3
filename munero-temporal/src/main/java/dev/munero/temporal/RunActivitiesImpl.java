package dev.munero.temporal;

import dev.munero.agent.AgentResult;
import dev.munero.agent.StopCondition;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.safety.SandboxMode;
import dev.munero.core.Checks;
import dev.munero.core.RunLimits;
import dev.munero.core.app.AppException;
import dev.munero.core.app.RunSessions;
import dev.munero.core.config.SettingsException;
import dev.munero.core.events.RunEvent;
import dev.munero.core.git.Git;
import dev.munero.core.plan.Plan;
import dev.munero.core.plan.PlanTask;
import dev.munero.core.plan.PlanningException;
import dev.munero.core.remote.RemoteJson;
import dev.munero.core.remote.RemotePhases;
import dev.munero.engine.config.ConfigException;
import dev.munero.llm.ChatModel;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.temporal.wire.CheckInput;
import dev.munero.temporal.wire.CheckResult;
import dev.munero.temporal.wire.EventLine;
import dev.munero.temporal.wire.MergeInput;
import dev.munero.temporal.wire.MergeResult;
import dev.munero.temporal.wire.PlanInput;
import dev.munero.temporal.wire.PlanResult;
import dev.munero.temporal.wire.ReflectInput;
import dev.munero.temporal.wire.ReflectResult;
import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.TaskInput;
import dev.munero.temporal.wire.TaskResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * The activities of a distributed run (issue 16.2) as a {@code munero worker} executes them: each attempt gets a
 * fresh worktree of the worker's clone of the run's remote at the commit it is given ({@link GitTransfer}), runs
 * munero-core's own phase there ({@link RemotePhases}: the planner, the task agent, the checks build, the
 * reflection), hands its work back through the remote and returns what it recorded as {@link EventLine}s, in order.
 * Every attempt heartbeats ({@link Heartbeats}, a third of {@link RunInput#heartbeatSeconds()}) from start to end.
 *
 * <p><b>Git.</b> A task's commit ({@code munero: task <id> (iteration <n>): <summary's first line>}) is pushed with
 * {@code --force} to {@link #taskBranch}, so a retried attempt's commit replaces the dead one's. A merge checks the
 * run branch out at the head it is given, merges the task's commit ({@code git merge --no-ff}, as a local run's
 * parallel tasks) and pushes the run branch, which must fast-forward; a retried merge whose earlier attempt already
 * pushed (the branch's head is a merge of exactly that head and that commit) returns that merge instead of making
 * another.
 *
 * <p><b>Models.</b> The worker's provider of {@link RunInput#model()} is opened with the worker's own environment
 * (keys, base URLs, {@code ~/.config/munero}), priced from Munero's model table and the worker user's
 * {@code models.toml}, and wrapped by {@link ActivityModels} (the run's budget and the call cache).
 *
 * <p><b>Failures.</b> A provider key missing on this worker, an invalid {@code munero.yaml} or limits, a plan or
 * reflection the model could not get right, and a run branch that moved under a merge fail the activity without
 * retry ({@link ApplicationFailure} non-retryable, types {@code configuration}, {@code planning},
 * {@code branch-moved}); git, I/O and provider failures fail it for Temporal to retry. When a heartbeat fails (the
 * activity was cancelled or timed out), a watcher interrupts the attempt's thread within a third of the heartbeat
 * time-out, which stops a model call and its retries, the agent, a command or a check build, and the attempt
 * rethrows Temporal's exception; nothing is pushed after that.
 *
 * <p>Thread-safe: Temporal runs several activities of a worker at once, each on its own thread.
 */
public final class RunActivitiesImpl implements RunActivities {
    /** The worker's console, or null. */
    private final java.io.PrintStream log;
    private final Path workDir;
    private final Map<String, String> env;
    private final ActivityModels models;
    private final GitTransfer git;

    /**
     * @param workDir the worker's own directory: clones of run remotes, attempts' worktrees and the check builds'
     *                engine cache go under it
     * @param env     the worker's environment: provider keys and base URLs, what agents' commands and check steps
     *                inherit (scrubbed of secrets when they start), {@code MUNERO_CONFIG}/{@code HOME} for the
     *                user config
     * @param models  wraps the worker's provider in the run's budget and call cache
     */
    public RunActivitiesImpl(Path workDir, Map<String, String> env, ActivityModels models) {
        this(workDir, env, models, null);
    }

    /**
     * As {@link #RunActivitiesImpl(Path, Map, ActivityModels)}, saying on {@code log} (the worker's console) when
     * each activity attempt starts and ends: {@code HH:MM:SS run R: RunTask greet (iteration 1, attempt 2) started}.
     *
     * @param log where the attempts are said, or null for nowhere
     */
    public RunActivitiesImpl(Path workDir, Map<String, String> env, ActivityModels models, java.io.PrintStream log) {
        this.log = log;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.env = Map.copyOf(env);
        this.models = models;
        this.git = new GitTransfer(this.workDir);
    }

    /** The branch on the run's remote that holds task {@code task}'s commit of iteration {@code iteration}. */
    public static String taskBranch(String runId, int iteration, String task) {
        // not munero/<run>/<n>/<task>: git cannot have refs under munero/<run>, the run's own branch
        return "munero/" + runId + "-tasks/" + iteration + "/" + task;
    }

    @Override
    public PlanResult plan(PlanInput input) {
        RunInput run = input.run();
        return attempt(run, (hb, events) -> {
            try (GitTransfer.Checkout co = git.checkout(run.gitRemote(), List.of(run.branch()), input.commit(),
                    attemptName())) {
                Priced priced = provider(run, hb);
                Plan plan = RemotePhases.plan(priced.model(), priced.prices(), limits(run), co.dir(), run.spec(),
                        RemoteJson.lessons(input.lessonsJson()), events);
                hb.check();
                return new PlanResult(RemoteJson.plan(plan), List.of());
            }
        }, (r, lines) -> new PlanResult(r.planJson(), lines));
    }

    @Override
    public TaskResult runTask(TaskInput input) {
        RunInput run = input.run();
        return attempt(run, (hb, events) -> {
            PlanTask task = taskOf(input);
            String branch = taskBranch(run.runId(), input.iteration(), task.id());
            GitTransfer.requireBranchName(branch);
            try (GitTransfer.Checkout co = git.checkout(run.gitRemote(), List.of(run.branch()), input.commit(),
                    attemptName())) {
                Priced priced = provider(run, hb);
                RunLimits limits = limits(run);
                Plan plan = planOf(input);
                RemotePhases.TaskSetup setup = new RemotePhases.TaskSetup(input.iteration(), run.spec(), plan, task,
                        RemoteJson.lessons(input.lessonsJson()), limits, sandbox(run), env, limits.timeout());
                AgentResult result = RemotePhases.runTask(priced.model(), priced.prices(), setup, co.dir(), events);
                hb.check(); // a failed heartbeat interrupted the agent (attempt's watcher): Temporal's exception
                if (result.condition() == StopCondition.INTERRUPTED) {
                    throw Activity.wrap(new InterruptedException("the agent on task " + task.id()
                            + " was interrupted"));
                }
                if (result.condition() == StopCondition.PROVIDER_ERROR) {
                    throw ApplicationFailure.newFailure("task " + task.id() + ": " + result.detail(), "provider");
                }
                Git wt = Git.open(co.dir());
                Optional<String> commit = wt.commitAll("munero: task " + task.id() + " (iteration "
                        + input.iteration() + "): " + firstLine(result.summary()));
                if (commit.isPresent()) {
                    git.push(co, commit.get(), branch, true);
                }
                events.accept(RemotePhases.taskFinished(input.iteration(), task.id(), result, commit.orElse(null)));
                return new TaskResult(task.id(), result.condition().id(), result.summary(), branch,
                        commit.orElse(null), List.of());
            }
        }, (r, lines) -> new TaskResult(r.task(), r.condition(), r.summary(), r.taskBranch(), r.commit(), lines));
    }

    @Override
    public MergeResult merge(MergeInput input) {
        RunInput run = input.run();
        return attempt(run, (hb, events) -> {
            if (input.taskCommit() == null) { // the task changed nothing: nothing to bring over
                return new MergeResult(true, input.head(), List.of(), List.of());
            }
            try (GitTransfer.Checkout co = git.checkout(run.gitRemote(), List.of(run.branch(), input.taskBranch()),
                    input.head(), attemptName())) {
                String tip = git.fetched(co, run.branch());
                if (!tip.equals(input.head())) {
                    if (git.parents(co, tip).equals(List.of(input.head(), input.taskCommit()))) {
                        // an earlier attempt of this merge pushed it, then died: its merge is the result
                        events.accept(new RunEvent.Checkpoint(input.iteration(), "task:" + input.task(), tip));
                        return new MergeResult(true, tip, List.of(), List.of());
                    }
                    throw ApplicationFailure.newNonRetryableFailure("the run's branch " + run.branch() + " on "
                            + run.gitRemote() + " is at " + tip + ", not at " + input.head() + " where the merge of "
                            + "task " + input.task() + " starts: something else pushed to it", "branch-moved");
                }
                Git wt = Git.open(co.dir());
                var merged = wt.merge(input.taskCommit(), "munero: merge task " + input.task() + " (iteration "
                        + input.iteration() + ")");
                hb.check();
                return switch (merged) {
                    case dev.munero.core.git.MergeResult.Merged m -> {
                        git.push(co, m.commit(), run.branch(), false);
                        events.accept(new RunEvent.Checkpoint(input.iteration(), "task:" + input.task(), m.commit()));
                        yield new MergeResult(true, m.commit(), List.of(), List.of());
                    }
                    case dev.munero.core.git.MergeResult.Conflict c -> new MergeResult(false, input.head(), c.files(),
                            List.of());
                };
            }
        }, (r, lines) -> new MergeResult(r.merged(), r.head(), r.conflicts(), lines));
    }

    @Override
    public CheckResult check(CheckInput input) {
        RunInput run = input.run();
        return attempt(run, (hb, events) -> {
            try (GitTransfer.Checkout co = git.checkout(run.gitRemote(), List.of(run.branch()), input.commit(),
                    attemptName())) {
                Checks.Report report = RemotePhases.check(input.iteration(), RemoteJson.checks(input.checksJson()),
                        co.dir(), workDir.resolve("cache"), env, sandbox(run), events);
                hb.check();
                return new CheckResult(report.passed(), RemoteJson.failures(report.failures()), List.of());
            }
        }, (r, lines) -> new CheckResult(r.passed(), r.failuresJson(), lines));
    }

    @Override
    public ReflectResult reflect(ReflectInput input) {
        RunInput run = input.run();
        return attempt(run, (hb, events) -> {
            Priced priced = provider(run, hb);
            RemotePhases.Reflected reflected = RemotePhases.reflect(priced.model(), priced.prices(), limits(run),
                    input.iteration(), run.spec(), RemoteJson.plan(input.planJson()), input.doneTaskIds(),
                    RemoteJson.failures(input.failuresJson()), List.of(), events);
            hb.check();
            return new ReflectResult(RemoteJson.plan(reflected.plan()), reflected.redo(),
                    reflected.lessons().stream().map(RemoteJson::lesson).toList(), List.of());
        }, (r, lines) -> new ReflectResult(r.planJson(), r.newTaskIds(), r.lessonsJson(), lines));
    }

    /** One phase's work, given the attempt's heartbeats and where its events go. */
    private interface Work<R> {
        R run(Heartbeats hb, Consumer<RunEvent> events) throws Exception;
    }

    /**
     * Runs {@code work} with heartbeats and an event list, and maps its failures to Temporal's (see the class
     * docstring); {@code withEvents} puts the recorded events into the result.
     */
    private <R> R attempt(RunInput run, Work<R> work, java.util.function.BiFunction<R, List<EventLine>, R> withEvents) {
        ActivityExecutionContext context = Activity.getExecutionContext();
        String what = "run " + run.runId() + ": " + context.getInfo().getActivityType() + " (attempt "
                + context.getInfo().getAttempt() + ")";
        long started = System.nanoTime();
        say(what + " started");
        Duration interval = Duration.ofMillis(Math.max(200, run.heartbeatSeconds() * 1000L / 3));
        List<EventLine> lines = Collections.synchronizedList(new ArrayList<>());
        Consumer<RunEvent> events = e -> lines.add(new EventLine(e.type(), RemoteJson.payload(e),
                System.currentTimeMillis()));
        Heartbeats hb = new Heartbeats(context, interval);
        Thread watcher = stopOnFailedHeartbeat(hb, interval);
        try {
            R result = work.run(hb, events);
            stop(watcher);
            hb.check();
            say(what + " done in " + seconds(started));
            return withEvents.apply(result, List.copyOf(lines));
        } catch (Exception e) {
            stop(watcher);
            say(what + " failed after " + seconds(started) + ": " + e.getMessage());
            hb.check(); // stopped by a cancel or time-out: Temporal's exception, whatever the work threw
            throw failure(e);
        } finally {
            hb.close();
        }
    }

    private void say(String line) {
        if (log != null) {
            log.println(java.time.LocalTime.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + line);
            log.flush();
        }
    }

    private static String seconds(long startedNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - startedNanos) / 1e9);
    }

    /**
     * A thread that interrupts the calling (activity) thread once a heartbeat fails (the activity was cancelled or
     * timed out), so that a model call, its retries, a command or a check build stop; it checks each interval.
     */
    private static Thread stopOnFailedHeartbeat(Heartbeats hb, Duration interval) {
        Thread activity = Thread.currentThread();
        return Thread.ofVirtual().name("heartbeat-watch").start(() -> {
            try {
                while (true) {
                    Thread.sleep(interval);
                    try {
                        hb.check();
                    } catch (RuntimeException failed) {
                        activity.interrupt();
                        return;
                    }
                }
            } catch (InterruptedException done) {
                // the attempt ended
            }
        });
    }

    private static void stop(Thread watcher) {
        watcher.interrupt();
        boolean interrupted = false;
        while (watcher.isAlive()) {
            try {
                watcher.join();
            } catch (InterruptedException e) {
                interrupted = true; // the watcher's own interrupt, or a late one: the heartbeat check decides
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Temporal's failure for what a phase threw (see the class docstring). */
    private static RuntimeException failure(Exception e) {
        return switch (e) {
            case ApplicationFailure f -> f;
            case io.temporal.client.ActivityCompletionException c -> c;
            case io.temporal.failure.TemporalFailure f -> f;
            case AppException a -> ApplicationFailure.newNonRetryableFailureWithCause(a.getMessage(), "configuration",
                    a);
            case IllegalArgumentException a -> ApplicationFailure.newNonRetryableFailureWithCause(a.getMessage(),
                    "configuration", a);
            case PlanningException p -> ApplicationFailure.newNonRetryableFailureWithCause(p.getMessage(), "planning",
                    p);
            case ConfigException c -> ApplicationFailure.newNonRetryableFailureWithCause(c.getMessage(),
                    "configuration", c);
            case SettingsException c -> ApplicationFailure.newNonRetryableFailureWithCause(c.getMessage(),
                    "configuration", c);
            case InterruptedException i -> {
                Thread.currentThread().interrupt();
                yield Activity.wrap(i);
            }
            default -> ApplicationFailure.newFailureWithCause(describe(e), e.getClass().getSimpleName(), e);
        };
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }

    /** The worker's provider and prices, behind {@link ActivityModels}. */
    private record Priced(ChatModel model, ModelInfo prices) { }

    private Priced provider(RunInput run, Heartbeats hb) {
        UserConfig config = UserConfig.load(env);
        ChatModel provider;
        try {
            provider = RunSessions.model(run.model(), workDir, null, null, env, config);
        } catch (AppException e) {
            throw ApplicationFailure.newNonRetryableFailure("worker " + identity() + " cannot use " + run.model()
                    + ": " + e.getMessage(), "configuration");
        }
        ModelInfo prices = RunSessions.prices(provider, config);
        ActivityInfo info = Activity.getExecutionContext().getInfo();
        return new Priced(models.open(run, provider, prices, hb, info.getActivityId() + "/" + info.getAttempt()),
                prices);
    }

    private static String identity() {
        return Activity.getExecutionContext().getInfo().getWorkflowId() + " activity "
                + Activity.getExecutionContext().getInfo().getActivityId() + " on " + ProcessHandle.current().pid();
    }

    /** A worktree name unique to this activity attempt. */
    private static String attemptName() {
        ActivityInfo info = Activity.getExecutionContext().getInfo();
        return (info.getWorkflowId() + "-" + info.getActivityId() + "-" + info.getAttempt())
                .replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static RunLimits limits(RunInput run) {
        return RemoteJson.limits(run.limitsJson());
    }

    /** The sandbox the run's limits name ({@code sandbox}: auto, on, off; auto when they name none). */
    private Sandbox sandbox(RunInput run) {
        JsonNode limits = dev.munero.core.events.RunEvents.JSON.readTree(run.limitsJson());
        SandboxMode mode = SandboxMode.parse(limits.path("sandbox").asString("auto"));
        return RunSessions.sandbox(mode, UserConfig.load(env));
    }

    /**
     * The task of the input, as the input's plan has it: the plan's other tasks are what its {@code depends_on} names,
     * so the task alone is no plan (a task depending on a done one would be refused as naming an unknown task).
     *
     * @throws IllegalArgumentException when the task JSON has no id or the plan no such task
     */
    private static PlanTask taskOf(TaskInput input) {
        String id = tools.jackson.databind.json.JsonMapper.shared().readTree(input.taskJson() == null ? "{}"
                : input.taskJson()).path("id").asString("");
        return planOf(input).task(id).orElseThrow(() -> new IllegalArgumentException("task " + id + " of run "
                + input.run().runId() + " is not in the plan it came with (TaskInput.planJson)"));
    }

    /** The plan of the task's input. @throws IllegalArgumentException when the input has none */
    private static Plan planOf(TaskInput input) {
        if (input.planJson() == null) {
            throw new IllegalArgumentException("the task input of " + input.run().runId() + " has no plan "
                    + "(TaskInput.planJson): the workflow must pass the plan, whose checks the task's prompt names");
        }
        return RemoteJson.plan(input.planJson());
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.strip().lines().findFirst().orElse("");
        return line.length() <= 120 ? line : line.substring(0, 120) + "…";
    }
}
