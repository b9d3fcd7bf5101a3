package dev.munero.memory.embed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Embeds through OpenAI's embeddings API or a server compatible with it
 * (https://platform.openai.com/docs/api-reference/embeddings/create): {@code POST {baseUrl}/embeddings} with
 * {@code Authorization: Bearer <key>} and the body {@code {"model": ..., "input": [texts], "encoding_format":
 * "float"}}; the reply's {@code data} array holds one {@code {"object": "embedding", "index": i, "embedding":
 * [floats]}} per input, which this class puts back in input order by {@code index}. Batches larger than the API's
 * 2,048 inputs per request are sent as several requests.
 *
 * <p>Built on {@code java.net.http} and Jackson rather than LangChain4j's {@code OpenAiEmbeddingModel}: munero-llm
 * keeps its LangChain4j HTTP transport internal, and this class must map failures to the same
 * {@link dev.munero.llm.ProviderException} kinds the chat providers use.
 *
 * <p>Thread-safe and stateless apart from its HTTP client.
 */
public final class OpenAiEmbedder implements Embedder {
    /** The API's limit on inputs per request (the {@code input} parameter's documentation). */
    static final int MAX_INPUTS = 2048;
    private final String baseUrl;
    private final String apiKey;
    private final String model;
    private final String keyHint;
    private final EmbeddingHttp http;

    /**
     * @param baseUrl the API root, e.g. {@code https://api.openai.com/v1} (a trailing slash is ignored)
     * @param apiKey  the key sent as a bearer token; never logged or put in messages
     * @param model   the model name, e.g. {@code text-embedding-3-small}
     * @param keyHint what to tell the user on a 401, e.g. {@code check OPENAI_API_KEY}
     * @param timeout the longest one request may take
     */
    public OpenAiEmbedder(String baseUrl, String apiKey, String model, String keyHint, Duration timeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.apiKey = apiKey;
        this.model = model;
        this.keyHint = keyHint;
        this.http = new EmbeddingHttp(timeout);
    }

    @Override
    public String modelId() {
        return "openai:" + model;
    }

    @Override
    public List<float[]> embed(List<String> texts) {
        EmbeddingHttp.requireTexts(texts);
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += MAX_INPUTS) {
            out.addAll(batch(texts.subList(from, Math.min(texts.size(), from + MAX_INPUTS))));
        }
        return out;
    }

    private List<float[]> batch(List<String> texts) {
        String url = baseUrl + "/embeddings";
        String what = modelId() + " at " + url;
        ObjectNode body = EmbeddingHttp.JSON.createObjectNode();
        body.put("model", model);
        texts.forEach(body.putArray("input")::add);
        body.put("encoding_format", "float");
        JsonNode reply = http.post(url, Map.of("Authorization", "Bearer " + apiKey), body, what, keyHint);
        JsonNode data = reply.get("data");
        if (data == null || !data.isArray()) {
            throw EmbeddingHttp.malformed(what, "the reply has no \"data\" array: "
                    + EmbeddingHttp.excerpt(reply.toString()));
        }
        float[][] byIndex = new float[texts.size()][];
        for (int i = 0; i < data.size(); i++) {
            JsonNode item = data.get(i);
            JsonNode index = item.get("index");
            if (index == null || !index.canConvertToInt() || index.asInt() < 0 || index.asInt() >= texts.size()
                    || byIndex[index.asInt()] != null) {
                throw EmbeddingHttp.malformed(what, "data[" + i + "].index is missing, out of range or repeated: "
                        + index);
            }
            byIndex[index.asInt()] = EmbeddingHttp.floats(item.get("embedding"), what, "data[" + i + "].embedding");
        }
        List<float[]> vectors = new ArrayList<>();
        for (float[] v : byIndex) {
            if (v != null) {
                vectors.add(v);
            }
        }
        return EmbeddingHttp.checked(vectors, texts.size(), what);
    }

    @Override
    public String toString() {
        return "OpenAiEmbedder[" + modelId() + " at " + baseUrl + "]";
    }
}
