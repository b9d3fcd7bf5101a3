package dev.munero.core;

import static dev.munero.core.RunFixture.finish;
import static dev.munero.core.RunFixture.plan;
import static dev.munero.core.RunFixture.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 11.1: a real child JVM talks to the strict fake Anthropic server through the real provider and is killed
 * with SIGKILL while its call is in flight, three times; the run then resumes to completion. The fake bills every
 * request it received and started answering at the usage of its answer (the provider bills a call it was cut off
 * from), and what the run records as spent must not be less.
 */
class CostAfterKillTest {
    private static final int KILLS = 3;

    @TempDir
    Path dir;

    /** What the fake billed, USD, one entry per request it started answering. */
    private final List<Double> billed = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @Test
    void aRunKilledMidCallThreeTimesRecordsAtLeastWhatTheProviderBilled() throws Exception {
        RunFixture fx = new RunFixture(dir);
        Reply.Message planReply = Reply.toolCall("toolu_plan", "submit_plan", plan("greet")).usage(200, 50);
        Reply.Message writeReply = Reply.toolCall("toolu_w", "write_file", write("greeting.txt", "hello world\\n"))
                .usage(200, 50);
        Reply.Message finishReply = Reply.toolCall("toolu_f", "finish", finish("wrote it")).usage(200, 50);
        // a call cut off at its end: the provider generated (and bills) the whole max output of 1000 tokens
        Reply.Message cutOff = Reply.text("cut off").usage(200, 1000);
        CountDownLatch[] arrived = new CountDownLatch[KILLS];
        for (int i = 0; i < KILLS; i++) {
            arrived[i] = new CountDownLatch(1);
        }
        String runId;
        try (FakeAnthropicServer server = new FakeAnthropicServer(RunWithProvider.KEY).start()) {
            String root = server.baseUrl().substring(0, server.baseUrl().length() - "/v1".length());
            // session 1: the plan call is cut off
            server.expect(held(cutOff, arrived[0]), cutOff);
            // session 2: the plan call again, then the agent's first call is cut off
            server.expect(billing(planReply), planReply).expect(held(cutOff, arrived[1]), cutOff);
            // session 3: the plan is answered from the store; the agent's first call again, its second cut off
            server.expect(billing(writeReply), writeReply).expect(held(cutOff, arrived[2]), cutOff);
            // session 4 (this process): the agent's second call again
            server.expect(billing(finishReply), finishReply);
            try {
                for (int kill = 0; kill < KILLS; kill++) {
                    killMidCall(fx, root, kill == 0 ? "start" : "resume", arrived[kill]);
                }
            } finally {
                release.countDown(); // the held answers go to dead connections
            }
            try (Store store = fx.store()) {
                runId = store.runs().getFirst().id();
                BuildManager.Outcome done = BuildManager.resume(store, runId, l -> l,
                        fx.session(RunWithProvider.provider(root, dir)));
                assertThat(done.status()).as(done.message()).isEqualTo(BuildManager.Status.COMPLETED);

                double billedUsd = billed.stream().mapToDouble(Double::doubleValue).sum();
                List<StoredEvent> events = store.events(runId, 0);
                RunMetrics m = RunMetrics.of(events);
                System.out.printf("issue 11.1: the fake billed $%.4f for %d requests; the run recorded $%.4f "
                        + "($%.4f of it estimated for %d calls cut off)%n", billedUsd, billed.size(), m.costUsd(),
                        m.estimatedUsd(), m.interruptedCalls());
                assertThat(billed).hasSize(2 * KILLS);
                assertThat(m.interruptedCalls()).isEqualTo(KILLS);
                assertThat(m.costUsd()).as("what munero cost shows").isGreaterThanOrEqualTo(billedUsd);
                assertThat(done.costUsd()).as("what the budget counted").isGreaterThanOrEqualTo(billedUsd);
                assertThat(store.run(runId).orElseThrow().summary().path("cost_usd").asDouble())
                        .as("what munero sessions list shows").isGreaterThanOrEqualTo(billedUsd);
                assertThat(store.openReservations(runId)).isEmpty();
                // the calls that completed are counted at their real cost, each once
                assertThat(m.modelCalls()).isEqualTo(KILLS);
                assertThat(m.costUsd() - m.estimatedUsd()).isCloseTo(KILLS * price(200, 50),
                        org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    /** Starts a child session, waits until its call is held at the fake, and kills it with SIGKILL. */
    private void killMidCall(RunFixture fx, String root, String mode, CountDownLatch arrived) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), RunWithProvider.class.getName(), fx.repo.toString(), root, mode)
                .redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread drain = Thread.ofVirtual().start(() -> copy(child.getInputStream(), output));
        try {
            while (!arrived.await(1, TimeUnit.SECONDS)) {
                assertThat(child.isAlive()).as("the %s session ended before its call was held:%n%s", mode,
                        output.toString(StandardCharsets.UTF_8)).isTrue();
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally
            assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
            drain.join();
        }
        assertThat(child.exitValue()).as(output.toString(StandardCharsets.UTF_8)).isEqualTo(137);
    }

    private RequestCheck billing(Reply.Message reply) {
        return request -> billed.add(price(reply.usage().inputTokens(), reply.usage().outputTokens()));
    }

    /** Bills the request, then holds its answer until the child is dead. */
    private RequestCheck held(Reply.Message reply, CountDownLatch arrived) {
        return billing(reply).and(request -> {
            arrived.countDown();
            release.await();
        });
    }

    /** USD at the fixture's prices, $3 / $15 per million input / output tokens. */
    private static double price(long input, long output) {
        return (input * RunFixture.PRICES.inputUsdPerMTok() + output * RunFixture.PRICES.outputUsdPerMTok()) / 1e6;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the child is gone
        }
    }
}
