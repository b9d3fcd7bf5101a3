package dev.munero.llm.record;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Usage;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * The recording format for other stores of model exchanges (the run store keeps completed calls the same way):
 * the request digest that identifies a call, and the JSON form of a response and its usage.
 */
public final class Recordings {
    private Recordings() {
    }

    /**
     * The digest of a request, as {@link ReplayChatModel} matches it: SHA-256 hex over the canonical request with
     * digits and the given substitutions masked in tool results.
     */
    public static String digest(ModelRef model, ChatRequest request, Map<String, String> substitutions) {
        return Exchanges.digest(model.toString(), request, substitutions).whole();
    }

    /** A response as JSON (without its usage). */
    public static ObjectNode responseJson(ChatResponse response) {
        return Exchanges.response(response);
    }

    /**
     * Token counts as JSON: {@code input_tokens}, {@code output_tokens}, {@code cache_write_tokens},
     * {@code cache_read_tokens}.
     */
    public static ObjectNode usageJson(Usage usage) {
        return Exchanges.usage(usage);
    }

    /**
     * The response back from {@link #responseJson} and {@link #usageJson}.
     *
     * @throws IllegalArgumentException when the JSON is not a recorded response
     */
    public static ChatResponse readResponse(ObjectNode response, ObjectNode usage) {
        return Exchanges.readResponse(response, usage);
    }
}
