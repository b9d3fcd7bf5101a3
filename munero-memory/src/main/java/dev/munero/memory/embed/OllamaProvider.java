package dev.munero.memory.embed;

import dev.munero.llm.UserConfig;
import java.util.Map;

/**
 * {@code provider: ollama}: {@link OllamaEmbedder} at the URL {@link Embedders} describes; no key; the model is
 * required. Registered in munero-memory's {@code META-INF/services}.
 */
public final class OllamaProvider implements EmbedderProvider {
    @Override
    public String name() {
        return "ollama";
    }

    @Override
    public Embedder open(EmbeddingSettings settings, Map<String, String> env, UserConfig config) {
        String model = Embedders.requiredModel(settings, "nomic-embed-text");
        return new OllamaEmbedder(Embedders.url(settings, env, config, "http://127.0.0.1:11434"), model,
                Embedders.TIMEOUT);
    }
}
