package dev.munero.llm.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.Requests;
import dev.munero.llm.ScriptedChatModel;
import dev.munero.llm.StopReason;
import dev.munero.llm.Usage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RecordReplayTest {
    private static final ModelRef SONNET = ModelRef.parse("anthropic:claude-sonnet-4-6");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET = "sk-ant-api03-pasted-into-the-prompt";

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("recordings/run.jsonl");
    }

    private static ChatResponse readsPom() {
        return new ChatResponse(Requests.callsReadFile("toolu_1", "pom.xml"), StopReason.TOOL_USE,
                new Usage(100, 20, 50, 0), "claude-sonnet-4-6-20260101", "msg_1");
    }

    private static ChatResponse done() {
        return ScriptedChatModel.reply("The build is fixed.", new Usage(30, 8, 0, 150));
    }

    private static ChatRequest first() {
        return Requests.conversation("You fix builds.", Message.user("fix the build " + SECRET));
    }

    private static ChatRequest second(String toolOutput) {
        return Requests.conversation("You fix builds.", Message.user("fix the build " + SECRET),
                Requests.callsReadFile("toolu_1", "pom.xml"), Requests.toolResult("toolu_1", toolOutput));
    }

    /** Records first() and second(toolOutput) with the given substitutions and closes the recording. */
    private Path record(String toolOutput, Map<String, String> substitutions) throws InterruptedException {
        var model = new ScriptedChatModel(SONNET).thenAnswer(readsPom()).thenAnswer(done());
        try (var recording = new RecordingChatModel(model, file(), substitutions)) {
            recording.chat(first());
            recording.chat(second(toolOutput));
        }
        return file();
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void replayingTheRecordedRequestsGivesTheRecordedResponses() throws Exception {
        // given
        record("<project/>", Map.of());

        // when
        var replay = new ReplayChatModel(file(), null, Map.of());
        List<String> streamed = new ArrayList<>();
        ChatResponse firstAnswer = replay.chat(first(), streamed::add);
        ChatResponse secondAnswer = replay.chat(second("<project/>"), streamed::add);

        // then
        assertThat(replay.model()).isEqualTo(SONNET);
        assertThat(firstAnswer).isEqualTo(readsPom());
        assertThat(secondAnswer).isEqualTo(done());
        assertThat(streamed).containsExactly("The build is fixed.");
        assertThat(replay.remaining()).isZero();
    }

    @Test
    void writesOneJsonLinePerCallWithDigestsResponseAndUsageButNotTheRequest() throws Exception {
        // when
        Path file = record("<project/>", Map.of());

        // then
        List<JsonNode> lines = lines(file);
        assertThat(lines).hasSize(2);
        JsonNode line = lines.get(1);
        assertThat(line.propertyNames()).containsExactly("seq", "model", "digest", "parts", "response", "usage");
        assertThat(line.path("seq").asInt()).isEqualTo(2);
        assertThat(line.path("model").asString()).isEqualTo("anthropic:claude-sonnet-4-6");
        assertThat(line.path("digest").asString()).matches("[0-9a-f]{64}");
        assertThat(line.path("parts").path("messages")).hasSize(3);
        assertThat(line.path("response").path("stop_reason").asString()).isEqualTo("end_turn");
        assertThat(line.path("usage").path("cache_read_tokens").asLong()).isEqualTo(150);
        assertThat(Files.readString(file)).doesNotContain(SECRET).doesNotContain("fix the build")
                .doesNotContain("<project/>").doesNotContainIgnoringCase("api_key").doesNotContain("sk-");
    }

    @Test
    void eachCallIsOnDiskBeforeTheRecordingIsClosed() throws Exception {
        // given
        var model = new ScriptedChatModel(SONNET).thenAnswer(readsPom());
        try (var recording = new RecordingChatModel(model, file(), Map.of())) {
            // when
            recording.chat(first());

            // then
            assertThat(lines(file())).hasSize(1);
            assertThat(new ReplayChatModel(file(), SONNET, Map.of()).chat(first())).isEqualTo(readsPom());
        }
    }

    @Test
    void toolResultsMatchDespiteOtherDigitsAndAnotherWorkspacePath() throws Exception {
        // given a recording made in one workspace
        record("compiled /tmp/ws-a1/src/Main.java in 1.23 s (pid 4711)", Map.of("/tmp/ws-a1", "<workspace>"));

        // when replayed in another, where the run took a different time
        var replay = new ReplayChatModel(file(), SONNET, Map.of("/tmp/ws-b22", "<workspace>"));
        replay.chat(first());
        ChatResponse answer = replay.chat(second("compiled /tmp/ws-b22/src/Main.java in 10.5 s (pid 99)"));

        // then
        assertThat(answer).isEqualTo(done());
    }

    @Test
    void aToolResultThatDiffersInMoreThanDigitsDoesNotMatch() throws Exception {
        // given
        record("BUILD SUCCESS in 3 s", Map.of());
        var replay = new ReplayChatModel(file(), SONNET, Map.of());
        replay.chat(first());

        // then
        assertThatThrownBy(() -> replay.chat(second("BUILD FAILURE in 3 s")))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.REPLAY_MISMATCH))
                .hasMessageContaining("message 3 of 3 differs from " + file() + ":2");
    }

    @Test
    void aChangedUserMessageFailsNamingTheMessageAndTheRecordedLine() throws Exception {
        // given
        record("<project/>", Map.of());
        var replay = new ReplayChatModel(file(), SONNET, Map.of());

        // then
        assertThatThrownBy(() -> replay.chat(Requests.conversation("You fix builds.", Message.user("fix the tests"))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.REPLAY_MISMATCH);
                    assertThat(e.retriable()).isFalse();
                })
                .hasMessageContaining("message 1 of 1 differs from " + file() + ":1");
        assertThat(replay.remaining()).isEqualTo(2);
    }

    @Test
    void aChangedSystemPromptOrToolSetIsNamedAsSuch() throws Exception {
        // given
        record("<project/>", Map.of());
        var replay = new ReplayChatModel(file(), SONNET, Map.of());

        // then
        assertThatThrownBy(() -> replay.chat(Requests.conversation("You fix tests.", first().messages().getFirst())))
                .hasMessageContaining("the system prompt differs from " + file() + ":1");
        assertThatThrownBy(() -> replay.chat(new ChatRequest("You fix builds.", first().messages(),
                List.of(Requests.tool("write_file")), 256)))
                .hasMessageContaining("the tool definitions differ from " + file() + ":1");
        assertThatThrownBy(() -> replay.chat(new ChatRequest("You fix builds.", first().messages(),
                first().tools(), 999)))
                .hasMessageContaining("the model or max output tokens differ from " + file() + ":1");
    }

    @Test
    void aCallBeyondTheRecordingFailsSayingAllExchangesAreUsedUp() throws Exception {
        // given
        record("<project/>", Map.of());
        var replay = new ReplayChatModel(file(), SONNET, Map.of());
        replay.chat(first());
        replay.chat(second("<project/>"));

        // then
        assertThatThrownBy(() -> replay.chat(first()))
                .isInstanceOfSatisfying(ProviderException.class,
                        e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.REPLAY_MISMATCH))
                .hasMessageContaining("all 2 recorded exchanges are used up");
    }

    @Test
    void requestsAskedInAnotherOrderStillMatchByDigest() throws Exception {
        // given
        record("<project/>", Map.of());
        var replay = new ReplayChatModel(file(), SONNET, Map.of());

        // when
        ChatResponse secondAnswer = replay.chat(second("<project/>"));
        ChatResponse firstAnswer = replay.chat(first());

        // then
        assertThat(secondAnswer).isEqualTo(done());
        assertThat(firstAnswer).isEqualTo(readsPom());
    }

    @Test
    void theSameRequestTwiceGetsTheRecordedAnswersInRecordedOrder() throws Exception {
        // given
        var model = new ScriptedChatModel(SONNET).thenAnswer(ScriptedChatModel.reply("one"))
                .thenAnswer(ScriptedChatModel.reply("two"));
        try (var recording = new RecordingChatModel(model, file(), Map.of())) {
            recording.chat(first());
            recording.chat(first());
        }

        // when
        var replay = new ReplayChatModel(file(), null, Map.of());

        // then
        assertThat(replay.chat(first()).message().text()).isEqualTo("one");
        assertThat(replay.chat(first()).message().text()).isEqualTo("two");
    }

    @Test
    void replayingWithAnotherModelIsRefused() throws Exception {
        // given
        record("<project/>", Map.of());

        // then
        assertThatThrownBy(() -> new ReplayChatModel(file(), ModelRef.parse("openai:gpt-5-mini"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was recorded with anthropic:claude-sonnet-4-6, not openai:gpt-5-mini")
                .hasMessageContaining("--model anthropic:claude-sonnet-4-6");
    }

    @Test
    void aCorruptLineFailsNamingFileAndLine() throws Exception {
        // given
        record("<project/>", Map.of());
        Files.writeString(file(), Files.readString(file()) + "{\"seq\":3,\"model\":\n");

        // then
        assertThatThrownBy(() -> new ReplayChatModel(file(), SONNET, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file() + ":3: not a recorded exchange");
    }

    @Test
    void aLineWithAnUnknownBlockTypeFailsNamingFileAndLine() throws IOException {
        // given
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"seq\":1,\"model\":\"anthropic:claude-sonnet-4-6\",\"digest\":\"x\","
                + "\"response\":{\"stop_reason\":\"end_turn\",\"content\":[{\"type\":\"image\"}]}}\n");

        // then
        assertThatThrownBy(() -> new ReplayChatModel(file(), SONNET, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file() + ":1: not a recorded exchange")
                .hasMessageContaining("unknown content block type 'image'");
    }

    @Test
    void anEmptyOrMissingRecordingIsRefused() throws IOException {
        Files.createDirectories(dir.resolve("recordings"));
        Files.writeString(file(), "\n");

        assertThatThrownBy(() -> new ReplayChatModel(file(), null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the recording has no exchanges");
        assertThatThrownBy(() -> new ReplayChatModel(dir.resolve("missing.jsonl"), null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot read the recording");
    }

    @Test
    void aFailedCallIsNotRecorded() throws Exception {
        // given
        var model = new ScriptedChatModel(SONNET)
                .thenThrow(new ProviderException(ProviderException.Kind.SERVER_ERROR, "boom"))
                .thenAnswer(readsPom());
        try (var recording = new RecordingChatModel(model, file(), Map.of())) {
            // when
            assertThatThrownBy(() -> recording.chat(first())).isInstanceOf(ProviderException.class);
            recording.chat(first());
        }

        // then
        assertThat(lines(file())).singleElement().satisfies(line -> assertThat(line.path("seq").asInt()).isOne());
    }

    @Test
    void parallelCallsWriteWholeLinesWithDistinctSequenceNumbers() throws Exception {
        // given every call held until all are in flight
        int calls = 8;
        var inFlight = new CountDownLatch(calls);
        var model = new ScriptedChatModel(SONNET);
        for (int i = 0; i < calls; i++) {
            model.then(request -> {
                inFlight.countDown();
                inFlight.await();
                return ScriptedChatModel.reply(request.messages().getFirst().text());
            });
        }

        // when
        try (var recording = new RecordingChatModel(model, file(), Map.of());
             ExecutorService pool = Executors.newFixedThreadPool(calls)) {
            List<Future<ChatResponse>> answers = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                ChatRequest request = Requests.ask("task " + i);
                answers.add(pool.submit(() -> recording.chat(request)));
            }
            for (Future<ChatResponse> answer : answers) {
                answer.get();
            }
        }

        // then
        List<JsonNode> lines = lines(file());
        assertThat(lines).extracting(line -> line.path("seq").asInt())
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        var replay = new ReplayChatModel(file(), SONNET, Map.of());
        for (int i = calls - 1; i >= 0; i--) {
            assertThat(replay.chat(Requests.ask("task " + i)).message().text()).isEqualTo("task " + i);
        }
    }

    @Test
    void aToolCallWithoutArgumentsSurvivesTheRoundTrip() throws Exception {
        // given
        ChatResponse calls = new ChatResponse(new Message(Message.Role.ASSISTANT, List.of(
                new ContentBlock.Text("Listing."), new ContentBlock.ToolCall("call_9", "list_files", ""))),
                StopReason.TOOL_USE, Usage.ZERO, "gpt-5-mini", "");
        var model = new ScriptedChatModel("openai:gpt-5-mini").thenAnswer(calls);
        try (var recording = new RecordingChatModel(model, file(), Map.of())) {
            recording.chat(first());
        }

        // then
        assertThat(new ReplayChatModel(file(), null, Map.of()).chat(first())).isEqualTo(calls);
    }

    @Test
    void twoModelsRecordIntoOneFileAndReplayFromItEachOnlyItsOwnCalls() throws Exception { // issue 14: profile models
        ModelRef mini = ModelRef.parse("openai:gpt-5-mini");
        var sonnet = new ScriptedChatModel(SONNET).thenAnswer(readsPom());
        var other = new ScriptedChatModel(mini).thenAnswer(done());
        try (var recording = new RecordingChatModel(sonnet, file(), Map.of())) {
            recording.chat(first());
            recording.alongside(other).chat(first());
        }
        assertThat(lines(file())).extracting(l -> l.path("seq").asInt(), l -> l.path("model").asString())
                .containsExactly(org.assertj.core.api.Assertions.tuple(1, SONNET.toString()),
                        org.assertj.core.api.Assertions.tuple(2, mini.toString()));

        var replay = new ReplayChatModel(file(), mini, Map.of()); // a model the recording has calls of, not the first
        var sonnetReplay = replay.forModel(SONNET);
        assertThat(replay.chat(first(), t -> { }).message().text()).isEqualTo("The build is fixed.");
        assertThat(sonnetReplay.chat(first(), t -> { }).stopReason()).isEqualTo(StopReason.TOOL_USE);
        assertThat(replay.remaining()).isZero(); // the views share which exchanges are used
        assertThatThrownBy(() -> sonnetReplay.chat(first(), t -> { })).isInstanceOf(ProviderException.class)
                .hasMessageContaining("used up");
        assertThatThrownBy(() -> new ReplayChatModel(file(), ModelRef.parse("openai:gpt-5"), Map.of()))
                .hasMessageContaining("was recorded with " + SONNET + ", not openai:gpt-5");
    }
}
