package dev.munero.llm.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The script-keeping behaviour every fake shares, shown on the OpenAI fake. */
class FakeLlmServerTest {
    private static final String[] HEADERS = {"authorization", "Bearer k"};
    private static final String HI = """
            {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}""";

    @Test
    void expectationNeverUsedFailsOnClose() throws Exception {
        var server = new FakeOpenAiServer("k").start();
        server.expect(Reply.text("first")).expect(Reply.toolCall("call_1", "read_file", "{}"));

        Http.post(server.endpoint(), HI, HEADERS);

        server.assertNoFailures();
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("1 problem(s)")
                .hasMessageContaining("expectation #2 was never used");
    }

    @Test
    void requestBeyondTheScriptGets500AndFailsOnClose() throws Exception {
        var server = new FakeOpenAiServer("k").start();
        server.expect(Reply.text("only one"));

        assertThat(Http.post(server.endpoint(), HI, HEADERS).statusCode()).isEqualTo(200);
        HttpResponse<String> extra = Http.post(server.endpoint(), HI, HEADERS);

        assertThat(extra.statusCode()).isEqualTo(500);
        assertThat(extra.body()).contains("unexpected request: all 1 expectation(s) were already used");
        assertThat(server.requests()).hasSize(2);
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("request #2 (POST /v1/chat/completions):");
    }

    @Test
    void failingCheckIsRecordedWithItsMessage() throws Exception {
        var server = new FakeOpenAiServer("k").start();
        server.expect(RequestCheck.lastUserMessageContains("goodbye"), Reply.text("never sent"));

        assertThat(Http.post(server.endpoint(), HI, HEADERS).statusCode()).isEqualTo(500);

        assertThatThrownBy(server::assertNoFailures).isInstanceOf(AssertionError.class)
                .hasMessageContaining("check failed")
                .hasMessageContaining("last user message of request #1")
                .hasMessageContaining("goodbye");
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class);
    }

    @Test
    void rawJsonCheckSeesTheWireBody() throws Exception {
        try (var server = new FakeOpenAiServer("k").start()) {
            server.expect(RequestCheck.of(json -> assertThat(json.get("model").stringValue()).isEqualTo("gpt-4o")),
                    Reply.text("ok"));

            assertThat(Http.post(server.endpoint(), HI, HEADERS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void nonJsonBodyWrongMethodAndQueryAreFailures() throws Exception {
        var server = new FakeOpenAiServer("k").start();
        server.expect(Reply.text("a")).expect(Reply.text("b"));

        Http.post(server.endpoint(), "{\"model\": \"gpt-4o\",", HEADERS);
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.endpoint().resolve("?api-version=1")).GET()
                .header("authorization", "Bearer k").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(server.failures().get(0)).contains("body is not valid JSON");
        assertThat(server.failures().get(1)).contains("expected method POST, got GET")
                .contains("expected no query string, got ?api-version=1")
                .contains("header content-type: expected application/json, got none");
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class);
        server.close();
    }

    @Test
    void baseUrlNeedsAStartedServer() throws Exception {
        try (var server = new FakeAnthropicServer("k")) {
            assertThatThrownBy(server::baseUrl).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("start()");
            server.start();
            assertThat(server.baseUrl()).matches("http://127\\.0\\.0\\.1:\\d+/v1");
            assertThat(server.endpoint().toString()).isEqualTo(server.baseUrl() + "/messages");
        }
    }
}
