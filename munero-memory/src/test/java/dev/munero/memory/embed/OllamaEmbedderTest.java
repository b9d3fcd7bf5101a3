package dev.munero.memory.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.ProviderException;
import dev.munero.memory.embed.FakeEmbeddingServer.Protocol;
import dev.munero.memory.embed.FakeEmbeddingServer.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OllamaEmbedderTest {

    @Test
    void sendsTheDocumentedRequestWithoutAKeyAndReturnsOneVectorPerText() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OLLAMA, null).start()) {
            server.expect(Reply.vectors(BagOfWords::vector));
            var embedder = new OllamaEmbedder(server.baseUrl() + "/", "nomic-embed-text", Duration.ofMinutes(1));
            List<float[]> vectors = embedder.embed(List.of("flaky test", "cache key"));

            assertThat(embedder.modelId()).isEqualTo("ollama:nomic-embed-text");
            assertThat(vectors.get(1)).containsExactly(BagOfWords.vector("cache key"));
            assertThat(server.bodies().getFirst().path("model").asString()).isEqualTo("nomic-embed-text");
        }
    }

    @Test
    void anUnknownModelIsAnInvalidRequestQuotingOllamasError() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OLLAMA, null).start()) {
            server.expect(Reply.error(404, "{\"error\":\"model \\\"nomic-embed-text\\\" not found, try pulling it "
                    + "first\"}"));
            var embedder = new OllamaEmbedder(server.baseUrl(), "nomic-embed-text", Duration.ofMinutes(1));
            assertThatThrownBy(() -> embedder.embed(List.of("x")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
                        assertThat(e.getMessage()).contains("HTTP 404", "try pulling it first");
                    });
        }
    }

    @Test
    void aReplyWithFewerVectorsThanTextsIsMalformed() throws Exception {
        try (var server = new FakeEmbeddingServer(Protocol.OLLAMA, null).start()) {
            server.expect(Reply.error(200, "{\"model\":\"m\",\"embeddings\":[[0.1,0.2]]}"));
            var embedder = new OllamaEmbedder(server.baseUrl(), "m", Duration.ofMinutes(1));
            assertThatThrownBy(() -> embedder.embed(List.of("a", "b")))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.MALFORMED_RESPONSE);
                        assertThat(e.getMessage()).contains("sent 2 texts, got 1 vectors");
                    });
        }
    }
}
