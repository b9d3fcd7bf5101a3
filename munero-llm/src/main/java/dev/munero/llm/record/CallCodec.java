package dev.munero.llm.record;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request digest and response JSON of record/replay, for other stores of completed model calls (issue 16.2: the
 * call cache of distributed runs keeps a call's response in the shared remote cache under its digest).
 *
 * <p>The digest is the one {@link ReplayChatModel} matches on: SHA-256 (lower-case hex) over a canonical JSON of the
 * model, system prompt, tools, messages and max output tokens, with every run of digits in tool results made
 * {@code #} and the given substitutions applied to them. The response JSON holds the assistant's content blocks, stop
 * reason, model, id and usage, as a recording's line does. Stateless and thread-safe.
 */
public final class CallCodec {
    private CallCodec() {
    }

    /**
     * @param model         the model's {@code provider:model}
     * @param request       the request
     * @param substitutions literal replacements in tool results before digesting (e.g. a workspace path to
     *                      {@code <workspace>})
     * @return 64 lower-case hex characters
     */
    public static String digest(String model, ChatRequest request, Map<String, String> substitutions) {
        return Exchanges.digest(model, request, substitutions).whole();
    }

    /** SHA-256 of {@code text}'s UTF-8 bytes, lower-case hex. */
    public static String sha256(String text) {
        return Exchanges.sha256(text);
    }

    /** {@code {"response": {...}, "usage": {...}}} of a completed call, UTF-8 JSON. */
    public static byte[] writeResponse(ChatResponse response) {
        ObjectNode n = Exchanges.JSON.createObjectNode();
        n.set("response", Exchanges.response(response));
        n.set("usage", Exchanges.usage(response.usage()));
        return Exchanges.JSON.writeValueAsString(n).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads what {@link #writeResponse} wrote.
     *
     * @throws IllegalArgumentException when {@code json} is not such a document (names what is wrong)
     */
    public static ChatResponse readResponse(byte[] json) {
        JsonNode n;
        try {
            n = Exchanges.JSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("a stored model response is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!n.path("response").isObject() || !n.path("usage").isObject()) {
            throw new IllegalArgumentException("a stored model response lacks its 'response' or 'usage' object");
        }
        return Exchanges.readResponse(n.path("response"), n.path("usage"));
    }
}
