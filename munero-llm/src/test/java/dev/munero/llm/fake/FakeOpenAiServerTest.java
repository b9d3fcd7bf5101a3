package dev.munero.llm.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

class FakeOpenAiServerTest {
    private static final String KEY = "sk-test";
    private static final String[] HEADERS = {"authorization", "Bearer " + KEY};
    private static final String HELLO = """
            {"model": "gpt-4o", "messages": [
              {"role": "developer", "content": "You build software."},
              {"role": "user", "content": "Say hello"}]}""";
    private static final String STREAMED_TOOL_TURN = """
            {"model": "gpt-4o", "stream": true, "stream_options": {"include_usage": true},
             "max_completion_tokens": 512, "parallel_tool_calls": false, "tool_choice": "auto",
             "tools": [{"type": "function", "function": {"name": "read_file", "description": "Reads a file",
                        "parameters": {"type": "object", "properties": {"path": {"type": "string"}}},
                        "strict": false}}],
             "messages": [{"role": "user", "content": [{"type": "text", "text": "Read a.txt"}]}]}""";

    @Test
    void answersValidRequestWithScriptedChatCompletion() throws Exception {
        try (var server = new FakeOpenAiServer(KEY).start()) {
            server.expect(RequestCheck.lastUserMessageContains("hello").and(RequestCheck.systemPromptContains("build")),
                    Reply.text("Hello!").usage(12, 30).cacheTokens(0, 200).reasoningTokens(20));

            HttpResponse<String> response = Http.post(server.endpoint(), HELLO, HEADERS);

            assertThat(server.endpoint().getPath()).isEqualTo("/v1/chat/completions");
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode json = Json.parse(response.body());
            assertThat(json.get("object").stringValue()).isEqualTo("chat.completion");
            assertThat(json.get("model").stringValue()).isEqualTo("gpt-4o");
            JsonNode choice = json.get("choices").get(0);
            assertThat(choice.get("message").get("role").stringValue()).isEqualTo("assistant");
            assertThat(choice.get("message").get("content").stringValue()).isEqualTo("Hello!");
            assertThat(choice.get("message").has("tool_calls")).isFalse();
            assertThat(choice.get("finish_reason").stringValue()).isEqualTo("stop");
            JsonNode usage = json.get("usage");
            assertThat(usage.get("prompt_tokens").intValue()).isEqualTo(212);
            assertThat(usage.get("completion_tokens").intValue()).isEqualTo(30);
            assertThat(usage.get("total_tokens").intValue()).isEqualTo(242);
            assertThat(usage.get("prompt_tokens_details").get("cached_tokens").intValue()).isEqualTo(200);
            assertThat(usage.get("completion_tokens_details").get("reasoning_tokens").intValue()).isEqualTo(20);
        }
    }

    @Test
    void answersToolCallWithNullContentAndToolCallsFinishReason() throws Exception {
        try (var server = new FakeOpenAiServer(KEY).start()) {
            server.expect(Reply.toolCall("call_1", "read_file", "{\"path\":\"a.txt\"}"));

            JsonNode choice = Json.parse(Http.post(server.endpoint(), HELLO, HEADERS).body()).get("choices").get(0);

            assertThat(choice.get("message").get("content").isNull()).isTrue();
            assertThat(choice.get("message").get("tool_calls")).isEqualTo(Json.parse("""
                    [{"id": "call_1", "type": "function",
                      "function": {"name": "read_file", "arguments": "{\\"path\\":\\"a.txt\\"}"}}]"""));
            assertThat(choice.get("finish_reason").stringValue()).isEqualTo("tool_calls");
        }
    }

    @Test
    void streamsChunksWithToolCallFragmentsUsageChunkAndDone() throws Exception {
        try (var server = new FakeOpenAiServer(KEY).start()) {
            server.expect(RequestCheck.streaming(true).and(RequestCheck.offersTool("read_file")),
                    Reply.message(new Reply.Text("Reading."),
                            new Reply.ToolCall("call_1", "read_file", "{\"path\":\"a.txt\"}")).usage(40, 25));

            HttpResponse<String> response = Http.post(server.endpoint(), STREAMED_TOOL_TURN, HEADERS);

            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            List<SseEvent> events = SseEvent.parse(response.body());
            assertThat(events).allSatisfy(e -> assertThat(e.event()).isEmpty());
            assertThat(events.getLast().data()).isEqualTo("[DONE]");
            List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(e -> Json.parse(e.data()))
                    .toList();
            assertThat(chunks).allSatisfy(chunk -> {
                assertThat(chunk.get("object").stringValue()).isEqualTo("chat.completion.chunk");
                assertThat(chunk.get("id").stringValue()).isEqualTo(chunks.getFirst().get("id").stringValue());
            });
            assertThat(chunks.getFirst().get("choices").get(0).get("delta").get("role").stringValue())
                    .isEqualTo("assistant");
            StringBuilder content = new StringBuilder();
            StringBuilder arguments = new StringBuilder();
            for (JsonNode chunk : chunks.subList(0, chunks.size() - 1)) {
                assertThat(chunk.get("usage").isNull()).isTrue();
                JsonNode delta = chunk.get("choices").get(0).get("delta");
                content.append(Json.text(delta.path("content")));
                for (JsonNode call : delta.path("tool_calls")) {
                    assertThat(call.get("index").intValue()).isZero();
                    arguments.append(Json.text(call.get("function").path("arguments")));
                }
            }
            assertThat(content).hasToString("Reading.");
            assertThat(arguments).hasToString("{\"path\":\"a.txt\"}");
            JsonNode firstCall = chunks.stream().map(c -> c.get("choices").get(0).get("delta").path("tool_calls"))
                    .filter(JsonNode::isArray).findFirst().orElseThrow().get(0);
            assertThat(firstCall.get("id").stringValue()).isEqualTo("call_1");
            assertThat(firstCall.get("function").get("name").stringValue()).isEqualTo("read_file");
            JsonNode finish = chunks.get(chunks.size() - 2).get("choices").get(0);
            assertThat(finish.get("finish_reason").stringValue()).isEqualTo("tool_calls");
            assertThat(finish.get("delta").isEmpty()).isTrue();
            JsonNode usageChunk = chunks.getLast();
            assertThat(usageChunk.get("choices").isEmpty()).isTrue();
            assertThat(usageChunk.get("usage").get("prompt_tokens").intValue()).isEqualTo(40);
            assertThat(usageChunk.get("usage").get("completion_tokens").intValue()).isEqualTo(25);
        }
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageAnywhere() throws Exception {
        String request = """
                {"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "hi"}]}""";
        try (var server = new FakeOpenAiServer(KEY).start()) {
            server.expect(Reply.text("Hello"));

            List<SseEvent> events = SseEvent.parse(Http.post(server.endpoint(), request, HEADERS).body());

            assertThat(events.getLast().data()).isEqualTo("[DONE]");
            assertThat(events.subList(0, events.size() - 1)).allSatisfy(e -> {
                JsonNode chunk = Json.parse(e.data());
                assertThat(chunk.has("usage")).isFalse();
                assertThat(chunk.get("choices")).hasSize(1);
            });
        }
    }

    @Test
    void acceptsToolTurnAndRejectsUnansweredOrOrphanToolMessages() throws Exception {
        String answered = """
                {"model": "gpt-4o", "messages": [
                  {"role": "user", "content": "Read a.txt"},
                  {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "read_file", "arguments": "{}"}}]},
                  {"role": "tool", "tool_call_id": "call_1", "content": "alpha"}]}""";
        String unanswered = """
                {"model": "gpt-4o", "messages": [
                  {"role": "user", "content": "Read a.txt"},
                  {"role": "assistant", "tool_calls": [
                    {"id": "call_1", "type": "function", "function": {"name": "read_file", "arguments": "{}"}}]},
                  {"role": "user", "content": "well?"}]}""";
        String orphan = answered.replace("\"tool_call_id\": \"call_1\"", "\"tool_call_id\": \"call_9\"");
        var server = new FakeOpenAiServer(KEY).start();
        server.expect(RequestCheck.hasToolResult("call_1", "alpha"), Reply.text("alpha it is"))
                .expect(Reply.text("never sent")).expect(Reply.text("never sent"));

        assertThat(Http.post(server.endpoint(), answered, HEADERS).statusCode()).isEqualTo(200);
        assertThat(Http.post(server.endpoint(), unanswered, HEADERS).statusCode()).isEqualTo(500);
        assertThat(Http.post(server.endpoint(), orphan, HEADERS).statusCode()).isEqualTo(500);

        assertThat(server.failures()).hasSize(2);
        assertThat(server.failures().get(0)).contains("messages[1] has tool_calls [call_1] with no tool message");
        assertThat(server.failures().get(1)).contains("tool_call_id \"call_9\" is none of [call_1]");
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class);
    }

    @Test
    void enforcesFieldListAndCrossFieldRules() throws Exception {
        String bad = """
                {"model": "gpt-4o", "logit_bias": {"50256": -100}, "stream_options": {"include_usage": true},
                 "tool_choice": "required", "temperature": 3,
                 "messages": [{"role": "function", "content": "x"},
                              {"role": "user", "content": "hi", "tool_call_id": "call_1"}]}""";
        var server = new FakeOpenAiServer(KEY).start();
        server.expect(Reply.text("never sent"));

        HttpResponse<String> response = Http.post(server.endpoint(), bad, "authorization", "Bearer wrong");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(Json.parse(response.body()).get("error").get("type").stringValue()).isEqualTo("server_error");
        assertThat(server.failures()).singleElement().asString()
                .contains("header authorization: expected \"Bearer sk-test\", got \"Bearer wrong\"")
                .contains("unexpected field \"logit_bias\"")
                .contains("stream_options: is only allowed when \"stream\" is true")
                .contains("tool_choice: is only allowed when tools are specified")
                .contains("temperature: expected in [0, 2], got number 3")
                .contains("messages[0].role: expected one of [assistant, developer, system, tool, user]")
                .contains("messages[1]: unexpected field \"tool_call_id\"");
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class);
    }

    @ParameterizedTest
    @CsvSource({
        "429, RATE_LIMIT, requests, rate_limit_exceeded",
        "500, SERVER, server_error, ",
        "503, OVERLOADED, server_error, ",
        "400, INVALID_REQUEST, invalid_request_error, ",
        "401, AUTHENTICATION, invalid_request_error, invalid_api_key"})
    void errorRepliesUseTheOpenAiErrorObject(int status, Reply.ErrorKind kind, String type, String code)
            throws Exception {
        try (var server = new FakeOpenAiServer(KEY).start()) {
            server.expect(Reply.error(kind).retryAfterSeconds(3).message("scripted"));

            HttpResponse<String> response = Http.post(server.endpoint(), HELLO, HEADERS);

            assertThat(response.statusCode()).isEqualTo(status);
            JsonNode error = Json.parse(response.body()).get("error");
            assertThat(error.get("message").stringValue()).isEqualTo("scripted");
            assertThat(error.get("type").stringValue()).isEqualTo(type);
            assertThat(error.get("param").isNull()).isTrue();
            assertThat(error.get("code").isNull() ? null : error.get("code").stringValue()).isEqualTo(code);
            assertThat(response.headers().firstValue("retry-after")).hasValue("3");
            assertThat(response.headers().firstValue("x-ratelimit-remaining-requests").isPresent())
                    .isEqualTo(kind == Reply.ErrorKind.RATE_LIMIT);
        }
    }

    @Test
    void malformedJsonAndDroppedConnection() throws Exception {
        String streamed = """
                {"model": "gpt-4o", "stream": true, "messages": [{"role": "user", "content": "hi"}]}""";
        try (var server = new FakeOpenAiServer(KEY).start()) {
            server.expect(Reply.malformedJson()).expect(Reply.malformedJson())
                    .expect(Reply.dropConnection()).expect(Reply.dropConnection());

            String body = Http.post(server.endpoint(), HELLO, HEADERS).body();
            List<SseEvent> events = SseEvent.parse(Http.post(server.endpoint(), streamed, HEADERS).body());

            assertThatThrownBy(() -> Json.parse(body)).isInstanceOf(JacksonException.class);
            assertThatThrownBy(() -> Json.parse(events.getFirst().data())).isInstanceOf(JacksonException.class);
            assertThatThrownBy(() -> Http.post(server.endpoint(), HELLO, HEADERS)).isInstanceOf(IOException.class);
            HttpResponse<InputStream> stream = Http.open(server.endpoint(), streamed, HEADERS);
            try (InputStream in = stream.body()) {
                assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
            }
        }
    }
}
