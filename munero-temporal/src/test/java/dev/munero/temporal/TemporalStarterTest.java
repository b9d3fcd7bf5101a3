package dev.munero.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.core.BuildManager;
import dev.munero.core.RunLimits;
import dev.munero.core.app.Distributed;
import dev.munero.core.app.Runs;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvent;
import dev.munero.llm.ScriptedChatModel;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.temporal.wire.MergeInput;
import dev.munero.temporal.wire.MergeResult;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The starter and follower against Temporal's in-process test service: a real repository and run store (core's
 * application API), a real bare git remote, and scripted activities whose merges are real commits pushed to it.
 */
class TemporalStarterTest {
    private static final String QUEUE = "munero-starter-test";

    @TempDir
    Path tmp;

    private TestWorkflowEnvironment env;
    private Path repo;
    private Path remote;

    @BeforeEach
    void setUp() throws Exception {
        env = TestWorkflowEnvironment.newInstance();
        repo = Files.createDirectories(tmp.resolve("repo"));
        git(repo, "init", "-q", "-b", "main");
        Files.writeString(repo.resolve("README.md"), "hello\n");
        git(repo, "add", "README.md");
        git(repo, "commit", "-q", "-m", "first");
        remote = tmp.resolve("remote.git");
        git(tmp, "init", "-q", "--bare", remote.toString());
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    /** Scripted activities whose merges commit {@code <task>.txt} on the run's branch of the remote and push it. */
    private final class GitActivities extends ScriptedActivities {
        private final AtomicInteger clones = new AtomicInteger();

        GitActivities(String planJson) {
            super(planJson);
        }

        @Override
        public MergeResult merge(MergeInput input) {
            try {
                Path clone = tmp.resolve("worker-" + clones.incrementAndGet());
                git(tmp, "clone", "-q", remote.toString(), clone.toString());
                git(clone, "checkout", "-q", "-B", "work", input.head());
                Files.writeString(clone.resolve(input.task() + ".txt"), input.task() + "\n");
                git(clone, "add", ".");
                git(clone, "commit", "-q", "-m", "merge " + input.task());
                git(clone, "push", "-q", "origin", "HEAD:refs/heads/" + input.run().branch());
                String head = git(clone, "rev-parse", "HEAD");
                merged.add(input.task());
                return new MergeResult(true, head, List.of(), List.of(line(new RunEvent.Checkpoint(input.iteration(),
                        "task:" + input.task(), head))));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aDistributedRunIsInTheStoreLikeALocalRunAndItsBranchComesBackIntoItsWorktree() throws Exception {
        GitActivities acts = new GitActivities(ScriptedActivities.plan("a", "b"));
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(RunWorkflowImpl.class);
        worker.registerActivitiesImplementations(acts);
        env.start();
        WorkflowClient client = env.getWorkflowClient();

        EventBus bus = new EventBus();
        List<RunEvent> published = new CopyOnWriteArrayList<>();
        bus.subscribe(published::add);
        BuildManager.Session session = new BuildManager.Session(new ScriptedChatModel("anthropic:claude-sonnet-4-6"),
                new ModelInfo(3, 15, 3.75, 0.3, 200_000, 64_000), System.getenv(), Sandbox.none(), Clock.systemUTC(),
                bus);
        RunLimits limits = new RunLimits(OptionalDouble.of(2.0), Duration.ofMinutes(30), 3, 2, 10, 1000,
                PermissionMode.AUTO_EDIT, List.of());
        List<String> notes = new ArrayList<>();
        Distributed.Target target = new Distributed.Target("test-service", QUEUE, remote.toString(), null, null, 30);
        BuildManager.Outcome outcome;
        String runId;
        try (Runs runs = Runs.open(repo, Clock.systemUTC(), true)) {
            Runs.Started started = runs.start(new Runs.Start("build a and b", "SPEC.md", limits), session,
                    run -> new TemporalStarter(run, target, notes::add).follow(client));
            runId = started.runId();
            outcome = started.run();

            assertEquals(BuildManager.Status.COMPLETED, outcome.status(), outcome.message());
            assertEquals("every check passed in iteration 1", outcome.message());
            assertEquals(0.08, outcome.costUsd(), 1e-9);
            List<String> types = runs.events(runId, 0, 500).stream().map(Runs.Event::type).toList();
            assertEquals(List.of("run_created", "run_started", "session_started"), types.subList(0, 3));
            assertTrue(types.containsAll(List.of("plan_accepted", "model_call", "task_finished", "checks_finished",
                    "run_completed")), types.toString());
            assertFalse(types.contains("model_call_interrupted"), "every call the workflow counted was reported");
            Runs.Summary summary = runs.summary(runId);
            assertEquals("Completed", summary.state());
            assertEquals(2, summary.tasksTotal());
            assertEquals(2, summary.tasksDone());
            assertEquals(0.08, summary.costUsd(), 1e-9);
            assertEquals(1, summary.iteration());
            assertTrue(Files.isRegularFile(runs.reportFile(runId)), "the run report is written");
            Runs.Detail detail = runs.show(runId); // munero sessions show
            assertEquals(List.of("a", "b"), detail.tasks().stream().map(Runs.Task::id).toList());
            assertTrue(detail.tasks().stream().allMatch(Runs.Task::done));
        }
        // the console saw the same events the store has
        assertTrue(published.stream().anyMatch(e -> e instanceof RunEvent.RunCompleted));
        assertTrue(notes.getFirst().contains("workflow munero-" + runId + " started on test-service, task queue "
                + QUEUE), notes.toString());
        // the work merged on the workers is in the run's worktree, on its branch
        Path worktree = Path.of(outcome.worktree());
        assertEquals(git(remote, "rev-parse", "refs/heads/munero/" + runId), git(worktree, "rev-parse", "HEAD"));
        assertTrue(Files.isRegularFile(worktree.resolve("a.txt")));
        assertTrue(Files.isRegularFile(worktree.resolve("b.txt")));
        assertEquals("munero/" + runId, git(worktree, "rev-parse", "--abbrev-ref", "HEAD"));
        // and the user's checkout is untouched
        assertEquals("main", git(repo, "rev-parse", "--abbrev-ref", "HEAD"));
        assertFalse(Files.exists(repo.resolve("a.txt")));
    }

    @Test
    void munerosPauseOfADistributedRunReachesTheWorkflowWhichPausesAfterItsRunningTask() throws Exception {
        GitActivities acts = new GitActivities(ScriptedActivities.plan("a", "b<-a"));
        acts.hold = new java.util.concurrent.CountDownLatch(1);
        acts.started = new java.util.concurrent.CountDownLatch(1);
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(RunWorkflowImpl.class);
        worker.registerActivitiesImplementations(acts);
        env.start();
        BuildManager.Session session = new BuildManager.Session(new ScriptedChatModel("anthropic:claude-sonnet-4-6"),
                new ModelInfo(3, 15, 3.75, 0.3, 200_000, 64_000), System.getenv(), Sandbox.none(), Clock.systemUTC(),
                new EventBus());
        RunLimits limits = new RunLimits(OptionalDouble.empty(), Duration.ofMinutes(30), 3, 1, 10, 1000,
                PermissionMode.AUTO_EDIT, List.of());
        Distributed.Target target = new Distributed.Target("test-service", QUEUE, remote.toString(), null, null, 30);
        try (Runs runs = Runs.open(repo, Clock.systemUTC(), true)) {
            Runs.Started started = runs.start(new Runs.Start("x", "SPEC.md", limits), session,
                    run -> new TemporalStarter(run, target, line -> { }).follow(env.getWorkflowClient()));
            var outcome = java.util.concurrent.CompletableFuture.supplyAsync(started::run);
            assertTrue(acts.started.await(5, java.util.concurrent.TimeUnit.MINUTES), "task a started");
            try (Runs other = Runs.open(repo, Clock.systemUTC(), false)) { // munero pause, from another process
                other.pause(started.runId(), "munero pause (test)");
            }
            // the follower passes the request on within a second; then task a may end
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
            while (!types(env, started.runId()).contains("pause_requested")) {
                assertTrue(System.nanoTime() < deadline, "the workflow got no pause request in 5 minutes");
                Thread.sleep(100);
            }
            acts.hold.countDown();
            BuildManager.Outcome o = outcome.get(5, java.util.concurrent.TimeUnit.MINUTES);

            assertEquals(BuildManager.Status.PAUSED, o.status(), o.message());
            assertTrue(o.message().startsWith("a pause was requested by munero pause"), o.message());
            assertEquals(List.of("a"), acts.tasksRun, "b never started");
            assertEquals(List.of("a"), acts.merged, "a's work was merged before the pause");
            assertEquals("Paused", runs.summary(started.runId()).state());
            assertTrue(Files.isRegularFile(Path.of(o.worktree()).resolve("a.txt")), "a's merge is in the worktree");
        }
    }

    private static List<String> types(TestWorkflowEnvironment env, String runId) {
        return env.getWorkflowClient().newWorkflowStub(RunWorkflow.class, "munero-" + runId).progress(0).events()
                .stream().map(dev.munero.temporal.wire.EventLine::type).toList();
    }

    @Test
    void aRemoteThatRefusesThePushIsAClearErrorBeforeAnyWorkflowStarts() throws Exception {
        env.start();
        EventBus bus = new EventBus();
        BuildManager.Session session = new BuildManager.Session(new ScriptedChatModel("anthropic:claude-sonnet-4-6"),
                new ModelInfo(3, 15, 3.75, 0.3, 200_000, 64_000), System.getenv(), Sandbox.none(), Clock.systemUTC(),
                bus);
        RunLimits limits = new RunLimits(OptionalDouble.empty(), Duration.ofMinutes(30), 3, 1, 10, 1000,
                PermissionMode.AUTO_EDIT, List.of());
        Path missing = tmp.resolve("no-such-remote.git");
        Distributed.Target target = new Distributed.Target("test-service", QUEUE, missing.toString(), null, null, 30);
        try (Runs runs = Runs.open(repo, Clock.systemUTC(), true)) {
            Runs.Started started = runs.start(new Runs.Start("x", "SPEC.md", limits), session,
                    run -> new TemporalStarter(run, target, line -> { }).follow(env.getWorkflowClient()));
            dev.munero.core.app.AppException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.munero.core.app.AppException.class, started::run);
            assertTrue(e.getMessage().startsWith("cannot push the run's branch munero/" + started.runId() + " to "
                    + missing), e.getMessage());
            assertEquals(dev.munero.core.app.AppException.Kind.UNAVAILABLE, e.kind());
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.put("GIT_AUTHOR_NAME", "t");
        e.put("GIT_AUTHOR_EMAIL", "t@example.com");
        e.put("GIT_COMMITTER_NAME", "t");
        e.put("GIT_COMMITTER_EMAIL", "t@example.com");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
