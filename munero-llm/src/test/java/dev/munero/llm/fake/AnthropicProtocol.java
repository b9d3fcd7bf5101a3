package dev.munero.llm.fake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Anthropic Messages API on the wire: {@code POST /v1/messages} with {@code x-api-key} and
 * {@code anthropic-version}; responses as in https://docs.anthropic.com/en/api/messages, streams as in
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming ({@code message_start}, then per content block
 * {@code content_block_start}, {@code content_block_delta}s ({@code text_delta} / {@code input_json_delta}),
 * {@code content_block_stop}; a {@code ping}; {@code message_delta} with the stop reason and output tokens;
 * {@code message_stop}), errors as in https://docs.anthropic.com/en/api/errors.
 */
final class AnthropicProtocol implements WireProtocol {
    private final String apiKey;
    private final String version;
    private final boolean claudeCode;

    AnthropicProtocol(String apiKey, String version) {
        this(apiKey, version, false);
    }

    /** With {@code claudeCode}, also what Claude Code 2.1 sends (see {@link FakeAnthropicServer#forClaudeCode}). */
    AnthropicProtocol(String apiKey, String version, boolean claudeCode) {
        this.apiKey = apiKey;
        this.version = version;
        this.claudeCode = claudeCode;
    }

    @Override
    public boolean allowsQuery(String query) {
        return query.isEmpty() || claudeCode && query.equals("beta=true");
    }

    @Override
    public boolean isWarmUp(String method, String path) {
        return claudeCode && method.equals("HEAD") && path.equals("/");
    }

    @Override
    public String endpointPath() {
        return "/v1/messages";
    }

    @Override
    public Map<String, String> requiredHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-api-key", apiKey);
        headers.put("anthropic-version", version);
        return headers;
    }

    @Override
    public void validateBody(JsonNode body, Problems problems) {
        AnthropicRequestValidator.validate(body, problems, claudeCode);
    }

    @Override
    public RequestSummary summarize(JsonNode body) {
        JsonNode system = body.path("system");
        String systemText = system.isString() ? system.stringValue() : texts(system, "\n");
        List<String> toolNames = new ArrayList<>();
        body.path("tools").forEach(tool -> toolNames.add(Json.text(tool.path("name"))));
        List<RequestSummary.ToolCall> calls = new ArrayList<>();
        List<RequestSummary.ToolResult> results = new ArrayList<>();
        String lastUserText = "";
        for (JsonNode message : body.path("messages")) {
            JsonNode content = message.path("content");
            boolean user = Json.text(message.path("role")).equals("user");
            String text = content.isString() ? content.stringValue() : texts(content, "");
            if (user && !text.isEmpty()) {
                lastUserText = text;
            }
            for (JsonNode block : content.isArray() ? content : List.<JsonNode>of()) {
                switch (Json.text(block.path("type"))) {
                    case "tool_use" -> calls.add(new RequestSummary.ToolCall(Json.text(block.path("id")),
                            Json.text(block.path("name")),
                            block.has("input") ? Json.write(block.get("input")) : ""));
                    case "tool_result" -> {
                        JsonNode result = block.path("content");
                        results.add(new RequestSummary.ToolResult(Json.text(block.path("tool_use_id")),
                                result.isString() ? result.stringValue() : texts(result, ""),
                                Json.isTrue(block.path("is_error"))));
                    }
                    default -> {}
                }
            }
        }
        return new RequestSummary(Json.text(body.path("model")), Json.isTrue(body.path("stream")), systemText,
                lastUserText, toolNames, calls, results);
    }

    /** The {@code text} of each {@code text} block in {@code blocks}, joined. */
    private static String texts(JsonNode blocks, String separator) {
        List<String> texts = new ArrayList<>();
        for (JsonNode block : blocks.isArray() ? blocks : List.<JsonNode>of()) {
            if (Json.text(block.path("type")).equals("text")) {
                texts.add(Json.text(block.path("text")));
            }
        }
        return String.join(separator, texts);
    }

    @Override
    public String messageJson(Reply.Message message, RecordedRequest request) {
        ObjectNode json = envelope(message, request);
        ArrayNode content = json.putArray("content");
        for (Reply.Part part : message.parts()) {
            switch (part) {
                case Reply.Text text -> content.addObject().put("type", "text").put("text", text.text());
                case Reply.ToolCall call -> content.addObject().put("type", "tool_use").put("id", call.id())
                        .put("name", call.name()).set("input", Json.parse(call.argumentsJson()));
            }
        }
        json.put("stop_reason", stopReason(message));
        json.put("stop_sequence", message.stopSequence());
        json.set("usage", usage(message.usage(), message.usage().outputTokens()));
        return Json.write(json);
    }

    @Override
    public List<String> messageEvents(Reply.Message message, RecordedRequest request) {
        List<String> events = new ArrayList<>();
        ObjectNode start = envelope(message, request);
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        start.set("usage", usage(message.usage(), Math.min(1, message.usage().outputTokens())));
        ObjectNode messageStart = Json.object().put("type", "message_start");
        messageStart.set("message", start);
        events.add(event(messageStart));
        if (message.parts().isEmpty()) {
            events.add(event(Json.object().put("type", "ping")));
        }
        for (int index = 0; index < message.parts().size(); index++) {
            ObjectNode blockStart = Json.object().put("type", "content_block_start").put("index", index);
            List<ObjectNode> deltas = new ArrayList<>();
            switch (message.parts().get(index)) {
                case Reply.Text text -> {
                    blockStart.putObject("content_block").put("type", "text").put("text", "");
                    Fragments.split(text.text()).forEach(piece ->
                            deltas.add(Json.object().put("type", "text_delta").put("text", piece)));
                }
                case Reply.ToolCall call -> {
                    blockStart.putObject("content_block").put("type", "tool_use").put("id", call.id())
                            .put("name", call.name()).putObject("input");
                    // The reference's tool-use stream opens with an empty partial_json; clients must cope with it.
                    deltas.add(Json.object().put("type", "input_json_delta").put("partial_json", ""));
                    Fragments.split(Json.write(Json.parse(call.argumentsJson()))).forEach(piece ->
                            deltas.add(Json.object().put("type", "input_json_delta").put("partial_json", piece)));
                }
            }
            events.add(event(blockStart));
            if (index == 0) {
                events.add(event(Json.object().put("type", "ping")));
            }
            for (ObjectNode delta : deltas) {
                ObjectNode blockDelta = Json.object().put("type", "content_block_delta").put("index", index);
                blockDelta.set("delta", delta);
                events.add(event(blockDelta));
            }
            events.add(event(Json.object().put("type", "content_block_stop").put("index", index)));
        }
        ObjectNode messageDelta = Json.object().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", stopReason(message))
                .put("stop_sequence", message.stopSequence());
        messageDelta.putObject("usage").put("output_tokens", message.usage().outputTokens());
        events.add(event(messageDelta));
        events.add(event(Json.object().put("type", "message_stop")));
        return events;
    }

    private static ObjectNode envelope(Reply.Message message, RecordedRequest request) {
        return Json.object().put("id", "msg_fake_" + request.number()).put("type", "message").put("role", "assistant")
                .put("model", message.model() != null ? message.model() : request.summary().model());
    }

    /** One SSE event: the {@code event:} line repeats the data's {@code type}, as the reference shows. */
    private static String event(ObjectNode data) {
        return "event: " + data.get("type").stringValue() + "\ndata: " + Json.write(data) + "\n\n";
    }

    private static String stopReason(Reply.Message message) {
        return switch (message.effectiveStopReason()) {
            case END_TURN -> "end_turn";
            case TOOL_USE -> "tool_use";
            case MAX_TOKENS -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
        };
    }

    private static ObjectNode usage(Reply.Usage usage, long outputTokens) {
        return Json.object().put("input_tokens", usage.inputTokens())
                .put("cache_creation_input_tokens", usage.cacheWriteTokens())
                .put("cache_read_input_tokens", usage.cacheReadTokens())
                .put("output_tokens", outputTokens);
    }

    @Override
    public ErrorResponse error(Reply.HttpError error, RecordedRequest request) {
        String type = switch (error.kind()) {
            case INVALID_REQUEST -> "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION -> "permission_error";
            case NOT_FOUND -> "not_found_error";
            case RATE_LIMIT -> "rate_limit_error";
            case SERVER -> "api_error";
            case OVERLOADED -> "overloaded_error";
        };
        String message = error.message() != null ? error.message() : switch (error.kind()) {
            case INVALID_REQUEST -> "There was an issue with the format or content of your request.";
            case AUTHENTICATION -> "invalid x-api-key";
            case PERMISSION -> "Your API key does not have permission to use the specified resource.";
            case NOT_FOUND -> "The requested resource could not be found.";
            case RATE_LIMIT -> "Number of request tokens has exceeded your per-minute rate limit.";
            case SERVER -> "Internal server error";
            case OVERLOADED -> "Overloaded";
        };
        String requestId = "req_fake_" + request.number();
        ObjectNode body = Json.object().put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", requestId);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("request-id", requestId);
        error.retryAfterSeconds().ifPresent(seconds -> headers.put("retry-after", Integer.toString(seconds)));
        if (error.kind() == Reply.ErrorKind.RATE_LIMIT) {
            headers.put("anthropic-ratelimit-requests-limit", "50");
            headers.put("anthropic-ratelimit-requests-remaining", "0");
        }
        return new ErrorResponse(error.status().orElse(error.kind().anthropicStatus), headers, Json.write(body));
    }
}
