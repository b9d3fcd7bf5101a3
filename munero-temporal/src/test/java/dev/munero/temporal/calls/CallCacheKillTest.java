package dev.munero.temporal.calls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.cache.remote.CacheServers;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.RecordedRequest;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.temporal.RunWorkflow;
import dev.munero.temporal.e2e.LocalCluster;
import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.RunResult;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The call cache across processes (issue 16.2), with every component real and on 127.0.0.1: Temporal's Java test
 * server standalone in its own JVM, two worker JVMs ({@link CallsWorkerMain}: the test workflow keeping the budget
 * account, the test activity asking three prompts through {@link WorkerActivityModels} and the real Anthropic
 * provider), nginx WebDAV as the remote cache, the strict fake Anthropic server. The fake holds the third call; the
 * worker making it is killed with SIGKILL once its heartbeat carries the first two calls' digests; the other worker
 * retries the activity, answers the first two calls from the remote cache and sends only the third again.
 */
class CallCacheKillTest {
    private static final String QUEUE = "calls-e2e";
    private static final String KEY = "test-key";

    @TempDir
    Path dir;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Test
    void aWorkerKilledMidCallIsReplacedAndTheCallsItCompletedAreNeitherSentNorPaidAgain() throws Exception {
        assumeTrue(CacheServers.nginx() != null, "nginx is not installed (Debian: apt-get install nginx-light; .ci/run "
                + "installs it as root); the call cache kill test is skipped");
        Reply.Message reply = Reply.text("done").usage(1000, 100);
        try (CacheServers.Running cache = CacheServers.startNginx(Files.createDirectories(dir.resolve("nginx")));
             FakeAnthropicServer fake = new FakeAnthropicServer(KEY).start()) {
            fake.expect(RequestCheck.lastUserMessageContains(CallsActivity.PROMPTS.get(0)), reply)
                    .expect(RequestCheck.lastUserMessageContains(CallsActivity.PROMPTS.get(1)), reply)
                    .expect(RequestCheck.lastUserMessageContains(CallsActivity.PROMPTS.get(2)).and(request -> {
                        arrived.countDown();
                        release.await();
                    }), reply)
                    .expect(RequestCheck.lastUserMessageContains(CallsActivity.PROMPTS.get(2)), reply);
            try (LocalCluster cluster = new LocalCluster(dir)) {
                String root = fake.baseUrl().substring(0, fake.baseUrl().length() - "/v1".length());
                Process a = startWorker(cluster, "worker-a", root);
                Process b = startWorker(cluster, "worker-b", root);
                RunInput input = new RunInput("k1", "spec", "/nowhere.git", "munero/k1", "0000",
                        "anthropic:claude-sonnet-4-6", 1.0, 0, 1, 1, cache.url(), null, "{}", 5);
                RunWorkflow run = cluster.client().newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder()
                        .setTaskQueue(QUEUE).setWorkflowId(RunInput.workflowId("k1"))
                        .setWorkflowExecutionTimeout(Duration.ofMinutes(20)).build());
                WorkflowClient.start(run::run, input);

                while (!arrived.await(1, TimeUnit.SECONDS)) {
                    assertThat(a.isAlive() && b.isAlive()).as("a worker died before the held call:%n%s",
                            cluster.logs()).isTrue();
                }
                PendingActivityInfo pending = awaitDigests(cluster, 2);
                Process victim = LocalCluster.byIdentity(pending.getLastWorkerIdentity(), a, b);
                Process survivor = victim == a ? b : a;
                victim.destroyForcibly(); // SIGKILL
                assertThat(victim.waitFor(2, TimeUnit.MINUTES)).isTrue();
                assertThat(victim.exitValue()).isEqualTo(137);
                release.countDown();

                RunResult result = cluster.result(RunInput.workflowId("k1"), RunResult.class, 5);

                assertThat(result.status()).as("%s%n%s", result.message(), cluster.logs()).isEqualTo("completed");
                assertThat(result.message()).contains("answers done|done|done");
                // history keeps the started event of an activity's last attempt only: it is the survivor's 2nd
                HistoryEvent started = null;
                for (HistoryEvent e : cluster.client().fetchHistory(RunInput.workflowId("k1")).getEvents()) {
                    if (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
                        started = e;
                    }
                }
                assertThat(started).as("the activity's last attempt").isNotNull();
                assertThat(started.getActivityTaskStartedEventAttributes().getIdentity()).startsWith(survivor.pid() + "@");
                assertThat(started.getActivityTaskStartedEventAttributes().getAttempt()).isEqualTo(2);
                Map<Integer, Integer> sentPerCall = new TreeMap<>();
                for (RecordedRequest r : fake.requests()) {
                    sentPerCall.merge(CallsActivity.PROMPTS.indexOf(r.summary().lastUserText()) + 1, 1, Integer::sum);
                }
                System.out.printf("issue 16.2: requests per call after the kill of worker %d: %s; the run's account: "
                        + "$%.4f%n%s%n", victim.pid(), sentPerCall, result.spentUsd(), result.message());
                assertThat(sentPerCall).as("requests per call").isEqualTo(Map.of(1, 1, 2, 1, 3, 2));
                // the account: three calls settled at their cost, the killed one's reservation still open at its
                // worst case (the workflow of a real run counts it so; nothing settles a dead worker's call)
                assertThat(result.message().lines().filter(l -> l.startsWith("reserve "))).hasSize(4);
                assertThat(result.message().lines().filter(l -> l.startsWith("settle "))).hasSize(3);
                fake.assertNoFailures();
            } finally {
                release.countDown();
            }
        }
    }

    private static PendingActivityInfo awaitDigests(LocalCluster cluster, int digests) throws InterruptedException {
        long deadline = System.nanoTime() + LocalCluster.LONG.toNanos();
        PendingActivityInfo p = cluster.awaitHeartbeatedDigest(RunInput.workflowId("k1"));
        while (p.getHeartbeatDetails().getPayloadsList().stream()
                .map(d -> d.getData().toStringUtf8()).reduce("", String::concat).split("[0-9a-f]{64}", -1).length - 1
                < digests) {
            assertThat(System.nanoTime()).as("the heartbeat never carried %d digests", digests).isLessThan(deadline);
            Thread.sleep(200); // polling another process's state: there is nothing to latch on
            p = cluster.awaitHeartbeatedDigest(RunInput.workflowId("k1"));
        }
        return p;
    }

    private Process startWorker(LocalCluster cluster, String name, String fakeRoot) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name + "-home"));
        Path work = Files.createDirectories(dir.resolve(name + "-work"));
        return cluster.start(name, List.of(CallsWorkerMain.class.getName(), cluster.target(), QUEUE, work.toString()),
                Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                        "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", fakeRoot));
    }
}
