package dev.munero.memory.embed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Embeds through Ollama's embed API (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-embeddings):
 * {@code POST {host}/api/embed} with the body {@code {"model": ..., "input": [texts]}}; the reply's
 * {@code embeddings} array holds one array of floats per input, in input order. Ollama takes no key.
 *
 * <p>Thread-safe and stateless apart from its HTTP client.
 */
public final class OllamaEmbedder implements Embedder {
    private final String host;
    private final String model;
    private final EmbeddingHttp http;

    /**
     * @param host    Ollama's root URL, e.g. {@code http://127.0.0.1:11434} (a trailing slash is ignored)
     * @param model   the model name, e.g. {@code nomic-embed-text}
     * @param timeout the longest one request may take (the first call may load the model)
     */
    public OllamaEmbedder(String host, String model, Duration timeout) {
        this.host = host.endsWith("/") ? host.substring(0, host.length() - 1) : host;
        this.model = model;
        this.http = new EmbeddingHttp(timeout);
    }

    @Override
    public String modelId() {
        return "ollama:" + model;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        EmbeddingHttp.requireTexts(texts);
        String url = host + "/api/embed";
        String what = modelId() + " at " + url;
        ObjectNode body = EmbeddingHttp.JSON.createObjectNode();
        body.put("model", model);
        texts.forEach(body.putArray("input")::add);
        JsonNode reply = http.post(url, Map.of(), body, what, null);
        JsonNode embeddings = reply.get("embeddings");
        if (embeddings == null || !embeddings.isArray()) {
            throw EmbeddingHttp.malformed(what, "the reply has no \"embeddings\" array: "
                    + EmbeddingHttp.excerpt(reply.toString()));
        }
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (int i = 0; i < embeddings.size(); i++) {
            vectors.add(EmbeddingHttp.floats(embeddings.get(i), what, "embeddings[" + i + "]"));
        }
        return EmbeddingHttp.checked(vectors, texts.size(), what);
    }

    @Override
    public String toString() {
        return "OllamaEmbedder[" + modelId() + " at " + host + "]";
    }
}
