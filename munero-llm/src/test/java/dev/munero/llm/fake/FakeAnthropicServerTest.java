package dev.munero.llm.fake;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

class FakeAnthropicServerTest {
    private static final String KEY = "sk-ant-test";
    private static final String[] HEADERS = {"x-api-key", KEY, "anthropic-version", "2023-06-01"};
    private static final String HELLO = """
            {"model": "claude-sonnet-4-5", "max_tokens": 1024,
             "messages": [{"role": "user", "content": "Say hello"}]}""";
    private static final String STREAMED_TOOL_TURN = """
            {"model": "claude-sonnet-4-5", "max_tokens": 1024, "stream": true,
             "system": [{"type": "text", "text": "You build software.", "cache_control": {"type": "ephemeral"}}],
             "tools": [{"name": "read_file", "description": "Reads a file",
                        "input_schema": {"type": "object", "properties": {"path": {"type": "string"}}},
                        "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
             "messages": [{"role": "user", "content": [{"type": "text", "text": "Read a.txt"}]}]}""";

    @Test
    void answersValidRequestWithScriptedMessageAndRecordsIt() throws Exception {
        try (var server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.lastUserMessageContains("hello").and(RequestCheck.streaming(false)),
                    Reply.text("Hello!").usage(12, 3).cacheTokens(100, 200));

            HttpResponse<String> response = Http.post(server.endpoint(), HELLO, HEADERS);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            JsonNode json = Json.parse(response.body());
            assertThat(json.get("type").stringValue()).isEqualTo("message");
            assertThat(json.get("role").stringValue()).isEqualTo("assistant");
            assertThat(json.get("model").stringValue()).isEqualTo("claude-sonnet-4-5");
            assertThat(json.get("content")).isEqualTo(Json.parse("[{\"type\":\"text\",\"text\":\"Hello!\"}]"));
            assertThat(json.get("stop_reason").stringValue()).isEqualTo("end_turn");
            assertThat(json.get("stop_sequence").isNull()).isTrue();
            assertThat(json.get("usage")).isEqualTo(Json.parse("""
                    {"input_tokens": 12, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 200,
                     "output_tokens": 3}"""));
            RecordedRequest recorded = server.requests().getFirst();
            assertThat(recorded.method()).isEqualTo("POST");
            assertThat(recorded.path()).isEqualTo("/v1/messages");
            assertThat(recorded.headers()).containsKeys("x-api-key", "anthropic-version", "content-type");
            assertThat(recorded.json().get("max_tokens").intValue()).isEqualTo(1024);
        }
    }

    @Test
    void streamsTextAndToolCallAsTheReferenceEventSequence() throws Exception {
        try (var server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.offersTool("read_file").and(RequestCheck.systemPromptContains("build")),
                    Reply.message(new Reply.Text("Let me read it."),
                            new Reply.ToolCall("toolu_1", "read_file", "{\"path\": \"a.txt\"}")).usage(40, 25));

            HttpResponse<String> response = Http.post(server.endpoint(), STREAMED_TOOL_TURN, HEADERS);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            List<SseEvent> events = SseEvent.parse(response.body());
            assertThat(events).allSatisfy(e -> assertThat(Json.parse(e.data()).get("type").stringValue())
                    .isEqualTo(e.event()));
            assertThat(events).extracting(SseEvent::event).containsExactly("message_start",
                    "content_block_start", "ping", "content_block_delta", "content_block_delta",
                    "content_block_delta", "content_block_stop",
                    "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                    "content_block_delta", "content_block_stop",
                    "message_delta", "message_stop");
            JsonNode start = Json.parse(events.getFirst().data()).get("message");
            assertThat(start.get("content").isEmpty()).isTrue();
            assertThat(start.get("stop_reason").isNull()).isTrue();
            assertThat(start.get("usage").get("input_tokens").intValue()).isEqualTo(40);
            StringBuilder text = new StringBuilder();
            StringBuilder input = new StringBuilder();
            for (SseEvent event : events) {
                JsonNode delta = Json.parse(event.data()).path("delta");
                switch (Json.text(delta.path("type"))) {
                    case "text_delta" -> text.append(delta.get("text").stringValue());
                    case "input_json_delta" -> input.append(delta.get("partial_json").stringValue());
                    default -> {}
                }
            }
            assertThat(text).hasToString("Let me read it.");
            assertThat(Json.parse(input.toString())).isEqualTo(Json.parse("{\"path\":\"a.txt\"}"));
            assertThat(Json.parse(events.get(7).data()).get("content_block")).isEqualTo(Json.parse(
                    "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"read_file\",\"input\":{}}"));
            JsonNode messageDelta = Json.parse(events.get(13).data());
            assertThat(messageDelta.get("delta").get("stop_reason").stringValue()).isEqualTo("tool_use");
            assertThat(messageDelta.get("usage").get("output_tokens").intValue()).isEqualTo(25);
        }
    }

    @Test
    void acceptsToolResultTurnAndExposesItToNeutralChecks() throws Exception {
        String toolResultTurn = """
                {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": [
                  {"role": "user", "content": "Read a.txt"},
                  {"role": "assistant", "content": [
                    {"type": "text", "text": "Reading."},
                    {"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": {"path": "a.txt"}}]},
                  {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "alpha", "is_error": false},
                    {"type": "text", "text": "Go on", "cache_control": {"type": "ephemeral"}}]}]}""";
        try (var server = new FakeAnthropicServer(KEY).start()) {
            server.expect(RequestCheck.hasToolCall("toolu_1", "read_file", "{\"path\":\"a.txt\"}")
                    .and(RequestCheck.hasToolResult("toolu_1", "alpha"))
                    .and(RequestCheck.lastUserMessageContains("Go on")), Reply.text("a.txt holds alpha"));

            assertThat(Http.post(server.endpoint(), toolResultTurn, HEADERS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownTopLevelFieldFailsTheRequestAndClose() throws Exception {
        var server = new FakeAnthropicServer(KEY).start();
        server.expect(Reply.text("never sent"));

        HttpResponse<String> response = Http.post(server.endpoint(),
                HELLO.replace("\"max_tokens\"", "\"frequency_penalty\": 0.5, \"max_tokens\""), HEADERS);

        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode error = Json.parse(response.body());
        assertThat(error.get("type").stringValue()).isEqualTo("error");
        assertThat(error.get("error").get("type").stringValue()).isEqualTo("api_error");
        assertThat(error.get("error").get("message").stringValue()).contains("unexpected field \"frequency_penalty\"");
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 problem(s)")
                .hasMessageContaining("request #1 (POST /v1/messages) for expectation #1")
                .hasMessageContaining("unexpected field \"frequency_penalty\"");
    }

    @Test
    void wrongKeyMissingVersionAndWrongPathAreFailures() throws Exception {
        var server = new FakeAnthropicServer(KEY).start();
        server.expect(Reply.text("a")).expect(Reply.text("b"));

        Http.post(server.endpoint(), HELLO, "x-api-key", "sk-other");
        Http.post(server.endpoint().resolve("/v1/complete"), HELLO, HEADERS);

        assertThat(server.failures()).hasSize(2);
        assertThat(server.failures().get(0))
                .contains("header x-api-key: expected \"sk-ant-test\", got \"sk-other\"")
                .contains("header anthropic-version: expected \"2023-06-01\", got none");
        assertThat(server.failures().get(1)).contains("expected path /v1/messages, got /v1/complete");
        assertThatThrownBy(server::assertNoFailures).isInstanceOf(AssertionError.class);
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class).hasMessageContaining("2 problem(s)");
    }

    @Test
    void enforcesShapesCacheLimitAndToolPairing() throws Exception {
        String bad = """
                {"model": "claude-sonnet-4-5", "max_tokens": 1024,
                 "system": [{"type": "text", "text": "a", "cache_control": {"type": "ephemeral"}},
                            {"type": "text", "text": "b", "cache_control": {"type": "persistent"}}],
                 "tools": [{"name": "read_file", "input_schema": {"type": "object"},
                            "cache_control": {"type": "ephemeral"}}],
                 "messages": [
                  {"role": "system", "content": "no such role"},
                  {"role": "user", "content": [{"type": "text", "text": "hi", "cache_control": {"type": "ephemeral"}}]},
                  {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "toolu_1", "name": "read_file", "input": "a.txt",
                     "cache_control": {"type": "ephemeral"}}]},
                  {"role": "user", "content": [
                    {"type": "text", "text": "first"},
                    {"type": "tool_result", "tool_use_id": "toolu_2", "content": "x"}]}]}""";
        var server = new FakeAnthropicServer(KEY).start();
        server.expect(Reply.text("never sent"));

        Http.post(server.endpoint(), bad, HEADERS);

        assertThat(server.failures()).singleElement().asString()
                .contains("system[1].cache_control.type: expected one of [ephemeral], got string \"persistent\"")
                .contains("messages[0].role: expected one of [assistant, user]")
                .contains("messages[2].content[0].input: expected an object")
                .contains("messages[3].content[1]: tool_result blocks must come before any other content")
                .contains("messages[3]: tool_use ids [toolu_1] of messages[2] have no tool_result blocks")
                .contains("tool_result for tool_use_id \"toolu_2\" answers no tool_use block")
                .contains("found 5 blocks with cache_control; the API allows at most 4");
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class);
    }

    @ParameterizedTest
    @CsvSource({
        "429, RATE_LIMIT, rate_limit_error",
        "500, SERVER, api_error",
        "529, OVERLOADED, overloaded_error",
        "400, INVALID_REQUEST, invalid_request_error",
        "401, AUTHENTICATION, authentication_error"})
    void errorRepliesUseTheDocumentedStatusAndType(int status, Reply.ErrorKind kind, String type) throws Exception {
        try (var server = new FakeAnthropicServer(KEY).start()) {
            server.expect(Reply.error(status).retryAfterSeconds(2)).expect(Reply.error(kind));

            HttpResponse<String> byStatus = Http.post(server.endpoint(), HELLO, HEADERS);
            HttpResponse<String> byKind = Http.post(server.endpoint(), HELLO, HEADERS);

            for (HttpResponse<String> response : List.of(byStatus, byKind)) {
                assertThat(response.statusCode()).isEqualTo(status);
                JsonNode json = Json.parse(response.body());
                assertThat(json.get("type").stringValue()).isEqualTo("error");
                assertThat(json.get("error").get("type").stringValue()).isEqualTo(type);
                assertThat(json.get("error").get("message").stringValue()).isNotBlank();
            }
            assertThat(byStatus.headers().firstValue("retry-after")).hasValue("2");
            assertThat(byKind.headers().firstValue("retry-after")).isEmpty();
        }
    }

    @Test
    void malformedJsonIsA200WhoseBodyDoesNotParse() throws Exception {
        try (var server = new FakeAnthropicServer(KEY).start()) {
            server.expect(Reply.malformedJson()).expect(Reply.malformedJson());

            HttpResponse<String> plain = Http.post(server.endpoint(), HELLO, HEADERS);
            HttpResponse<String> streamed = Http.post(server.endpoint(), STREAMED_TOOL_TURN, HEADERS);

            assertThat(plain.statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> Json.parse(plain.body())).isInstanceOf(JacksonException.class);
            List<SseEvent> events = SseEvent.parse(streamed.body());
            assertThat(events.getFirst().event()).isEqualTo("message_start");
            assertThatThrownBy(() -> Json.parse(events.getFirst().data())).isInstanceOf(JacksonException.class);
        }
    }

    @Test
    void droppedConnectionReachesTheClientAsIoException() throws Exception {
        try (var server = new FakeAnthropicServer(KEY).start()) {
            server.expect(Reply.dropConnection()).expect(Reply.dropConnection());

            assertThatThrownBy(() -> Http.post(server.endpoint(), HELLO, HEADERS)).isInstanceOf(IOException.class);
            HttpResponse<InputStream> stream = Http.open(server.endpoint(), STREAMED_TOOL_TURN, HEADERS);
            assertThat(stream.statusCode()).isEqualTo(200);
            List<String> lines = new ArrayList<>();
            try (var reader = new BufferedReader(new InputStreamReader(stream.body(), UTF_8))) {
                assertThatThrownBy(() -> reader.lines().forEach(lines::add)).isInstanceOf(UncheckedIOException.class)
                        .hasCauseInstanceOf(IOException.class);
            }
            assertThat(lines).contains("event: message_start").doesNotContain("event: message_stop");
        }
    }

    @Test
    void aStallSendsTheFirstEventsThenHoldsTheStreamOpenUntilReleased() throws Exception { // issue 15
        try (var server = new FakeAnthropicServer(KEY).start()) {
            Reply.Stall stall = Reply.stall(2, Reply.text("never finished").usage(1300, 20));
            server.expect(stall);

            HttpResponse<InputStream> stream = Http.open(server.endpoint(), STREAMED_TOOL_TURN, HEADERS);
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stall.awaitStarted(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            List<String> lines = new ArrayList<>();
            try (var reader = new BufferedReader(new InputStreamReader(stream.body(), UTF_8))) {
                while (lines.stream().noneMatch(l -> l.startsWith("data: {\"type\":\"content_block_start\""))) {
                    lines.add(reader.readLine());
                }
                assertThat(lines).contains("event: message_start");
                assertThat(String.join("\n", lines)).contains("\"input_tokens\":1300").contains("\"output_tokens\":1");
                stall.release();
                List<String> rest = new ArrayList<>();
                try {
                    reader.lines().forEach(rest::add);
                } catch (UncheckedIOException cut) {
                    // the response ends either way: cut, or closed early
                }
                assertThat(rest).noneMatch(l -> l.contains("content_block_delta") || l.contains("message_stop"));
            }
        }
    }
}
