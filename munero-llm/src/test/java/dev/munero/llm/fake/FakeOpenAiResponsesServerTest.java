package dev.munero.llm.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The strict Responses API fake (issue 15: Codex's API) and the Claude Code mode of the Anthropic fake. */
class FakeOpenAiResponsesServerTest {
    private static final String[] HEADERS = {"authorization", "Bearer test-key", "content-type", "application/json"};
    private static final String REQUEST = """
            {"model":"gpt-5.6-luna","stream":true,"instructions":"be brief","store":false,
             "input":[{"type":"message","role":"developer","content":[{"type":"input_text","text":"rules"}]},
                      {"type":"message","role":"user","content":[{"type":"input_text","text":"write hello.txt"}]},
                      {"type":"function_call","call_id":"c0","name":"exec_command","arguments":"{}"},
                      {"type":"function_call_output","call_id":"c0","output":"ok"}],
             "tools":[{"type":"function","name":"exec_command","description":"run","parameters":{"type":"object"},
                       "strict":false}],
             "tool_choice":"auto","parallel_tool_calls":true,"reasoning":{"summary":"auto"},
             "include":["reasoning.encrypted_content"],"prompt_cache_key":"k","client_metadata":{"a":"b"}}""";

    @Test
    void streamsAToolCallAndTextAsSemanticEventsEndingInCompletedWithUsage() throws Exception {
        try (var server = new FakeOpenAiResponsesServer("test-key").start()) {
            server.expect(RequestCheck.lastUserMessageContains("hello.txt"),
                    Reply.text("Writing it.").andToolCall("call_1", "exec_command", "{\"cmd\":\"echo hi\"}")
                            .usage(100, 20).cacheTokens(0, 30));

            HttpResponse<String> response = Http.post(server.endpoint(), REQUEST, HEADERS);

            assertThat(response.statusCode()).isEqualTo(200);
            List<SseEvent> events = SseEvent.parse(response.body());
            assertThat(events.getFirst().event()).isEqualTo("response.created");
            assertThat(events.getLast().event()).isEqualTo("response.completed");
            assertThat(events).extracting(SseEvent::event).contains("response.output_text.delta",
                    "response.function_call_arguments.done", "response.output_item.done");
            for (int i = 0; i < events.size(); i++) {
                JsonNode data = Json.parse(events.get(i).data());
                assertThat(data.path("type").asString()).isEqualTo(events.get(i).event());
                assertThat(data.path("sequence_number").asInt()).isEqualTo(i);
            }
            JsonNode done = Json.parse(events.getLast().data()).path("response");
            assertThat(done.path("output").get(1).path("call_id").asString()).isEqualTo("call_1");
            assertThat(done.path("usage").path("input_tokens").asLong()).isEqualTo(130);
            assertThat(done.path("usage").path("input_tokens_details").path("cached_tokens").asLong()).isEqualTo(30);
            RequestSummary summary = server.requests().getFirst().summary();
            assertThat(summary.systemText()).contains("be brief").contains("rules");
            assertThat(summary.toolResult("c0")).isPresent();
        }
    }

    @Test
    void failsOnAnUnknownFieldAnUnknownItemTypeOrAnotherPath() throws Exception {
        var server = new FakeOpenAiResponsesServer("test-key").start();
        server.expect(Reply.text("a")).expect(Reply.text("b"));
        String unknownField = REQUEST.replace("\"store\":false", "\"store\":false,\"brand_new\":1");
        String unknownItem = REQUEST.replace("\"type\":\"function_call_output\"", "\"type\":\"mystery\"");

        assertThat(Http.post(server.endpoint(), unknownField, HEADERS).statusCode()).isEqualTo(500);
        assertThat(Http.post(server.endpoint(), unknownItem, HEADERS).statusCode()).isEqualTo(500);
        assertThat(Http.post(URI.create(server.baseUrl() + "/chat/completions"), REQUEST, HEADERS).statusCode())
                .isEqualTo(500);

        assertThatThrownBy(server::close).hasMessageContaining("brand_new").hasMessageContaining("mystery")
                .hasMessageContaining("unexpected request");
    }

    @Test
    void theClaudeCodeModeAcceptsItsBetaQueryAndWarmUpAndStillRefusesOtherQueries() throws Exception {
        String body = """
                {"model":"claude-sonnet-4-6","max_tokens":32000,"stream":false,"thinking":{"type":"adaptive"},
                 "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
                 "output_config":{"effort":"high"},"messages":[{"role":"user","content":"hi"}]}""";
        String[] headers = {"x-api-key", "k", "anthropic-version", "2023-06-01", "content-type", "application/json"};
        var server = FakeAnthropicServer.forClaudeCode("k").start();
        server.expect(Reply.text("hello")).expect(Reply.text("never"));
        URI root = URI.create(server.baseUrl().replaceFirst("/v1$", "/"));
        var head = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(root)
                .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(Http.post(URI.create(server.endpoint() + "?beta=true"), body, headers).statusCode()).isEqualTo(200);
        assertThat(Http.post(URI.create(server.endpoint() + "?debug=1"), body, headers).statusCode()).isEqualTo(500);
        assertThat(server.warmUps()).containsExactly("HEAD /");
        assertThatThrownBy(server::close).hasMessageContaining("?debug=1");
        var plain = new FakeAnthropicServer("k").start();
        plain.expect(Reply.text("x"));
        assertThat(Http.post(URI.create(plain.endpoint() + "?beta=true"), body, headers).statusCode()).isEqualTo(500);
        assertThatThrownBy(plain::close).hasMessageContaining("?beta=true").hasMessageContaining("context_management")
                .hasMessageContaining("adaptive");
    }
}
