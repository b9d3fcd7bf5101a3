package dev.munero.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.munero.core.events.RunEvents;
import dev.munero.temporal.wire.EventLine;
import dev.munero.temporal.wire.Progress;
import dev.munero.temporal.wire.Reserve;
import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.RunResult;
import dev.munero.temporal.wire.TaskInput;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The workflow against Temporal's in-process test service with scripted activities ({@link ScriptedActivities}):
 * the loop, parallelism, merge conflicts, reflection, the budget account, the pause signal, and replay.
 */
class RunWorkflowImplTest {
    private static final String QUEUE = "munero-test";

    private TestWorkflowEnvironment env;
    private WorkflowClient client;

    @BeforeEach
    void start() {
        env = TestWorkflowEnvironment.newInstance();
        client = env.getWorkflowClient();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    private void serve(ScriptedActivities activities) {
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(RunWorkflowImpl.class);
        worker.registerActivitiesImplementations(activities);
        env.start();
    }

    private static RunInput input(String runId, Double budgetUsd, int maxIterations, int agents) {
        return new RunInput(runId, "build it", "/tmp/remote.git", "munero/" + runId, "base", "fake:model", budgetUsd,
                0, maxIterations, agents, null, null, "{}", 30);
    }

    private RunWorkflow stub(String runId) {
        return client.newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(QUEUE)
                .setWorkflowId(RunInput.workflowId(runId)).build());
    }

    private static List<String> types(List<EventLine> events) {
        return events.stream().map(EventLine::type).toList();
    }

    private static JsonNode payload(EventLine e) {
        return RunEvents.JSON.readTree(e.payloadJson());
    }

    @Test
    void aRunPlansRunsEveryTaskMergesEachAndCompletesWhenTheChecksPass() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a", "b<-a"));
        serve(acts);
        RunWorkflow wf = stub("r1");
        RunResult result = wf.run(input("r1", null, 3, 2));

        assertEquals("completed", result.status(), result.message());
        assertEquals(1, result.iterations());
        assertEquals("base+a+b", result.head());
        assertEquals(List.of("a", "b"), acts.tasksRun);
        // b depends on a: it starts from the head a's merge made
        TaskInput b = acts.taskInputs.stream().filter(t -> t.taskJson().contains("\"id\":\"b\"")).findFirst()
                .orElseThrow();
        assertEquals("base+a", b.commit());
        assertEquals(List.of("base+a+b"), acts.checkedCommits);
        assertEquals(0.08, result.spentUsd(), 1e-9);

        Progress p = wf.progress(0);
        assertEquals("Completed", p.state());
        List<String> types = types(p.events());
        assertEquals(List.of("state_changed", "state_changed", "phase_started", "phase_started", "plan_accepted",
                "state_changed", "iteration_started", "phase_started", "model_call", "task_finished", "checkpoint",
                "model_call", "task_finished", "checkpoint", "phase_started", "checks_finished", "checkpoint",
                "state_changed", "run_completed", "state_changed"), types);
        assertEquals("Completed", payload(p.events().getLast()).path("to").asString());
        assertEquals(p.events().size(), p.nextEvent());
        assertTrue(wf.progress(p.nextEvent()).events().isEmpty(), "nothing after the last event");
    }

    @Test
    void theHistoryOfARunReplaysDeterministically() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a", "b", "c<-a"));
        acts.conflicting.add("b");
        acts.passFrom = 2;
        serve(acts);
        RunResult result = stub("replay").run(input("replay", 5.0, 3, 2));
        assertEquals("completed", result.status(), result.message());

        WorkflowReplayer.replayWorkflowExecution(client.fetchHistory(RunInput.workflowId("replay")),
                RunWorkflowImpl.class);
    }

    @Test
    void atMostAgentsTasksRunAtOnce() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a", "b", "c", "d"));
        acts.hold = new CountDownLatch(1);
        acts.started = new CountDownLatch(2);
        serve(acts);
        RunWorkflow wf = stub("par");
        var run = WorkflowClient.execute(wf::run, input("par", null, 1, 2));
        assertTrue(acts.started.await(5, TimeUnit.MINUTES), "two tasks started");
        assertEquals(2, acts.runningNow.get());
        acts.hold.countDown();
        RunResult result = run.get(5, TimeUnit.MINUTES);

        assertEquals("completed", result.status(), result.message());
        assertEquals(2, acts.mostAtOnce.get(), "two agents: never more than two tasks at once");
        assertEquals(List.of("a", "b", "c", "d"), acts.sortedTasks());
    }

    @Test
    void aMergeConflictMakesTheTaskDoneAndAddsItsFollowUpTask() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a", "b"));
        acts.conflicting.add("b");
        serve(acts);
        RunWorkflow wf = stub("conflict");
        RunResult result = wf.run(input("conflict", null, 1, 1));

        assertEquals("completed", result.status(), result.message());
        assertEquals(List.of("a", "b", "b-merge"), acts.tasksRun);
        assertEquals(List.of("a", "b-merge"), acts.merged);
        List<EventLine> events = wf.progress(0).events();
        EventLine conflict = events.stream().filter(e -> e.type().equals("merge_conflict")).findFirst().orElseThrow();
        assertEquals("b-merge", payload(conflict).path("follow_up").asString());
        assertEquals("src/A.java", payload(conflict).path("files").get(0).asString());
        TaskInput follow = acts.taskInputs.stream().filter(t -> t.taskJson().contains("\"id\":\"b-merge\""))
                .findFirst().orElseThrow();
        JsonNode task = RunEvents.JSON.readTree(follow.taskJson());
        assertTrue(task.path("description").asString().contains("conflicts with work merged meanwhile in src/A.java"),
                task.toString());
        assertTrue(task.path("description").asString().contains("c-b"), "names the task's commit: " + task);
        // the revised plan is recorded after the conflict, in the same iteration
        int at = types(events).indexOf("merge_conflict");
        assertEquals("plan_accepted", events.get(at + 1).type());
        assertEquals(3, payload(events.get(at + 1)).path("plan").path("tasks").size());
    }

    @Test
    void failedChecksAreReflectedOnAndTheNextIterationRunsTheReflectionsTasksWithItsLessons() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a"));
        acts.passFrom = 2;
        serve(acts);
        RunWorkflow wf = stub("reflect");
        RunResult result = wf.run(input("reflect", null, 3, 1));

        assertEquals("completed", result.status(), result.message());
        assertEquals(2, result.iterations());
        assertEquals(List.of("a", "fix-2"), acts.tasksRun, "iteration 2 runs only the reflection's task");
        assertEquals(1, acts.reflections.size());
        assertEquals(List.of("a"), acts.reflections.getFirst().doneTaskIds());
        assertTrue(acts.reflections.getFirst().failuresJson().contains("\"step\":\"test\""));
        TaskInput fix = acts.taskInputs.getLast();
        assertEquals(2, fix.iteration());
        assertEquals(List.of("{\"check\":\"test\",\"what_failed\":\"x\"}"), fix.lessonsJson());
        List<String> types = types(wf.progress(0).events());
        assertTrue(types.contains("lesson_recorded"));
        assertEquals(2, types.stream().filter("iteration_started"::equals).count());
        EventLine revised = wf.progress(0).events().stream().filter(e -> e.type().equals("plan_accepted")
                && payload(e).path("revised").asBoolean()).findFirst().orElseThrow();
        assertEquals(2, payload(revised).path("iteration").asInt());
        assertEquals("fix-2", payload(revised).path("redo").get(0).asString());
    }

    @Test
    void checksStillFailingAtMaxIterationsFailTheRunNamingTheSteps() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a"));
        acts.passFrom = Integer.MAX_VALUE;
        serve(acts);
        RunWorkflow wf = stub("fail");
        RunResult result = wf.run(input("fail", null, 2, 1));

        assertEquals("failed", result.status());
        assertEquals("the checks still fail after 2 iterations (--max-iterations 2): test", result.message());
        assertEquals(1, acts.reflections.size(), "no reflection after the last iteration");
        assertEquals("Failed", wf.progress(0).state());
        assertEquals("run_failed", wf.progress(0).events().getLast().type());
    }

    @Test
    void aCallTheBudgetCannotCoverIsRefusedAndPausesTheRunWithWhatItNeeded() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a", "b"));
        acts.callUsd = 0.10;
        acts.costUsd = 0.08;
        serve(acts);
        RunWorkflow wf = stub("budget");
        RunResult result = wf.run(input("budget", 0.15, 3, 1));

        assertEquals("paused", result.status(), result.message());
        assertTrue(result.message().startsWith("budget: the next model call could cost up to $0.1000"),
                result.message());
        assertEquals(0.03, result.neededUsd(), 1e-9);
        assertEquals(0.08, result.spentUsd(), 1e-9, "a's call as settled; b's was never reserved");
        assertEquals(List.of("a"), acts.tasksRun);
        assertTrue(acts.grants.get(0).granted());
        assertFalse(acts.grants.get(1).granted());
        assertEquals(0.07, acts.grants.get(1).leftUsd(), 1e-9);
        assertEquals("run_paused", wf.progress(0).events().getLast().type());
        assertEquals("Paused", wf.progress(0).state());
    }

    @Test
    void aPauseRequestLetsTheRunningTasksEndAndMergesThemBeforeThePause() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a", "b", "c"));
        acts.hold = new CountDownLatch(1);
        acts.started = new CountDownLatch(2);
        serve(acts);
        RunWorkflow wf = stub("pause");
        var run = WorkflowClient.execute(wf::run, input("pause", null, 3, 2));
        assertTrue(acts.started.await(5, TimeUnit.MINUTES));
        wf.pause("test");
        acts.hold.countDown();
        RunResult result = run.get(5, TimeUnit.MINUTES);

        assertEquals("paused", result.status());
        assertEquals("a pause was requested by test", result.message());
        assertNull(result.neededUsd());
        assertEquals(List.of("a", "b"), acts.sortedTasks(), "c never started");
        assertEquals(2, acts.merged.size(), "the running tasks' work is merged");
        assertTrue(types(wf.progress(0).events()).contains("pause_requested"));
    }

    @Test
    void aTaskThatFailsOnTheWorkersPausesTheRunWithTheFailure() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a"));
        acts.failTask = t -> io.temporal.failure.ApplicationFailure.newNonRetryableFailure("git push was refused",
                "dev.munero.core.git.GitException");
        serve(acts);
        RunResult result = stub("gitfail").run(input("gitfail", null, 3, 1));

        assertEquals("paused", result.status());
        assertEquals("task a failed on the workers: git push was refused", result.message());
    }

    @Test
    void anInvalidPlanFailsTheRun() throws Exception {
        ScriptedActivities acts = new ScriptedActivities("{\"summary\":\"no tasks\"}");
        serve(acts);
        RunResult result = stub("badplan").run(input("badplan", null, 3, 1));

        assertEquals("failed", result.status());
        assertTrue(result.message().startsWith("planning returned no valid plan: the plan has no tasks array"),
                result.message());
    }

    @Test
    void aMalformedReservationIsRejectedByTheValidator() throws Exception {
        ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a"));
        acts.hold = new CountDownLatch(1);
        acts.started = new CountDownLatch(1);
        serve(acts);
        RunWorkflow wf = stub("validate");
        var run = WorkflowClient.execute(wf::run, input("validate", 1.0, 1, 1));
        assertTrue(acts.started.await(5, TimeUnit.MINUTES));
        WorkflowUpdateException e = assertThrows(WorkflowUpdateException.class,
                () -> wf.reserve(new Reserve("x/1/plan/0", -1)));
        assertTrue(String.valueOf(e.getCause().getMessage()).contains("must be a finite amount of 0 or more"),
                String.valueOf(e.getCause()));
        // a valid one is granted, and asking again for the same call gives the same answer
        assertEquals(wf.reserve(new Reserve("x/1/plan/0", 0.5)), wf.reserve(new Reserve("x/1/plan/0", 0.5)));
        assertEquals(0.5, wf.progress(0).reservedUsd(), 1e-9);
        acts.hold.countDown();
        RunResult result = run.get(5, TimeUnit.MINUTES);
        assertEquals(0.54, result.spentUsd(), 1e-9, "the open reservation counts at its worst case");
    }
}
