package dev.munero.memory.embed;

import dev.munero.llm.ProviderException;
import java.util.List;

/**
 * Turns texts into embedding vectors for the memory bank's semantic search. Implementations call a provider's
 * embedding endpoint: {@link OpenAiEmbedder} (OpenAI {@code POST /v1/embeddings}) and {@link OllamaEmbedder}
 * (Ollama {@code POST /api/embed}); {@link Embedders#open} builds the configured one.
 *
 * <p>The dimension count is what the model returns (the reply decides, not a setting): 1536 for OpenAI's
 * text-embedding-3-small, 768 for Ollama's nomic-embed-text.
 *
 * <p>Vectors of different {@link #modelId()}s are never compared: the memory bank stores the model id with each
 * vector and ranks by cosine only among vectors of the query's model and dimension count.
 *
 * <p>Implementations are thread-safe.
 */
public interface Embedder {

    /**
     * The model's identity as stored next to each vector, {@code provider:model}, e.g.
     * {@code openai:text-embedding-3-small} or {@code ollama:nomic-embed-text}.
     */
    String modelId();

    /**
     * Embeds texts in one call.
     *
     * @param texts one or more non-empty texts
     * @return one vector per text, in the order of {@code texts}; every vector has the same length (the model's
     *         dimension count, e.g. 1536 for text-embedding-3-small, 768 for nomic-embed-text)
     * @throws ProviderException when the call fails; {@link ProviderException#kind()} says why (a missing key
     *                           is {@code CONFIGURATION}, 401 is {@code AUTHENTICATION}, 429 {@code RATE_LIMITED},
     *                           a refused connection {@code CONNECTION}, a reply of the wrong shape or with the
     *                           wrong number of vectors {@code MALFORMED_RESPONSE}); the message names the model
     *                           and the URL, never the key
     *                           (also when the calling thread is interrupted while waiting: kind
     *                           {@code CONNECTION}, with the thread's interrupt flag set again)
     * @throws IllegalArgumentException when {@code texts} is empty or holds an empty text
     */
    List<float[]> embed(List<String> texts);
}
