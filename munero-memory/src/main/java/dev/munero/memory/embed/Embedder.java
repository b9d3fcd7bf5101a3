package dev.munero.memory.embed;

import java.util.List;

/**
 * Turns texts into embedding vectors for the memory bank's hybrid search. Implementations call an embedding
 * endpoint (OpenAI {@code /v1/embeddings}, Ollama {@code /api/embed}); without one, search is full-text only.
 *
 * <p>Implementations are thread-safe.
 */
public interface Embedder {
    /** The model's id as the provider names it ({@code text-embedding-3-small}); stored with each vector. */
    String modelId();

    /** The length of every vector {@link #embed} returns. */
    int dimensions();

    /**
     * The embeddings of {@code texts}, in the same order, each of {@link #dimensions()} floats.
     *
     * @throws RuntimeException (a documented subtype per implementation) when the endpoint fails or answers
     *                          with a different number of vectors or dimensions
     */
    List<float[]> embed(List<String> texts);
}
