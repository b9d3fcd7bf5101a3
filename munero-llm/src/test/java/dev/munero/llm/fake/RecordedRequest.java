package dev.munero.llm.fake;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One request as a fake server received it.
 *
 * @param number  1 for the first request the server received, 2 for the next, ...
 * @param query   the raw query string, or "" when there is none
 * @param headers header names lowercased, each with its values in arrival order
 * @param body    the raw body, decoded as UTF-8
 * @param json    the parsed body, or a missing node ({@link JsonNode#isMissingNode()}) when it is not JSON
 * @param summary the protocol-neutral reading of {@code json} that {@link RequestCheck}s use
 */
public record RecordedRequest(int number, String method, String path, String query,
        Map<String, List<String>> headers, String body, JsonNode json, RequestSummary summary) {

    public RecordedRequest {
        headers = Map.copyOf(headers);
    }

    /** The first value of header {@code name} (any case). */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    @Override
    public String toString() {
        return "request #" + number + " (" + method + " " + path + (query.isEmpty() ? "" : "?" + query) + ")";
    }
}
