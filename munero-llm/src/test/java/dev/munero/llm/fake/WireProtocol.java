package dev.munero.llm.fake;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * One provider API as {@link FakeLlmServer} needs it: where requests go, what makes one valid, and how a
 * {@link Reply} looks on the wire. Implementations are stateless and pure (JSON in, strings out); the server does
 * all HTTP, including the stream, malformed-body and dropped-connection mechanics.
 */
interface WireProtocol {

    /** The one endpoint, e.g. {@code /v1/messages}; requests to any other path fail. */
    String endpointPath();

    /**
     * Whether requests may go to {@code path}; by default only {@link #endpointPath()}. An API that names the model in
     * the path (Gemini's {@code /v1beta/models/{model}:streamGenerateContent}) accepts a pattern, and its
     * {@code endpointPath()} describes that pattern for messages.
     */
    default boolean acceptsPath(String path) {
        return path.equals(endpointPath());
    }

    /**
     * Headers every request must carry with exactly these values, names lowercased. {@code content-type:
     * application/json} is always required as well and needs no entry here.
     */
    Map<String, String> requiredHeaders();

    /**
     * Whether a request's query string (without {@code ?}) is one this API's client is known to send; by default only
     * the empty one.
     */
    default boolean allowsQuery(String query) {
        return query.isEmpty();
    }

    /**
     * What is wrong with this path and query together (e.g. a streaming path without its {@code alt=sse}), or null;
     * checked after {@link #acceptsPath} and {@link #allowsQuery} passed. Nothing by default.
     */
    default String targetProblem(String path, String query) {
        return null;
    }

    /**
     * Whether {@code method path} is a known connection warm-up of the client (not an API call): answered 200 with an
     * empty body and recorded in {@link FakeLlmServer#warmUps()}, without using an expectation. None by default.
     */
    default boolean isWarmUp(String method, String path) {
        return false;
    }

    /** Adds to {@code problems} all in the body that the API reference forbids or this fake does not expect. */
    void validateBody(JsonNode body, Problems problems);

    /** Reads the body leniently; absent or mistyped fields give empty values. */
    RequestSummary summarize(JsonNode body);

    /**
     * Reads the request leniently, for an API whose path or query carry part of it (the model, whether to stream);
     * by default the body alone decides.
     */
    default RequestSummary summarize(String path, String query, JsonNode body) {
        return summarize(body);
    }

    /** The complete non-streaming response body. */
    String messageJson(Reply.Message message, RecordedRequest request);

    /** The complete event stream, one element per event, each ending in the blank line that ends an SSE event. */
    List<String> messageEvents(Reply.Message message, RecordedRequest request);

    ErrorResponse error(Reply.HttpError error, RecordedRequest request);

    record ErrorResponse(int status, Map<String, String> headers, String body) {}
}
