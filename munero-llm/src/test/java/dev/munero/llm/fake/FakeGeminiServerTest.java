package dev.munero.llm.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The strict Gemini API fake (issue 15: Gemini CLI's API). The request below has the shape Gemini CLI 0.61.0 sends
 * (its second request of a {@code write_file} run, shortened): the tool call echoed with its {@code id} and the CLI's
 * {@code thoughtSignature} sentinel, the result as a {@code functionResponse} with the same {@code id}.
 */
class FakeGeminiServerTest {
    private static final String[] HEADERS = {"x-goog-api-key", "test-key", "content-type", "application/json"};
    private static final String REQUEST = """
            {"contents":[{"role":"user","parts":[{"text":"<session_context>...</session_context>"},
                                                 {"text":"write hello.txt"}]},
                         {"role":"model","parts":[{"functionCall":{"id":"call_0","name":"write_file",
                             "args":{"file_path":"/w/hello.txt","content":"hi"}},
                             "thoughtSignature":"skip_thought_signature_validator"}]},
                         {"role":"user","parts":[{"functionResponse":{"id":"call_0","name":"write_file",
                             "response":{"output":"Successfully created and wrote to new file"}}}]}],
             "systemInstruction":{"role":"user","parts":[{"text":"You are Gemini CLI"}]},
             "tools":[{"functionDeclarations":[{"name":"write_file","description":"writes",
                 "parametersJsonSchema":{"type":"object"}},{"name":"read_file","parametersJsonSchema":{}}]}],
             "generationConfig":{"temperature":1,"topP":0.95,"topK":64,
                 "thinkingConfig":{"includeThoughts":true,"thinkingBudget":8192}}}""";

    private static URI stream(FakeGeminiServer server, String model) {
        return URI.create(server.rootUrl() + "/v1beta/models/" + model + ":streamGenerateContent?alt=sse");
    }

    @Test
    void streamsTextInChunksThenTheCallWholeWithFinishReasonAndUsageOnTheLastChunk() throws Exception {
        try (var server = new FakeGeminiServer("test-key").start()) {
            server.expect(RequestCheck.lastUserMessageContains("write hello.txt").and(RequestCheck.model(
                            "gemini-2.5-pro")).and(RequestCheck.streaming(true)).and(RequestCheck.offersTool("read_file"))
                            .and(RequestCheck.hasToolResult("call_0", "Successfully created"))
                            .and(RequestCheck.hasToolCall("call_0", "write_file",
                                    "{\"file_path\":\"/w/hello.txt\",\"content\":\"hi\"}"))
                            .and(RequestCheck.systemPromptContains("Gemini CLI")),
                    Reply.text("Reading it.").andToolCall("call_1", "read_file", "{\"file_path\":\"a.txt\"}")
                            .usage(100, 20).cacheTokens(0, 30).reasoningTokens(5));

            HttpResponse<String> response = Http.post(stream(server, "gemini-2.5-pro"), REQUEST, HEADERS);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/event-stream"));
            List<SseEvent> events = SseEvent.parse(response.body());
            assertThat(events).hasSizeGreaterThan(2).allSatisfy(e -> assertThat(e.event()).isEmpty());
            StringBuilder text = new StringBuilder();
            for (SseEvent event : events.subList(0, events.size() - 1)) {
                JsonNode chunk = Json.parse(event.data());
                assertThat(chunk.has("usageMetadata")).isFalse();
                assertThat(chunk.at("/candidates/0/finishReason").isMissingNode()).isTrue();
                text.append(chunk.at("/candidates/0/content/parts/0/text").asString(""));
            }
            assertThat(text).hasToString("Reading it.");
            JsonNode last = Json.parse(events.getLast().data());
            assertThat(last.at("/candidates/0/content/role").asString()).isEqualTo("model");
            assertThat(last.at("/candidates/0/content/parts/0/functionCall/id").asString()).isEqualTo("call_1");
            assertThat(last.at("/candidates/0/content/parts/0/functionCall/args/file_path").asString())
                    .isEqualTo("a.txt");
            assertThat(last.at("/candidates/0/finishReason").asString()).isEqualTo("STOP");
            assertThat(last.at("/modelVersion").asString()).isEqualTo("gemini-2.5-pro");
            JsonNode usage = last.path("usageMetadata");
            assertThat(usage.path("promptTokenCount").asLong()).isEqualTo(130);
            assertThat(usage.path("cachedContentTokenCount").asLong()).isEqualTo(30);
            assertThat(usage.path("candidatesTokenCount").asLong()).isEqualTo(15);
            assertThat(usage.path("thoughtsTokenCount").asLong()).isEqualTo(5);
            assertThat(usage.path("totalTokenCount").asLong()).isEqualTo(150);
        }
    }

    @Test
    void generateContentAnswersOneJsonResponseAndErrorsAreGoogleErrors() throws Exception {
        try (var server = new FakeGeminiServer("test-key").start()) {
            server.expect(RequestCheck.streaming(false).and(RequestCheck.model("gemini-2.5-flash")),
                            Reply.text("{\"next_speaker\":\"user\"}").stopReason(Reply.StopReason.MAX_TOKENS))
                    .expect(Reply.error(429).retryAfterSeconds(2));
            URI generate = URI.create(server.rootUrl() + "/v1beta/models/gemini-2.5-flash:generateContent");

            HttpResponse<String> ok = Http.post(generate, REQUEST, HEADERS);
            HttpResponse<String> limited = Http.post(generate, REQUEST, HEADERS);

            assertThat(ok.statusCode()).isEqualTo(200);
            JsonNode body = Json.parse(ok.body());
            assertThat(body.at("/candidates/0/content/parts/0/text").asString()).isEqualTo("{\"next_speaker\":\"user\"}");
            assertThat(body.at("/candidates/0/finishReason").asString()).isEqualTo("MAX_TOKENS");
            assertThat(body.at("/usageMetadata/totalTokenCount").asLong()).isEqualTo(15);
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("retry-after")).contains("2");
            assertThat(Json.parse(limited.body()).at("/error/status").asString()).isEqualTo("RESOURCE_EXHAUSTED");
            assertThat(Json.parse(limited.body()).at("/error/code").asInt()).isEqualTo(429);
        }
    }

    @Test
    void failsOnAWrongKeyPathOrQueryAnUnknownFieldAndAPartWithTwoDataFields() throws Exception {
        var server = new FakeGeminiServer("test-key").start();
        for (int i = 0; i < 6; i++) {
            server.expect(Reply.text("never"));
        }
        String unknownField = REQUEST.replace("\"generationConfig\"", "\"brandNew\":1,\"generationConfig\"");
        String twoData = REQUEST.replace("{\"text\":\"write hello.txt\"}",
                "{\"text\":\"write hello.txt\",\"inlineData\":{\"mimeType\":\"text/plain\",\"data\":\"aGk=\"}}");
        URI noSse = URI.create(server.rootUrl() + "/v1beta/models/gemini-2.5-pro:streamGenerateContent");
        URI count = URI.create(server.rootUrl() + "/v1beta/models/gemini-2.5-pro:countTokens");

        assertThat(Http.post(stream(server, "gemini-2.5-pro"), REQUEST, "x-goog-api-key", "wrong").statusCode())
                .isEqualTo(500);
        assertThat(Http.post(noSse, REQUEST, HEADERS).statusCode()).isEqualTo(500);
        assertThat(Http.post(count, REQUEST, HEADERS).statusCode()).isEqualTo(500);
        assertThat(Http.post(stream(server, "gemini-2.5-pro"), unknownField, HEADERS).statusCode()).isEqualTo(500);
        assertThat(Http.post(stream(server, "gemini-2.5-pro"), twoData, HEADERS).statusCode()).isEqualTo(500);
        HttpResponse<String> rejected = Http.post(stream(server, "gemini-2.5-pro"), "{\"contents\":[]}", HEADERS);
        assertThat(Json.parse(rejected.body()).at("/error/status").asString()).isEqualTo("INTERNAL");

        assertThatThrownBy(server::close).hasMessageContaining("header x-goog-api-key")
                .hasMessageContaining("needs ?alt=sse").hasMessageContaining(":countTokens")
                .hasMessageContaining("\"brandNew\"").hasMessageContaining("exactly one of")
                .hasMessageContaining("contents: must not be an empty array");
    }
}
