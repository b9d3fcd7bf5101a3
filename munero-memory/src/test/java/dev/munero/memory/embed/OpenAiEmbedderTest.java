package dev.munero.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.ProviderException;
import dev.munero.memory.embed.FakeEmbeddingServer.Protocol;
import dev.munero.memory.embed.FakeEmbeddingServer.Reply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiEmbedderTest {
    private static final String KEY = "sk-test-key";

    private static OpenAiEmbedder embedder(FakeEmbeddingServer server) {
        return new OpenAiEmbedder(server.baseUrl(), KEY, "text-embedding-3-small", "check OPENAI_API_KEY",
                Duration.ofMinutes(1));
    }

    @Test
    void sendsTheDocumentedRequestAndReturnsOneVectorPerTextInOrder() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start()) {
            server.expect(Reply.vectors(BagOfWords::vector));
            List<float[]> vectors = embedder(server).embed(List.of("flaky test", "cache key"));

            assertThat(vectors).hasSize(2);
            assertThat(vectors.get(0)).containsExactly(BagOfWords.vector("flaky test"));
            assertThat(vectors.get(1)).containsExactly(BagOfWords.vector("cache key"));
            var body = server.bodies().getFirst();
            assertThat(body.path("model").asString()).isEqualTo("text-embedding-3-small");
            assertThat(body.path("encoding_format").asString()).isEqualTo("float");
            assertThat(body.path("input").size()).isEqualTo(2);
        }
    }

    @Test
    void putsDataBackInInputOrderByIndexWhenTheServerReordersIt() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start()) {
            server.expect(Reply.vectorsReversed(BagOfWords::vector));
            List<float[]> vectors = embedder(server).embed(List.of("one", "two words", "three more words"));

            assertThat(vectors.get(0)).containsExactly(BagOfWords.vector("one"));
            assertThat(vectors.get(2)).containsExactly(BagOfWords.vector("three more words"));
        }
    }

    @Test
    void splitsBatchesLargerThanTheApiLimitIntoSeveralRequests() throws Exception {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < OpenAiEmbedder.MAX_INPUTS + 3; i++) {
            texts.add("text " + i);
        }
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start()) {
            server.expect(Reply.vectors(BagOfWords::vector)).expect(Reply.vectors(BagOfWords::vector));
            List<float[]> vectors = embedder(server).embed(texts);

            assertThat(vectors).hasSize(texts.size());
            assertThat(vectors.getLast()).containsExactly(BagOfWords.vector(texts.getLast()));
            assertThat(server.bodies()).extracting(b -> b.path("input").size())
                    .containsExactly(OpenAiEmbedder.MAX_INPUTS, 3);
        }
    }

    @Test
    void aRejectedKeyIsAnAuthenticationErrorThatNamesTheVariableAndNotTheKey() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start()) {
            server.expect(Reply.error(401, "{\"error\":{\"message\":\"Incorrect API key provided\","
                    + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
            assertThatThrownBy(() -> embedder(server).embed(List.of("x")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION);
                        assertThat(e.getMessage()).contains("openai:text-embedding-3-small", "HTTP 401",
                                "check OPENAI_API_KEY", "Incorrect API key provided").doesNotContain(KEY);
                    });
        }
    }

    @Test
    void aRateLimitIsRetriable() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start()) {
            server.expect(Reply.error(429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"));
            assertThatThrownBy(() -> embedder(server).embed(List.of("x")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retriable()).isTrue());
        }
    }

    @Test
    void aReplyWithoutDataIsAMalformedResponseNamingWhatIsMissing() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start()) {
            server.expect(Reply.error(200, "{\"object\":\"list\"}"));
            assertThatThrownBy(() -> embedder(server).embed(List.of("x")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.MALFORMED_RESPONSE);
                        assertThat(e.getMessage()).contains("no \"data\" array");
                    });
        }
    }

    @Test
    void aRefusedConnectionSaysWhereItTriedToConnect() throws Exception {
        String url;
        try (var server = new FakeEmbeddingServer(Protocol.OPENAI, KEY).start()) {
            url = server.baseUrl();
        }
        var embedder = new OpenAiEmbedder(url, KEY, "text-embedding-3-small", "check OPENAI_API_KEY",
                Duration.ofMinutes(1));
        assertThatThrownBy(() -> embedder.embed(List.of("x")))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONNECTION);
                    assertThat(e.getMessage()).contains(url + "/embeddings", "cannot connect");
                });
    }

    @Test
    void refusesAnEmptyTextBeforeSendingAnything() {
        var embedder = new OpenAiEmbedder("http://127.0.0.1:9", KEY, "m", "check OPENAI_API_KEY",
                Duration.ofMinutes(1));
        assertThatThrownBy(() -> embedder.embed(List.of("a", ""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("text 1");
    }
}
