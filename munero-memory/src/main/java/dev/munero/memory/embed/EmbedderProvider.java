package dev.munero.memory.embed;

import dev.munero.llm.ProviderException;
import dev.munero.llm.UserConfig;
import java.util.Map;

/**
 * A kind of embedder that {@code memory: embeddings: provider:} can name — the service-provider interface through
 * which {@link Embedders} finds embedders with {@link java.util.ServiceLoader}. munero-memory registers
 * {@code openai} and {@code ollama} (HTTP endpoints); the optional module {@code munero-memory-onnx} registers
 * {@code onnx} (an in-process model) when its jar is on the class path. An implementation is listed in its jar's
 * {@code META-INF/services/dev.munero.memory.embed.EmbedderProvider} and has a public no-argument constructor.
 *
 * <p>Implementations are thread-safe and cheap to construct: {@link java.util.ServiceLoader} makes one each time
 * the settings are resolved.
 */
public interface EmbedderProvider {

    /** The name written in {@code provider:}, a lower-case word ({@code openai}, {@code ollama}, {@code onnx}). */
    String name();

    /**
     * Builds the embedder. Nothing is sent and nothing expensive is loaded here (an in-process model loads on the
     * first {@link Embedder#embed}), so opening a memory bank stays fast.
     *
     * @param settings what is configured; {@link EmbeddingSettings#provider()} equals {@link #name()}; its model
     *                 may be empty, and a provider with a default model uses it
     * @param env      the environment (keys, base URLs)
     * @param config   the user config
     * @throws ProviderException        of kind {@code CONFIGURATION} when a key is missing or a URL is not http(s)
     *                                  (the message names what to set)
     * @throws IllegalArgumentException when the model is missing and the provider has no default, or is not one
     *                                  this provider has (the message names {@link EmbeddingSettings#from()})
     */
    Embedder open(EmbeddingSettings settings, Map<String, String> env, UserConfig config);
}
