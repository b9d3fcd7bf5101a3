package dev.munero.temporal;

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
import dev.munero.temporal.wire.ReflectInput;
import dev.munero.temporal.wire.ReflectResult;
import dev.munero.temporal.wire.Reserve;
import dev.munero.temporal.wire.Settle;
import dev.munero.temporal.wire.TaskInput;
import dev.munero.temporal.wire.TaskResult;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Activities scripted by a test, in place of t-act's implementation: a plan of the given tasks, tasks that each
 * reserve one model call on the workflow's budget and commit {@code c-<task>}, merges that conflict for the named
 * tasks, checks that pass from a given iteration on, and reflections that add one fix task. They record what they
 * were asked. Thread-safe (activities run on the worker's threads).
 */
class ScriptedActivities implements RunActivities {
    final String planJson;
    /** Tasks whose merge conflicts (on {@code src/A.java}). */
    final Set<String> conflicting = ConcurrentHashMap.newKeySet();
    /** The first iteration whose checks pass (Integer.MAX_VALUE: never). */
    volatile int passFrom = 1;
    /** Each task's model call worst case, USD. */
    volatile double callUsd = 0.10;
    /** What each task's call really costs, USD. */
    volatile double costUsd = 0.04;
    /** When set, every task waits on it before it ends (count it down to let them go). */
    volatile CountDownLatch hold;
    /** Counted down as each task starts. */
    volatile CountDownLatch started = new CountDownLatch(0);
    /** A task that fails (non-retryably) instead of running, or null. */
    volatile Function<TaskInput, RuntimeException> failTask = t -> null;

    final AtomicInteger runningNow = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final List<String> tasksRun = new CopyOnWriteArrayList<>();
    final List<String> merged = new CopyOnWriteArrayList<>();
    final List<String> checkedCommits = new CopyOnWriteArrayList<>();
    final List<ReflectInput> reflections = new CopyOnWriteArrayList<>();
    final List<TaskInput> taskInputs = new CopyOnWriteArrayList<>();
    final List<Grant> grants = new CopyOnWriteArrayList<>();

    ScriptedActivities(String planJson) {
        this.planJson = planJson;
    }

    /** A plan of independent tasks (or with the given dependencies as {@code "b<-a"}) and one check. */
    static String plan(String... tasks) {
        List<String> json = new ArrayList<>();
        for (String t : tasks) {
            String[] parts = t.split("<-");
            String deps = parts.length == 1 ? "" : "\"" + parts[1] + "\"";
            json.add("{\"id\":\"" + parts[0] + "\",\"description\":\"do " + parts[0] + "\",\"files\":[\"src/"
                    + parts[0] + ".txt\"],\"depends_on\":[" + deps + "]}");
        }
        return "{\"summary\":\"s\",\"tasks\":[" + String.join(",", json) + "],\"checks\":[{\"name\":\"test\","
                + "\"run\":\"true\"}]}";
    }

    @Override
    public PlanResult plan(PlanInput input) {
        return new PlanResult(planJson, List.of(line(new RunEvent.PhaseStarted("planned-by-activity", 0))));
    }

    @Override
    public TaskResult runTask(TaskInput input) {
        String id = RunEvents.JSON.readTree(input.taskJson()).path("id").asString();
        taskInputs.add(input);
        RuntimeException fail = failTask.apply(input);
        if (fail != null) {
            throw fail;
        }
        int now = runningNow.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        started.countDown();
        try {
            ActivityInfo info = Activity.getExecutionContext().getInfo();
            String callId = info.getActivityId() + "/" + info.getAttempt() + "/task:" + input.iteration() + ":" + id
                    + "/0";
            RunWorkflow wf = Activity.getExecutionContext().getWorkflowClient().newWorkflowStub(RunWorkflow.class,
                    info.getWorkflowId());
            Grant grant = wf.reserve(new Reserve(callId, callUsd));
            grants.add(grant);
            if (!grant.granted()) {
                throw ApplicationFailure.newNonRetryableFailure(grant.reason(), "BudgetExceeded");
            }
            wf.settle(new Settle(callId, costUsd));
            CountDownLatch h = hold;
            if (h != null && !h.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test never let task " + id + " go");
            }
            tasksRun.add(id);
            return new TaskResult(id, "finished", "did " + id, "munero/" + input.run().runId() + "/"
                    + input.iteration() + "/" + id, "c-" + id, List.of(line(new RunEvent.ModelCalled("task:"
                    + input.iteration() + ":" + id, 0, "fake:model", 10, 10, 0, 0, costUsd, false, 1)),
                    line(new RunEvent.TaskFinished(
                    input.iteration(), id, "finished", "did " + id, "c-" + id, 1, 0, costUsd))));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            runningNow.decrementAndGet();
        }
    }

    @Override
    public MergeResult merge(MergeInput input) {
        if (conflicting.remove(input.task())) {
            return new MergeResult(false, input.head(), List.of("src/A.java"), List.of());
        }
        merged.add(input.task());
        String head = input.head() + "+" + input.task();
        return new MergeResult(true, head, List.of(), List.of(line(new RunEvent.Checkpoint(input.iteration(),
                "task:" + input.task(), head))));
    }

    @Override
    public CheckResult check(CheckInput input) {
        checkedCommits.add(input.commit());
        boolean passed = input.iteration() >= passFrom;
        String failures = passed ? "[]" : "[{\"step\":\"test\",\"exit_code\":1,\"failing_tests\":[],\"log_tail\":\"x\"}]";
        return new CheckResult(passed, failures, List.of(line(new RunEvent.ChecksFinished(input.iteration(), passed,
                List.of("test"), List.of(), 1, 0, 5))));
    }

    @Override
    public ReflectResult reflect(ReflectInput input) {
        reflections.add(input);
        String fix = "fix-" + (input.iteration() + 1);
        String revised = input.planJson().replaceFirst("\\]\\s*,\\s*\"checks\"", ",{\"id\":\"" + fix
                + "\",\"description\":\"make test pass\",\"files\":[],\"depends_on\":[]}],\"checks\"");
        return new ReflectResult(revised, List.of(fix), List.of("{\"check\":\"test\",\"what_failed\":\"x\"}"),
                List.of(line(new RunEvent.LessonRecorded(input.iteration(), 0, "test", "x", "y", "z", List.of()))));
    }

    static EventLine line(RunEvent e) {
        return new EventLine(e.type(), RunEvents.JSON.writeValueAsString(RunEvents.payload(e)), 0);
    }

    /** The ids of the tasks run, sorted. */
    List<String> sortedTasks() {
        List<String> s = new ArrayList<>(tasksRun);
        Collections.sort(s);
        return s;
    }
}
