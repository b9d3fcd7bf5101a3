package dev.munero.temporal;

import dev.munero.core.RunState;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.temporal.wire.CheckInput;
import dev.munero.temporal.wire.CheckResult;
import dev.munero.temporal.wire.EventLine;
import dev.munero.temporal.wire.Grant;
import dev.munero.temporal.wire.MergeInput;
import dev.munero.temporal.wire.MergeResult;
import dev.munero.temporal.wire.PlanInput;
import dev.munero.temporal.wire.PlanResult;
import dev.munero.temporal.wire.Progress;
import dev.munero.temporal.wire.ReflectInput;
import dev.munero.temporal.wire.ReflectResult;
import dev.munero.temporal.wire.Reserve;
import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.RunResult;
import dev.munero.temporal.wire.Settle;
import dev.munero.temporal.wire.TaskInput;
import dev.munero.temporal.wire.TaskResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The distributed run's workflow (issue 16.2): the local loop ({@code core.loop.RunLoop}) with each phase an
 * activity of {@link RunActivities}. Initializing → ConfiguringMCP → PreparingBuild → plan (phase
 * {@code planning}) → Building; then each iteration: the ready tasks run in parallel, at most
 * {@link RunInput#agents()} at once ({@link Async} activities), each finished task's branch is merged into the
 * run's branch one merge at a time in the order the tasks finish (a conflict makes the task done without a merge and
 * adds its follow-up task {@code <task>-merge}, as the local loop does), then the checks are built at the run
 * branch's head; they pass → Completed; they fail at {@link RunInput#maxIterations()} → Failed; else a reflection
 * revises the plan and the next iteration runs the tasks it names.
 *
 * <p>Every way out is a {@link RunResult}: {@code paused} for a budget refusal (what the refused call needed), a
 * pause request ({@link #pause}: after the activities running now end and their work is merged), and an activity
 * that failed after its retries (a provider, git or worker failure: the run can be resumed); {@code failed} for a
 * plan or reflection the model could not get right (an activity failure of type {@value #PLANNING}) and for checks
 * that still fail at the last iteration. A failure of type {@value #CONFIGURATION} (a key missing on a worker, an
 * invalid {@code munero.yaml}) pauses the run, since it can be fixed and the run resumed.
 *
 * <p>Events: the workflow keeps the run's event list ({@link #progress}): its own events (state changes, phases,
 * iterations, merge conflicts, follow-up plans, iteration checkpoints, the outcome) made from core's
 * {@link RunEvent} records with {@link RunEvents#payload}, and the activities' events in the order their results
 * arrive. The starter appends them to its store.
 *
 * <p>Activities: heartbeat time-out {@link RunInput#heartbeatSeconds()} (a silent worker is taken for dead and
 * the activity moves to another worker), start-to-close {@value #ACTIVITY_HOURS} hours, retries with backoff from
 * 1 s to 1 min, at most {@value #ATTEMPTS} attempts; failures of type {@value #PLANNING}, {@value #CONFIGURATION}
 * and {@value #BRANCH_MOVED} are not retried.
 *
 * <p>Deterministic: no clock, thread, I/O or randomness but through {@link Workflow}; JSON parsing with core's
 * mapper only. Temporal runs its handlers one at a time, so no field needs a lock.
 */
public final class RunWorkflowImpl implements RunWorkflow {
    /** Events a {@link #progress} page holds at most (a query's answer must stay far below 2 MB). */
    static final int PAGE = 200;
    /** An activity's start-to-close time-out, hours. */
    static final int ACTIVITY_HOURS = 6;
    /** An activity's attempts at most. */
    static final int ATTEMPTS = 10;
    /** The failure type of a plan or reflection the model could not get right: the run fails. */
    static final String PLANNING = "planning";
    /** The failure type of a worker or repository setting that is wrong (a key, munero.yaml): the run pauses. */
    static final String CONFIGURATION = "configuration";
    /** The failure type of a run branch that moved under a merge: the run pauses. */
    static final String BRANCH_MOVED = "branch-moved";

    private final List<EventLine> events = new ArrayList<>();
    private String state = RunState.INITIALIZING.label();
    private int iteration;
    private BudgetAccount budget = new BudgetAccount(null, 0);
    private String pauseBy;
    private String head;

    /** A reason the run stops early: how it ends. */
    private static final class Stop extends RuntimeException {
        final RunResult result;

        Stop(RunResult result) {
            super(result.message(), null, false, false);
            this.result = result;
        }
    }

    @Override
    public RunResult run(RunInput input) {
        budget = new BudgetAccount(input.budgetUsd(), input.spentUsd());
        head = input.baseCommit();
        RunActivities activities = Workflow.newActivityStub(RunActivities.class, options(input));
        try {
            return loop(input, activities);
        } catch (Stop s) {
            return s.result;
        }
    }

    /** The activities' options: heartbeat time-out from the run, retries with backoff. */
    static ActivityOptions options(RunInput input) {
        return ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofHours(ACTIVITY_HOURS))
                .setHeartbeatTimeout(Duration.ofSeconds(Math.max(1, input.heartbeatSeconds())))
                .setRetryOptions(RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(1))
                        .setBackoffCoefficient(2)
                        .setMaximumInterval(Duration.ofMinutes(1))
                        .setMaximumAttempts(ATTEMPTS)
                        .setDoNotRetry(PLANNING, CONFIGURATION, BRANCH_MOVED,
                                "dev.munero.core.plan.PlanningException", "dev.munero.engine.config.ConfigException")
                        .build())
                .build();
    }

    private RunResult loop(RunInput input, RunActivities activities) {
        move(RunState.CONFIGURING_MCP, "start");
        move(RunState.PREPARING_BUILD, "a distributed run's agents use the tools of the worker they run on");
        emit(new RunEvent.PhaseStarted("planning", 0));
        List<String> lessons = new ArrayList<>();
        PlanResult planned = call(input, () -> activities.plan(new PlanInput(input, head, List.copyOf(lessons))));
        addAll(planned.events());
        PlanState plan;
        try {
            plan = new PlanState(planned.planJson());
        } catch (IllegalArgumentException e) {
            throw new Stop(fail(input, "planning returned no valid plan: " + e.getMessage()));
        }
        if (!hasType(planned.events(), "plan_accepted")) {
            emit(new RunEvent.PlanAccepted(1, plan.map(), 1, false, List.of()));
        }
        move(RunState.BUILDING, "planned");
        for (int it = 1; ; it++) {
            iteration = it;
            emit(new RunEvent.IterationStarted(it));
            stopIfAsked(input);
            emit(new RunEvent.PhaseStarted("executing", it));
            execute(input, activities, plan, lessons, it);
            stopIfAsked(input);
            emit(new RunEvent.PhaseStarted("observing", it));
            int at = it;
            String checked = head;
            CheckResult checks = call(input, () -> activities.check(new CheckInput(input, at, checked,
                    plan.checksJson())));
            addAll(checks.events());
            emit(new RunEvent.Checkpoint(it, "iteration", head));
            if (checks.passed()) {
                move(RunState.COMPLETING, "every check passed");
                emit(new RunEvent.RunCompleted(it, total(), head, 0));
                move(RunState.COMPLETED, "its completion is recorded");
                return result("completed", "every check passed in iteration " + it, null);
            }
            if (it >= input.maxIterations()) {
                return fail(input, "the checks still fail after " + it + " iteration" + (it == 1 ? "" : "s")
                        + " (--max-iterations " + input.maxIterations() + "): " + failedSteps(checks.failuresJson()));
            }
            stopIfAsked(input);
            emit(new RunEvent.PhaseStarted("reflecting", it));
            ReflectResult reflected = call(input, () -> activities.reflect(new ReflectInput(input, at, plan.json(),
                    plan.doneIds(), checks.failuresJson())));
            addAll(reflected.events());
            try {
                plan.replace(reflected.planJson());
            } catch (IllegalArgumentException e) {
                throw new Stop(fail(input, "the reflection returned no valid plan: " + e.getMessage()));
            }
            plan.redo(reflected.newTaskIds());
            lessons.addAll(reflected.lessonsJson());
            if (!hasType(reflected.events(), "plan_accepted")) {
                emit(new RunEvent.PlanAccepted(it + 1, plan.map(), 1, true, reflected.newTaskIds()));
            }
        }
    }

    /**
     * Runs the iteration's ready tasks, at most {@code agents} at once, merging each as it finishes. A pause
     * request, a budget refusal or a failed task stop new starts; the running tasks end and are merged, then the
     * run stops.
     */
    private void execute(RunInput input, RunActivities activities, PlanState plan, List<String> lessons, int it) {
        Map<String, Promise<TaskResult>> running = new LinkedHashMap<>();
        RunResult stop = null;
        while (true) {
            if (stop == null && pauseBy == null && budget.refusal() == null) {
                for (String id : plan.ready(running.keySet())) {
                    if (running.size() >= Math.max(1, input.agents())) {
                        break;
                    }
                    TaskInput task = new TaskInput(input, it, plan.taskJson(id), head, List.copyOf(lessons),
                            plan.json());
                    running.put(id, Async.function(activities::runTask, task));
                }
            }
            if (running.isEmpty()) {
                if (stop != null) {
                    throw new Stop(stop);
                }
                return;
            }
            Promise.anyOf(running.values()).handle((r, e) -> null).get();
            for (String id : new ArrayList<>(running.keySet())) {
                Promise<TaskResult> p = running.get(id);
                if (!p.isCompleted()) {
                    continue;
                }
                running.remove(id);
                TaskResult done;
                try {
                    done = p.get();
                } catch (ActivityFailure e) {
                    if (stop == null) {
                        stop = stopFor(input, "task " + id, e);
                    }
                    continue;
                }
                addAll(done.events());
                if (done.commit() == null) {
                    plan.done(id);
                    continue;
                }
                MergeResult merged;
                try {
                    String from = head;
                    merged = activities.merge(new MergeInput(input, it, id, from, done.taskBranch(), done.commit()));
                } catch (ActivityFailure e) {
                    if (stop == null) {
                        stop = stopFor(input, "the merge of task " + id, e);
                    }
                    continue;
                }
                addAll(merged.events());
                if (merged.head() != null) {
                    head = merged.head();
                }
                plan.done(id);
                if (!merged.merged()) {
                    String follow = plan.addFollowUp(id, done.taskBranch(), done.commit(), merged.conflicts());
                    emit(new RunEvent.MergeConflict(it, id, merged.conflicts(), follow));
                    emit(new RunEvent.PlanAccepted(it, plan.map(), 0, true, List.of()));
                }
            }
        }
    }

    @Override
    public Grant reserve(Reserve request) {
        return budget.reserve(request);
    }

    @Override
    public void settle(Settle settlement) {
        if (settlement != null && settlement.callId() != null && Double.isFinite(settlement.usd())) {
            budget.settle(settlement.callId(), settlement.usd());
        }
    }

    @Override
    public void pause(String by) {
        if (pauseBy == null) {
            pauseBy = by == null || by.isBlank() ? "someone" : by;
            emit(new RunEvent.PauseRequested(pauseBy));
        }
    }

    @Override
    public Progress progress(int fromEvent) {
        int from = Math.max(0, Math.min(fromEvent, events.size()));
        int to = Math.min(events.size(), from + PAGE);
        return new Progress(state, iteration, budget.spentUsd(), budget.reservedUsd(),
                List.copyOf(events.subList(from, to)), to);
    }

    /** Runs a blocking activity call; its failure (after retries) ends the run as {@link #stopFor} says. */
    private <T> T call(RunInput input, java.util.function.Supplier<T> activity) {
        try {
            return activity.get();
        } catch (ActivityFailure e) {
            throw new Stop(stopFor(input, phaseName(), e));
        }
    }

    private String phaseName() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).type().equals("phase_started")) {
                return RunEvents.JSON.readTree(events.get(i).payloadJson()).path("phase").asString("the run");
            }
        }
        return "the run";
    }

    /** How an activity's failure ends the run: a budget refusal or a retryable failure pauses, a bad plan fails. */
    private RunResult stopFor(RunInput input, String what, ActivityFailure e) {
        if (budget.refusal() != null) {
            return pause("budget: " + budget.refusal(), budget.refusedNeededUsd());
        }
        String type = e.getCause() instanceof ApplicationFailure a ? a.getType() : "";
        String message = message(e);
        if (type.equals(PLANNING) || type.endsWith("PlanningException")) {
            return fail(input, message);
        }
        if (type.equals(CONFIGURATION) || type.endsWith("ConfigException")) {
            return pause(what + " cannot run on the workers (fix the setting, then resume): " + message, null);
        }
        return pause(what + " failed on the workers: " + message, null);
    }

    private static String message(TemporalFailure e) {
        Throwable c = e.getCause();
        if (c instanceof ApplicationFailure a) {
            return a.getOriginalMessage();
        }
        if (c instanceof TemporalFailure t) {
            return t.getOriginalMessage() + (t.getCause() instanceof TemporalFailure tt ? ": "
                    + tt.getOriginalMessage() : "");
        }
        return e.getOriginalMessage();
    }

    private void stopIfAsked(RunInput input) {
        if (pauseBy != null) {
            throw new Stop(pause("a pause was requested by " + pauseBy, null));
        }
        if (budget.refusal() != null) {
            throw new Stop(pause("budget: " + budget.refusal(), budget.refusedNeededUsd()));
        }
    }

    private RunResult pause(String reason, Double neededUsd) {
        if (!state.equals(RunState.PAUSED.label())) {
            move(RunState.PAUSED, reason);
        }
        emit(new RunEvent.RunPaused(reason, neededUsd, 0));
        return result("paused", reason, neededUsd);
    }

    private RunResult fail(RunInput input, String reason) {
        move(RunState.FAILED, reason);
        emit(new RunEvent.RunFailed(reason, 0));
        return result("failed", reason, null);
    }

    private RunResult result(String status, String message, Double neededUsd) {
        return new RunResult(status, message, iteration, head, total(), neededUsd);
    }

    /** Spent plus what open reservations hold at their worst case. */
    private double total() {
        return budget.spentUsd() + budget.reservedUsd();
    }

    private void move(RunState to, String reason) {
        RunState from = RunState.ofLabel(state);
        from.moveTo(to);
        emit(new RunEvent.StateChanged(from.label(), to.label(), reason));
        state = to.label();
    }

    private void emit(RunEvent event) {
        events.add(new EventLine(event.type(), RunEvents.JSON.writeValueAsString(RunEvents.payload(event)),
                Workflow.currentTimeMillis()));
    }

    private void addAll(List<EventLine> lines) {
        if (lines != null) {
            events.addAll(lines);
        }
    }

    private static boolean hasType(List<EventLine> lines, String type) {
        return lines != null && lines.stream().anyMatch(l -> type.equals(l.type()));
    }

    private static String failedSteps(String failuresJson) {
        Set<String> steps = new LinkedHashSet<>();
        try {
            RunEvents.JSON.readTree(failuresJson == null ? "[]" : failuresJson)
                    .forEach(f -> steps.add(f.path("step").asString("?")));
        } catch (tools.jackson.core.JacksonException e) {
            return "(the failures could not be read: " + e.getOriginalMessage() + ")";
        }
        return String.join(", ", steps);
    }
}
