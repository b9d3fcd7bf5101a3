package dev.munero.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.core.RunLimits;
import dev.munero.core.events.RunEvents;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.Reply;
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
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The activities of a distributed run (issue 16.2) against a real bare git remote, real git, real check steps and the
 * strict fake Anthropic server, in Temporal's {@link TestActivityEnvironment}: work arrives and leaves through the
 * remote, each phase runs munero-core's own code and returns its events.
 */
class RunActivitiesImplTest {
    private static final String KEY = "test-key";
    private static final String MODEL = "anthropic:claude-sonnet-4-6";
    private static final String RUN = "r1";
    private static final String BRANCH = "munero/" + RUN;
    private static final String SPEC = "Add greeting.txt saying hello world.\n\nAcceptance: greeting.txt contains "
            + "'hello world'.";
    private static final String TASK = "{\"id\":\"greet\",\"description\":\"Write greeting.txt saying hello world\","
            + "\"files\":[\"greeting.txt\"],\"depends_on\":[]}";
    private static final String CHECKS = "[{\"name\":\"greeting\",\"run\":\"grep -q 'hello world' greeting.txt\"}]";
    private static final String PLAN = "{\"summary\":\"write the greeting\",\"tasks\":[" + TASK + "],\"checks\":"
            + CHECKS + "}";

    @TempDir
    Path dir;

    private Path remote;
    private String base;
    private FakeAnthropicServer fake;
    private TestActivityEnvironment temporal;

    @BeforeEach
    void setUp() throws Exception {
        remote = dir.resolve("remote.git");
        git(dir, "init", "-q", "--bare", remote.toString());
        Path seed = dir.resolve("seed");
        Files.createDirectories(seed);
        git(seed, "init", "-q");
        Files.writeString(seed.resolve("README.md"), "a project\n", StandardCharsets.UTF_8);
        git(seed, "add", "-A");
        commit(seed, "initial");
        base = git(seed, "rev-parse", "HEAD").strip();
        git(seed, "push", "-q", remote.toString(), "HEAD:refs/heads/" + BRANCH);
        fake = new FakeAnthropicServer(KEY).start();
        temporal = TestActivityEnvironment.newInstance();
    }

    @AfterEach
    void tearDown() {
        temporal.close();
        fake.close();
    }

    /** The worker's environment: the fake's key and URL, no user config. */
    private Map<String, String> workerEnv(String key) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", ""));
        env.put("HOME", dir.resolve("home").toString());
        env.put("MUNERO_CONFIG", dir.resolve("home/none/config.toml").toString());
        if (key != null) {
            env.put("ANTHROPIC_API_KEY", key);
        }
        env.put("ANTHROPIC_BASE_URL", fake.baseUrl().substring(0, fake.baseUrl().length() - "/v1".length()));
        return env;
    }

    private RunActivities worker(String name, Map<String, String> env) {
        ActivityModels unchanged = (run, provider, prices, heartbeats, callPrefix) -> provider; // test helper
        temporal.registerActivitiesImplementations(new RunActivitiesImpl(dir.resolve(name), env, unchanged));
        return temporal.newActivityStub(RunActivities.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(10))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    }

    private RunActivities worker() {
        return worker("worker", workerEnv(KEY));
    }

    private RunInput run() {
        Map<String, Object> limits = new LinkedHashMap<>(new RunLimits(OptionalDouble.empty(), Duration.ofMinutes(30),
                3, 1, 20, 4096, PermissionMode.AUTO_EDIT, List.of()).asMap());
        limits.put("sandbox", "off");
        return new RunInput(RUN, SPEC, remote.toString(), BRANCH, base, MODEL, null, 0, 3, 1, null, null,
                RunEvents.JSON.writeValueAsString(limits), 5);
    }

    private TaskInput task() {
        return new TaskInput(run(), 1, TASK, base, List.of(), PLAN);
    }

    private void scriptGreeting(String content) {
        fake.expect(Reply.toolCall("toolu_w", "write_file", "{\"path\":\"greeting.txt\",\"content\":\"" + content
                        + "\\n\"}"))
                .expect(Reply.toolCall("toolu_f", "finish", "{\"summary\":\"wrote greeting.txt\"}"));
    }

    @Test
    void aTaskCommitsItsAgentsWorkToItsTaskBranchAndTheMergeBringsItOntoTheRunBranch() throws Exception {
        RunActivities acts = worker();
        scriptGreeting("hello world");

        TaskResult task = acts.runTask(task());

        fake.assertNoFailures();
        assertThat(task.condition()).isEqualTo("finished");
        assertThat(task.summary()).isEqualTo("wrote greeting.txt");
        assertThat(task.taskBranch()).isEqualTo("munero/r1-tasks/1/greet");
        assertThat(remoteHead(task.taskBranch())).isEqualTo(task.commit());
        assertThat(git(remote, "show", task.commit() + ":greeting.txt")).isEqualTo("hello world\n");
        assertThat(git(remote, "log", "-1", "--format=%s", task.commit()).strip())
                .isEqualTo("munero: task greet (iteration 1): wrote greeting.txt");
        assertThat(types(task.events())).containsExactly("task_started", "model_call", "tool_call", "model_call",
                "tool_call", "task_finished");
        assertThat(payload(task.events().getLast()).path("commit").asString()).isEqualTo(task.commit());
        assertThat(payload(task.events().get(1)).path("scope").asString()).isEqualTo("task:1:greet");
        // the agent's prompt is the local run's task prompt, naming the plan's checks
        assertThat(fake.requests().getFirst().body()).contains("Your task (id greet)").contains("greeting (`grep");

        MergeInput mergeInput = new MergeInput(run(), 1, "greet", base, task.taskBranch(), task.commit());
        MergeResult merged = acts.merge(mergeInput);

        assertThat(merged.merged()).isTrue();
        assertThat(merged.conflicts()).isEmpty();
        assertThat(remoteHead(BRANCH)).isEqualTo(merged.head());
        assertThat(git(remote, "rev-list", "--parents", "-n", "1", merged.head()).strip())
                .isEqualTo(merged.head() + " " + base + " " + task.commit());
        assertThat(types(merged.events())).containsExactly("checkpoint");

        // a retried merge whose first attempt pushed returns that merge instead of making a second one
        MergeResult again = acts.merge(mergeInput);
        assertThat(again.merged()).isTrue();
        assertThat(again.head()).isEqualTo(merged.head());
        assertThat(remoteHead(BRANCH)).isEqualTo(merged.head());

        CheckResult checks = acts.check(new CheckInput(run(), 1, merged.head(), CHECKS));
        assertThat(checks.passed()).isTrue();
        assertThat(RunEvents.JSON.readTree(checks.failuresJson()).size()).isZero();
        assertThat(types(checks.events())).containsExactly("checks_finished");
        assertThat(payload(checks.events().getFirst()).path("passed").asBoolean()).isTrue();
        // the worker's attempts left no worktree behind
        try (var left = Files.list(dir.resolve("worker/worktrees"))) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void aRetriedTaskReplacesTheDeadAttemptsCommitOnItsTaskBranch() throws Exception {
        RunActivities acts = worker();
        scriptGreeting("hello world");
        TaskResult first = acts.runTask(task());
        scriptGreeting("hello world again");

        TaskResult second = acts.runTask(task());

        fake.assertNoFailures();
        assertThat(second.commit()).isNotEqualTo(first.commit());
        assertThat(remoteHead(second.taskBranch())).isEqualTo(second.commit());
        assertThat(git(remote, "show", second.commit() + ":greeting.txt")).isEqualTo("hello world again\n");
    }

    @Test
    void aTaskThatDependsOnAnotherTaskOfThePlanRuns() throws Exception { // found running munero run --temporal
        String farewell = "{\"id\":\"farewell\",\"description\":\"Write bye.txt saying goodbye\",\"files\":"
                + "[\"bye.txt\"],\"depends_on\":[\"greet\"]}";
        String plan = "{\"summary\":\"two files\",\"tasks\":[" + TASK + "," + farewell + "],\"checks\":" + CHECKS
                + "}";
        fake.expect(Reply.toolCall("toolu_w", "write_file", "{\"path\":\"bye.txt\",\"content\":\"goodbye\\n\"}"))
                .expect(Reply.toolCall("toolu_f", "finish", "{\"summary\":\"wrote bye.txt\"}"));

        TaskResult task = worker().runTask(new TaskInput(run(), 1, farewell, base, List.of(), plan));

        fake.assertNoFailures();
        assertThat(task.condition()).isEqualTo("finished");
        assertThat(git(remote, "show", task.commit() + ":bye.txt")).isEqualTo("goodbye\n");
    }

    @Test
    void aTaskThatChangesNothingHasNoCommitAndItsMergeKeepsTheHead() throws Exception {
        RunActivities acts = worker();
        fake.expect(Reply.toolCall("toolu_f", "finish", "{\"summary\":\"nothing to do\"}"));

        TaskResult task = acts.runTask(task());
        MergeResult merged = acts.merge(new MergeInput(run(), 1, "greet", base, task.taskBranch(), task.commit()));

        assertThat(task.commit()).isNull();
        assertThat(merged.merged()).isTrue();
        assertThat(merged.head()).isEqualTo(base);
        assertThat(remoteHead(BRANCH)).isEqualTo(base);
    }

    @Test
    void aConflictingMergeNamesTheFilesAndLeavesTheRunBranchAlone() throws Exception {
        Path other = dir.resolve("other");
        git(dir, "clone", "-q", remote.toString(), other.toString());
        git(other, "checkout", "-q", BRANCH);
        Files.writeString(other.resolve("greeting.txt"), "hello from the task\n", StandardCharsets.UTF_8);
        git(other, "add", "-A");
        commit(other, "the task");
        String taskCommit = git(other, "rev-parse", "HEAD").strip();
        git(other, "push", "-q", "origin", "HEAD:refs/heads/munero/r1-tasks/1/greet");
        git(other, "reset", "-q", "--hard", base);
        Files.writeString(other.resolve("greeting.txt"), "hello from another task\n", StandardCharsets.UTF_8);
        git(other, "add", "-A");
        commit(other, "another task");
        String head = git(other, "rev-parse", "HEAD").strip();
        git(other, "push", "-q", "origin", "HEAD:refs/heads/" + BRANCH);

        MergeResult merged = worker().merge(new MergeInput(run(), 1, "greet", head, "munero/r1-tasks/1/greet",
                taskCommit));

        assertThat(merged.merged()).isFalse();
        assertThat(merged.conflicts()).containsExactly("greeting.txt");
        assertThat(merged.head()).isEqualTo(head);
        assertThat(remoteHead(BRANCH)).isEqualTo(head);
    }

    @Test
    void aMergeRefusesARunBranchThatMovedUnderIt() throws Exception {
        Path other = dir.resolve("other");
        git(dir, "clone", "-q", remote.toString(), other.toString());
        git(other, "checkout", "-q", BRANCH);
        Files.writeString(other.resolve("a.txt"), "a\n", StandardCharsets.UTF_8);
        git(other, "add", "-A");
        commit(other, "moved");
        git(other, "push", "-q", "origin", "HEAD:refs/heads/" + BRANCH);
        git(other, "push", "-q", "origin", "HEAD:refs/heads/munero/r1-tasks/1/greet");
        String moved = git(other, "rev-parse", "HEAD").strip();

        assertThatThrownBy(() -> worker().merge(new MergeInput(run(), 1, "greet", base, "munero/r1-tasks/1/greet",
                moved))).isInstanceOf(ActivityFailure.class).cause().isInstanceOf(ApplicationFailure.class)
                .hasMessageContaining("is at " + moved + ", not at " + base)
                .satisfies(e -> assertThat(((ApplicationFailure) e).isNonRetryable()).isTrue());
    }

    @Test
    void failedChecksComeBackWithEachFailedStepsExitCodeAndLog() {
        CheckResult checks = worker().check(new CheckInput(run(), 1, base, CHECKS));

        assertThat(checks.passed()).isFalse();
        JsonNode failures = RunEvents.JSON.readTree(checks.failuresJson());
        assertThat(failures.size()).isEqualTo(1);
        assertThat(failures.get(0).path("step").asString()).isEqualTo("greeting");
        assertThat(failures.get(0).path("exit_code").asInt()).isEqualTo(2);
        assertThat(payload(checks.events().getFirst()).path("passed").asBoolean()).isFalse();
    }

    @Test
    void aLongCheckBuildHeartbeatsWhileItRuns() {
        RunActivities acts = worker();
        java.util.concurrent.CountDownLatch beats = new java.util.concurrent.CountDownLatch(4);
        temporal.setActivityHeartbeatListener(Heartbeats.Details.class, d -> beats.countDown());
        // a heartbeat time-out of 1 s beats every 333 ms; the step runs until four beats came while it ran
        RunInput run = run();
        RunInput fast = new RunInput(run.runId(), run.spec(), run.gitRemote(), run.branch(), run.baseCommit(),
                run.model(), null, 0, 3, 1, null, null, run.limitsJson(), 1);
        Path marker = dir.resolve("beats");
        Thread watcher = Thread.ofVirtual().start(() -> {
            try {
                if (beats.await(5, TimeUnit.MINUTES)) {
                    Files.writeString(marker, "enough");
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        String waitForBeats = "[{\"name\":\"slow\",\"run\":\"i=0; while [ ! -f " + marker + " ] && [ $i -lt 3000 ]; "
                + "do sleep 0.1; i=$((i+1)); done; [ -f " + marker + " ]\"}]"; // at most about 5 minutes

        CheckResult checks = acts.check(new CheckInput(fast, 1, base, waitForBeats));

        assertThat(checks.passed()).isTrue();
        assertThat(beats.getCount()).isZero();
        watcher.interrupt();
    }

    @Test
    void aCancelledTaskStopsItsAgentPushesNothingAndRemovesItsWorktree() throws Exception {
        worker();
        // the heartbeat time-out as the workflow sets it (RunInput.heartbeatSeconds): Temporal's client sends a
        // heartbeat, and so learns of the cancel, at most every 80 % of it
        RunActivities acts = temporal.newActivityStub(RunActivities.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(10)).setHeartbeatTimeout(Duration.ofSeconds(3))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
        java.util.concurrent.CountDownLatch beating = new java.util.concurrent.CountDownLatch(1);
        temporal.setActivityHeartbeatListener(Heartbeats.Details.class, d -> beating.countDown());
        Path marker = dir.resolve("go-on");
        // the agent's command waits for a marker that only comes after the end (at most about 5 minutes): the cancel,
        // delivered by a heartbeat, must stop the command and the agent, so no second model call is made
        fake.expect(Reply.toolCall("toolu_c", "run_command", "{\"command\":\"i=0; while [ ! -f " + marker
                + " ] && [ $i -lt 3000 ]; do sleep 0.1; i=$((i+1)); done\"}"));
        Map<String, Object> limits = new LinkedHashMap<>(new RunLimits(OptionalDouble.empty(), Duration.ofMinutes(30),
                3, 1, 20, 4096, PermissionMode.FULL, List.of()).asMap());
        limits.put("sandbox", "off");
        RunInput run = run();
        RunInput fast = new RunInput(run.runId(), run.spec(), run.gitRemote(), run.branch(), run.baseCommit(),
                run.model(), null, 0, 3, 1, null, null, RunEvents.JSON.writeValueAsString(limits), 3);
        java.util.concurrent.CompletableFuture<TaskResult> result = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> acts.runTask(new TaskInput(fast, 1, TASK, base, List.of(), PLAN)));

        assertThat(beating.await(5, TimeUnit.MINUTES)).isTrue();
        temporal.requestCancelActivity();

        assertThatThrownBy(() -> result.get(5, TimeUnit.MINUTES)).cause()
                .isInstanceOf(io.temporal.failure.CanceledFailure.class);
        Files.writeString(marker, "go on"); // ends the command if it was not killed (the assertion below fails)
        assertThat(fake.requests()).as("the agent stopped during its command").hasSize(1);
        assertThat(git(remote, "branch", "--list", "munero/r1-tasks/*").strip()).isEmpty();
        try (var left = Files.list(dir.resolve("worker/worktrees"))) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void planningSeesTheRemoteBranchsFilesAndReturnsTheAcceptedPlan() {
        fake.expect(Reply.toolCall("toolu_plan", "submit_plan", PLAN));

        PlanResult plan = worker().plan(new PlanInput(run(), base, List.of()));

        fake.assertNoFailures();
        JsonNode json = RunEvents.JSON.readTree(plan.planJson());
        assertThat(json.path("tasks").get(0).path("id").asString()).isEqualTo("greet");
        assertThat(json.path("checks").get(0).path("name").asString()).isEqualTo("greeting");
        assertThat(types(plan.events())).containsExactly("model_call", "plan_accepted");
        assertThat(payload(plan.events().getFirst()).path("scope").asString()).isEqualTo("plan");
        assertThat(fake.requests().getFirst().body()).contains("README.md").contains("hello world");
    }

    @Test
    void reflectionTurnsTheFailuresIntoLessonsAndTheTasksToRedo() {
        fake.expect(Reply.toolCall("toolu_r", "submit_reflection", """
                {"analysis": "greeting.txt is missing.",
                 "lessons": [{"check": "greeting", "what_failed": "grep found no greeting.txt",
                              "why": "the task wrote nothing", "fix": "write greeting.txt", "files": ["greeting.txt"]}],
                 "tasks": [{"id": "greet", "description": "Write greeting.txt saying hello world, really.",
                            "files": ["greeting.txt"], "depends_on": []}]}"""));
        String failures = "[{\"step\":\"greeting\",\"exit_code\":2,\"failing_tests\":[],"
                + "\"log_tail\":\"grep: greeting.txt: No such file or directory\"}]";

        ReflectResult reflected = worker().reflect(new ReflectInput(run(), 1, PLAN, List.of("greet"), failures));

        fake.assertNoFailures();
        assertThat(reflected.newTaskIds()).containsExactly("greet");
        assertThat(RunEvents.JSON.readTree(reflected.planJson()).path("tasks").get(0).path("description").asString())
                .isEqualTo("Write greeting.txt saying hello world, really.");
        assertThat(reflected.lessonsJson()).hasSize(1);
        assertThat(RunEvents.JSON.readTree(reflected.lessonsJson().getFirst()).path("why").asString())
                .isEqualTo("the task wrote nothing");
        assertThat(types(reflected.events())).containsExactly("model_call", "lesson_recorded", "plan_accepted");
        assertThat(fake.requests().getFirst().body()).contains("No such file or directory");
    }

    @Test
    void aWorkerWithoutTheProvidersKeyFailsTheActivityWithoutRetryNamingTheVariable() {
        RunActivities acts = worker("keyless", workerEnv(null));

        assertThatThrownBy(() -> acts.runTask(task())).isInstanceOf(ActivityFailure.class).cause()
                .isInstanceOf(ApplicationFailure.class).hasMessageContaining("ANTHROPIC_API_KEY")
                .satisfies(e -> assertThat(((ApplicationFailure) e).isNonRetryable()).isTrue());
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aCommitThatIsNotOnTheRunsBranchFailsTheActivityNamingIt() {
        String missing = "0123456789abcdef0123456789abcdef01234567";

        assertThatThrownBy(() -> worker().check(new CheckInput(run(), 1, missing, CHECKS)))
                .isInstanceOf(ActivityFailure.class).cause().hasMessageContaining("commit " + missing
                        + " is not on munero/r1");
    }

    private String remoteHead(String branch) throws Exception {
        return git(remote, "rev-parse", "refs/heads/" + branch).strip();
    }

    private static List<String> types(List<EventLine> events) {
        return events.stream().map(EventLine::type).toList();
    }

    private static JsonNode payload(EventLine event) {
        return RunEvents.JSON.readTree(event.payloadJson());
    }

    private static void commit(Path repo, String message) throws Exception {
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "-m", message);
    }

    private static String git(Path in, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", in.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }
}
