package dev.munero.memory.onnx;

import dev.munero.llm.UserConfig;
import dev.munero.memory.embed.Embedder;
import dev.munero.memory.embed.EmbedderProvider;
import dev.munero.memory.embed.EmbeddingSettings;
import java.util.Map;

/**
 * {@code memory: embeddings: {provider: onnx}}: the in-process {@link OnnxEmbedder}. {@code model} may be left out or
 * be {@value OnnxEmbedder#MODEL} (the only model this module has); {@code url} does not apply. Registered in this
 * module's {@code META-INF/services/dev.munero.memory.embed.EmbedderProvider}, so munero-memory's
 * {@link dev.munero.memory.embed.Embedders} finds it when this module's jar is on the class path.
 *
 * <p>Thread-safe and stateless.
 */
public final class OnnxProvider implements EmbedderProvider {
    @Override
    public String name() {
        return "onnx";
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the settings name another model or a URL (the message names where)
     */
    @Override
    public Embedder open(EmbeddingSettings settings, Map<String, String> env, UserConfig config) {
        if (settings.model().isPresent() && !settings.model().get().equals(OnnxEmbedder.MODEL)) {
            throw new IllegalArgumentException(settings.from() + ": memory.embeddings.model '" + settings.model().get()
                    + "' is not a model of provider onnx: it has " + OnnxEmbedder.MODEL
                    + " (all-MiniLM-L6-v2, quantized) only; leave model out or write that");
        }
        if (settings.url().isPresent()) {
            throw new IllegalArgumentException(settings.from() + ": memory.embeddings.url does not apply to provider "
                    + "onnx (the model runs inside Munero); remove it");
        }
        return new OnnxEmbedder();
    }
}
