package dev.munero.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.memory.embed.FakeEmbeddingServer.Protocol;
import dev.munero.memory.embed.FakeEmbeddingServer.Reply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The fake is strict: a request off the API reference fails the test that made it. */
class FakeEmbeddingServerTest {

    private static int post(String url, String body, String auth) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            request.header("Authorization", auth);
        }
        try (var client = HttpClient.newHttpClient()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }

    @Test
    void anUnknownFieldInAnOpenAiRequestFailsTheTest() throws Exception {
        var server = new FakeEmbeddingServer(Protocol.OPENAI, "k").start();
        server.expect(Reply.vectors(BagOfWords::vector));
        int status = post(server.baseUrl() + "/embeddings", "{\"model\":\"m\",\"input\":[\"a\"],\"stream\":true}",
                "Bearer k");

        assertThat(status).isEqualTo(500);
        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("unknown body field 'stream'");
    }

    @Test
    void aWrongKeyOrPathFailsTheTest() throws Exception {
        var server = new FakeEmbeddingServer(Protocol.OPENAI, "k").start();
        server.expect(Reply.vectors(BagOfWords::vector));
        post(server.baseUrl() + "/embedding", "{\"model\":\"m\",\"input\":\"a\"}", "Bearer other");

        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected POST /v1/embeddings").hasMessageContaining("Authorization");
    }

    @Test
    void anOllamaRequestWithAKeyOrWithoutAModelFailsTheTest() throws Exception {
        var server = new FakeEmbeddingServer(Protocol.OLLAMA, null).start();
        server.expect(Reply.vectors(BagOfWords::vector));
        post(server.baseUrl() + "/api/embed", "{\"input\":[\"a\"]}", "Bearer x");

        assertThatThrownBy(server::close).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no Authorization header").hasMessageContaining("'model' is missing");
    }

    @Test
    void anExpectedRequestThatNeverCameFailsTheTest() throws Exception {
        var server = new FakeEmbeddingServer(Protocol.OLLAMA, null).start();
        server.expect(Reply.vectors(BagOfWords::vector));
        assertThatThrownBy(server::close).hasMessageContaining("1 expected request(s) never came");
    }
}
