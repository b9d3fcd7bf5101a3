package dev.munero.memory.embed;

import dev.munero.llm.ProviderException;
import dev.munero.llm.ProviderException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON POST to an embedding endpoint on the JDK's HTTP client, with HTTP failures turned into
 * {@link ProviderException}s by status, as munero-llm does for chat (https://platform.openai.com/docs/guides/error-codes,
 * https://github.com/ollama/ollama/blob/main/docs/api.md#errors): 429 rate limited; 5xx server error; 401
 * authentication; 403 permission; other 4xx invalid request. The server's error message ({@code error.message}
 * for OpenAI, {@code error} for Ollama) is quoted. Headers (the key) are never put in a message.
 *
 * <p>Thread-safe.
 */
final class EmbeddingHttp {
    static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient client;
    private final Duration timeout;

    EmbeddingHttp(Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
    }

    /**
     * Posts {@code body} and returns the parsed JSON object of a 2xx reply.
     *
     * @param what     names the call in messages, e.g. {@code openai:text-embedding-3-small at https://.../embeddings}
     * @param keyHint  what to do about a 401, e.g. {@code check OPENAI_API_KEY}; null when the API takes no key
     */
    JsonNode post(String url, Map<String, String> headers, JsonNode body, String what, String keyHint)
            {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body), StandardCharsets.UTF_8));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new ProviderException(Kind.TIMEOUT, what + ": no reply within " + timeout.toSeconds() + " s",
                    0, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.CONNECTION, what + ": interrupted while waiting for the reply", 0,
                    null, e);
        } catch (IOException e) {
            throw new ProviderException(Kind.CONNECTION, what + ": cannot connect (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is the server running there?",
                    0, null, e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String detail = errorMessage(response.body());
            Kind kind = status == 429 ? Kind.RATE_LIMITED : status / 100 == 5 ? Kind.SERVER_ERROR
                    : status == 401 ? Kind.AUTHENTICATION : status == 403 ? Kind.PERMISSION : Kind.INVALID_REQUEST;
            String hint = kind == Kind.AUTHENTICATION && keyHint != null ? " (" + keyHint + ")" : "";
            throw new ProviderException(kind, what + ": HTTP " + status + hint + ": " + detail, status, null, null);
        }
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json == null || !json.isObject()) {
                throw malformed(what, "the reply is not a JSON object: " + excerpt(response.body()));
            }
            return json;
        } catch (JacksonException e) {
            throw malformed(what, "the reply is not valid JSON: " + excerpt(response.body()));
        }
    }

    static ProviderException malformed(String what, String problem) {
        return new ProviderException(Kind.MALFORMED_RESPONSE, what + ": " + problem, 0, null, null);
    }

    /** Reads {@code vector} (a JSON array of numbers) as float32, or fails naming {@code where}. */
    static float[] floats(JsonNode vector, String what, String where) {
        if (vector == null || !vector.isArray() || vector.isEmpty()) {
            throw malformed(what, where + " is not a non-empty array of numbers");
        }
        float[] out = new float[vector.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode n = vector.get(i);
            if (!n.isNumber()) {
                throw malformed(what, where + "[" + i + "] is not a number: " + n);
            }
            out[i] = (float) n.asDouble();
        }
        return out;
    }

    /** Checks the batch: as many vectors as texts, all of one length. */
    static List<float[]> checked(List<float[]> vectors, int expected, String what) {
        if (vectors.size() != expected) {
            throw malformed(what, "sent " + expected + " texts, got " + vectors.size() + " vectors");
        }
        for (float[] v : vectors) {
            if (v.length != vectors.getFirst().length) {
                throw malformed(what, "vectors of different lengths in one reply (" + vectors.getFirst().length
                        + " and " + v.length + ")");
            }
        }
        return vectors;
    }

    static void requireTexts(List<String> texts) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("no texts to embed");
        }
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null || texts.get(i).isEmpty()) {
                throw new IllegalArgumentException("text " + i + " to embed is empty");
            }
        }
    }

    private static String errorMessage(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            JsonNode error = json == null ? null : json.get("error");
            if (error != null && error.isObject() && error.path("message").isString()) {
                return error.path("message").asString();
            }
            if (error != null && error.isString()) {
                return error.asString();
            }
        } catch (JacksonException notJson) {
            // quoted as it came
        }
        return excerpt(body);
    }

    static String excerpt(String body) {
        String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return line.isEmpty() ? "(empty body)" : line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
