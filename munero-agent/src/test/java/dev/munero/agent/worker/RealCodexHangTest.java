package dev.munero.agent.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Usage;
import dev.munero.llm.fake.FakeOpenAiResponsesServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import dev.munero.llm.pricing.ModelTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 15: the real Codex (installed by {@code .ci/run} into {@code ~/.cache/munero-test/workers}; skipped with a
 * message without it) killed mid-turn by the inactivity watchdog, against the strict Responses fake. {@code codex exec}
 * is one turn and its {@code --json} stream reports usage only when the turn completes, so the spend of the killed
 * turn comes from Codex's own session log ({@link CodexRollout}).
 */
class RealCodexHangTest {
    @TempDir
    Path dir;

    @Test
    void aCodexKilledMidTurnCountsTheCallsItsSessionLogShows() throws Exception {
        Path codex = RealCliWorkersTest.cli("codex");
        ModelTable prices = RealCliWorkersTest.codexFakePrices(dir);
        Path ws = dir.resolve("ws");
        Files.createDirectories(ws);
        new ProcessBuilder("git", "init", "-q", ws.toString()).inheritIO().start().waitFor();
        try (var server = new FakeOpenAiResponsesServer("test-key").start()) {
            // the second call stalls after response.created and response.in_progress (no usage yet), open until
            // the server closes
            Reply.Stall stall = Reply.stall(2, Reply.text("never finished").usage(1000, 10));
            server.expect(RequestCheck.lastUserMessageContains("write hello.txt"),
                            Reply.toolCall("call_1", "exec_command", "{\"cmd\":\"echo hi > hello.txt\"}")
                                    .usage(900, 30).cacheTokens(0, 100))
                    .expect(RequestCheck.hasToolResult("call_1", ""), stall);
            Map<String, String> env = new HashMap<>(Map.of("OPENAI_API_KEY", "test-key", "OPENAI_BASE_URL",
                    server.baseUrl()));
            env.put("PATH", System.getenv("PATH"));
            WorkerTask task = new WorkerTask("write hello.txt", ws, dir.resolve("home"), dir.resolve("logs"),
                    Optional.of("openai:munero-fake-1"), PermissionMode.AUTO_EDIT, Sandbox.bubblewrapAvailable()
                    ? Sandbox.bubblewrap() : Sandbox.none(), env, Optional.empty(), Optional.empty(), false,
                    new WorkerLimits(OptionalDouble.of(1.0), Duration.ofSeconds(5), Duration.ofSeconds(30),
                            Duration.ofMinutes(10)));

            WorkerResult r = Workers.cli("codex", Map.of("MUNERO_CODEX", codex.toString()), prices).orElseThrow()
                    .run(task, WorkerListener.NONE);

            assertThat(r.outcome()).as(r.detail()).isEqualTo(WorkerOutcome.HUNG);
            assertThat(Files.readString(r.stdout().orElseThrow())).doesNotContain("turn.completed");
            assertThat(r.detail()).contains("counted from Codex's session log");
            Usage served = new Usage(900, 30, 0, 100); // the first call; the stalled one had sent no usage
            assertThat(r.usage()).isEqualTo(served);
            assertThat(r.costUsd().getAsDouble()).isCloseTo(prices.lookup(ModelRef.parse("openai:munero-fake-1"))
                    .cost(served).getAsDouble(), org.assertj.core.data.Offset.offset(1e-12));
            Path kept = dir.resolve("kept.jsonl");
            Files.copy(r.stdout().orElseThrow(), kept);
            assertThat(Workers.readBack("codex", kept, Optional.of(task.home()), task.cliModel(), prices).usage())
                    .as("the read-back after a kill of Munero counts the same").isEqualTo(served);
            assertThat(server.failures()).isEmpty();
        }
    }
}
