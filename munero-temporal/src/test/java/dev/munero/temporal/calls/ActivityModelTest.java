package dev.munero.temporal.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.cache.remote.CacheServers;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ScriptedChatModel;
import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.temporal.RunWorkflow;
import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.RunResult;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ActivityModel in Temporal's test environment (issue 16.2): a test workflow keeps the budget account as RunWorkflow's
 * reserve update and settle signal do, one activity calls the model of {@link WorkerActivityModels} as a phase does,
 * and the remote cache is a real nginx WebDAV server (a Bazel HTTP cache) on 127.0.0.1.
 */
class ActivityModelTest {
    private static final String QUEUE = "calls";
    /** $3 / $15 per million input / output tokens. */
    private static final ModelInfo PRICES = new ModelInfo(3, 15, 3.75, 0.3, 200_000, 8192);
    private static final Usage USAGE = new Usage(1000, 100, 0, 0);
    /** 1000 × $3/M + 100 × $15/M. */
    private static final double COST = 0.0045;
    private static CacheServers.Running nginx;

    @TempDir
    Path work;
    private TestWorkflowEnvironment env;
    private final ScriptedChatModel provider = new ScriptedChatModel(ModelRef.parse("anthropic:claude-sonnet-4-6"));
    private CallsActivityImpl activity;

    @BeforeAll
    static void startNginx() throws Exception {
        assumeTrue(CacheServers.nginx() != null, "nginx is not installed (Debian: apt-get install nginx-light; "
                + ".ci/run installs it as root); the call cache tests are skipped");
        nginx = CacheServers.startNginx(Files.createTempDirectory("munero-calls-nginx-"));
    }

    @AfterAll
    static void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
    }

    @BeforeEach
    void start() {
        env = TestWorkflowEnvironment.newInstance();
        Worker worker = env.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(AccountWorkflow.class);
        activity = new CallsActivityImpl(new WorkerActivityModels(work, Map.of()), provider, PRICES, work);
        worker.registerActivitiesImplementations(activity);
        env.start();
    }

    @AfterEach
    void stop() {
        env.close();
    }

    private RunResult run(Double budgetUsd, String cache) {
        RunInput input = new RunInput("r1", "spec", "/nowhere.git", "munero/r1", "0000", "anthropic:claude-sonnet-4-6",
                budgetUsd, 0, 1, 1, cache, null, "{}", 5);
        RunWorkflow wf = env.getWorkflowClient().newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE).setWorkflowId(RunInput.workflowId(input.runId())).build());
        return wf.run(input);
    }

    private void answerEachPrompt(int times) {
        for (int i = 0; i < times; i++) {
            provider.then(request -> ScriptedChatModel.reply("done: " + request.messages().getLast().text(), USAGE));
        }
    }

    private static long lines(RunResult r, String prefix) {
        return r.message().lines().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void eachCallIsReservedAtItsWorstCaseThenSettledAtItsCost() {
        answerEachPrompt(3);

        RunResult r = run(1.0, nginx.url());

        assertEquals("completed", r.status(), r.message());
        assertEquals(3, provider.calls());
        assertEquals(3, lines(r, "reserve "), r.message());
        assertEquals(3, lines(r, "settle "), r.message());
        // the worst case: the estimated input plus 1000 output tokens at $15/M, more than the cost
        r.message().lines().filter(l -> l.startsWith("reserve ")).forEach(l ->
                assertTrue(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 0.015, l));
        r.message().lines().filter(l -> l.startsWith("settle ")).forEach(l ->
                assertEquals(COST, Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)), 1e-9, l));
        assertEquals(3 * COST, r.spentUsd(), 1e-9);
        assertTrue(r.message().contains("answers done: plan the work|done: write the code|done: write the tests"),
                r.message());
    }

    @Test
    void aCallTheBudgetRefusesFailsTheActivityWithoutRetryAndIsNeverSent() {
        answerEachPrompt(3);

        RunResult r = run(0.001, nginx.url());

        assertEquals("failed", r.status());
        assertTrue(r.message().contains("failure " + ActivityModel.BUDGET_FAILURE
                + " the run's budget refused a model call: the next model call could cost up to"), r.message());
        assertEquals(0, provider.calls());
        assertEquals(1, activity.attempts.get(), "a budget refusal is not retried");
        assertEquals(0, r.spentUsd());
    }

    @Test
    void aRetriedAttemptAnswersTheCallsItsPredecessorCompletedFromTheRemoteCacheWithoutReservingOrSendingThem() {
        activity.failFirstAttemptAfter = 2;
        answerEachPrompt(3);

        RunResult r = run(1.0, nginx.url());

        assertEquals("completed", r.status(), r.message());
        assertEquals(2, activity.attempts.get());
        assertEquals(3, provider.calls(), "each call is sent once: " + provider.requests());
        assertEquals(3, lines(r, "reserve "), r.message());
        assertEquals(3 * COST, r.spentUsd(), 1e-9);
        assertTrue(r.message().contains("answers done: plan the work|done: write the code|done: write the tests"),
                r.message());
        assertEquals(List.of(), activity.notes);
    }

    @Test
    void withoutARemoteCacheARetriedAttemptPaysAgainAndSaysSo() {
        activity.failFirstAttemptAfter = 2;
        answerEachPrompt(5);

        RunResult r = run(1.0, null);

        assertEquals("completed", r.status(), r.message());
        assertEquals(5, provider.calls());
        assertEquals(5 * COST, r.spentUsd(), 1e-9);
        assertEquals(1, activity.notes.size(), activity.notes.toString());
        assertTrue(activity.notes.getFirst().startsWith("an earlier attempt completed 2 model call(s), but the run has no "
                + "remote cache to answer them from: they are sent and paid again"), activity.notes.toString());
    }

    @Test
    void aCallWhoseStoredAnswerIsDamagedIsSentAgainAndSaysWhy() {
        activity.failFirstAttemptAfter = 1;
        answerEachPrompt(4);
        activity.beforeRetry = () -> {
            try (var values = Files.walk(nginx.storage().resolve("cas"))) {
                for (Path v : values.filter(Files::isRegularFile).toList()) {
                    Files.writeString(v, "{\"response\": {}, \"usage\": {}}");
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };

        RunResult r = run(1.0, nginx.url());

        assertEquals("completed", r.status(), r.message());
        assertEquals(4, provider.calls(), "the damaged answer is paid again: " + provider.requests());
        assertEquals(1, activity.notes.size(), activity.notes.toString());
        assertTrue(activity.notes.getFirst().contains("does not hash to"), activity.notes.toString());
    }
}
