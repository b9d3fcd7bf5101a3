package dev.munero.llm.fake;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI Chat Completions API on the wire: {@code POST /v1/chat/completions} with
 * {@code authorization: Bearer <key>}; responses as the chat completion object
 * (https://platform.openai.com/docs/api-reference/chat/object), streams as {@code data:} lines of chat completion
 * chunk objects ending in {@code data: [DONE]} (https://platform.openai.com/docs/api-reference/chat-streaming: a
 * role delta, content deltas, {@code tool_calls} deltas that carry {@code id}, {@code type} and the function name
 * first and then {@code arguments} fragments under the same {@code index}, a chunk with the {@code finish_reason},
 * and with {@code stream_options.include_usage} a last chunk whose {@code choices} is empty and which carries
 * {@code usage}, all earlier chunks having {@code "usage": null}), errors as {@code {"error": {message, type, param,
 * code}}} (https://platform.openai.com/docs/guides/error-codes#api-errors).
 */
final class OpenAiProtocol implements WireProtocol {
    /** A fixed {@code created} time, so replies are deterministic: 2024-01-01T00:00:00Z in epoch seconds. */
    static final long CREATED = 1_704_067_200L;

    private final String apiKey;

    OpenAiProtocol(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public String endpointPath() {
        return "/v1/chat/completions";
    }

    @Override
    public Map<String, String> requiredHeaders() {
        return Map.of("authorization", "Bearer " + apiKey);
    }

    @Override
    public void validateBody(JsonNode body, Problems problems) {
        OpenAiRequestValidator.validate(body, problems);
    }

    @Override
    public RequestSummary summarize(JsonNode body) {
        List<String> system = new ArrayList<>();
        List<RequestSummary.ToolCall> calls = new ArrayList<>();
        List<RequestSummary.ToolResult> results = new ArrayList<>();
        String lastUserText = "";
        for (JsonNode message : body.path("messages")) {
            String text = text(message.path("content"));
            switch (Json.text(message.path("role"))) {
                case "system", "developer" -> system.add(text);
                case "user" -> lastUserText = text.isEmpty() ? lastUserText : text;
                case "assistant" -> message.path("tool_calls").forEach(call -> calls.add(new RequestSummary.ToolCall(
                        Json.text(call.path("id")), Json.text(call.path("function").path("name")),
                        Json.text(call.path("function").path("arguments")))));
                case "tool" -> results.add(new RequestSummary.ToolResult(Json.text(message.path("tool_call_id")), text,
                        false));
                default -> {}
            }
        }
        List<String> toolNames = new ArrayList<>();
        body.path("tools").forEach(tool -> toolNames.add(Json.text(tool.path("function").path("name"))));
        return new RequestSummary(Json.text(body.path("model")), Json.isTrue(body.path("stream")),
                String.join("\n", system), lastUserText, toolNames, calls, results);
    }

    /** A string content, or its text parts joined. */
    private static String text(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content.isArray() ? content : List.<JsonNode>of()) {
            if (Json.text(part.path("type")).equals("text")) {
                text.append(Json.text(part.path("text")));
            }
        }
        return text.toString();
    }

    @Override
    public String messageJson(Reply.Message message, RecordedRequest request) {
        ObjectNode json = envelope(message, request, "chat.completion");
        ObjectNode choice = json.putArray("choices").addObject().put("index", 0);
        ObjectNode reply = choice.putObject("message").put("role", "assistant");
        reply.put("content", message.text().isEmpty() ? null : message.text());
        reply.putNull("refusal");
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = reply.putArray("tool_calls");
            for (Reply.ToolCall call : message.toolCalls()) {
                calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
                        .put("name", call.name()).put("arguments", call.argumentsJson());
            }
        }
        reply.putArray("annotations");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message));
        json.set("usage", usage(message.usage()));
        json.put("service_tier", "default");
        return Json.write(json);
    }

    @Override
    public List<String> messageEvents(Reply.Message message, RecordedRequest request) {
        boolean includeUsage = Json.isTrue(request.json().path("stream_options").path("include_usage"));
        List<String> events = new ArrayList<>();
        ObjectNode roleDelta = Json.object().put("role", "assistant").put("content", "");
        roleDelta.putNull("refusal");
        events.add(chunk(message, request, roleDelta, null, includeUsage));
        Fragments.split(message.text()).forEach(piece ->
                events.add(chunk(message, request, Json.object().put("content", piece), null, includeUsage)));
        List<Reply.ToolCall> calls = message.toolCalls();
        for (int index = 0; index < calls.size(); index++) {
            Reply.ToolCall call = calls.get(index);
            ObjectNode first = Json.object().put("index", index).put("id", call.id()).put("type", "function");
            first.putObject("function").put("name", call.name()).put("arguments", "");
            events.add(chunk(message, request, toolCallsDelta(first), null, includeUsage));
            for (String piece : Fragments.split(call.argumentsJson())) {
                ObjectNode fragment = Json.object().put("index", index);
                fragment.putObject("function").put("arguments", piece);
                events.add(chunk(message, request, toolCallsDelta(fragment), null, includeUsage));
            }
        }
        events.add(chunk(message, request, Json.object(), finishReason(message), includeUsage));
        if (includeUsage) {
            ObjectNode last = envelope(message, request, "chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", usage(message.usage()));
            events.add(data(Json.write(last)));
        }
        events.add(data("[DONE]"));
        return events;
    }

    private static ObjectNode toolCallsDelta(ObjectNode toolCall) {
        ObjectNode delta = Json.object();
        delta.putArray("tool_calls").add(toolCall);
        return delta;
    }

    private static String chunk(Reply.Message message, RecordedRequest request, ObjectNode delta,
            String finishReason, boolean includeUsage) {
        ObjectNode chunk = envelope(message, request, "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return data(Json.write(chunk));
    }

    private static String data(String payload) {
        return "data: " + payload + "\n\n";
    }

    private static ObjectNode envelope(Reply.Message message, RecordedRequest request, String object) {
        return Json.object().put("id", "chatcmpl-fake" + request.number()).put("object", object)
                .put("created", CREATED)
                .put("model", message.model() != null ? message.model() : request.summary().model())
                .put("system_fingerprint", "fp_fake");
    }

    private static String finishReason(Reply.Message message) {
        return switch (message.effectiveStopReason()) {
            case END_TURN, STOP_SEQUENCE -> "stop";
            case TOOL_USE -> "tool_calls";
            case MAX_TOKENS -> "length";
        };
    }

    private static ObjectNode usage(Reply.Usage usage) {
        long prompt = usage.inputTokens() + usage.cacheWriteTokens() + usage.cacheReadTokens();
        ObjectNode json = Json.object().put("prompt_tokens", prompt).put("completion_tokens", usage.outputTokens())
                .put("total_tokens", prompt + usage.outputTokens());
        json.putObject("prompt_tokens_details").put("cached_tokens", usage.cacheReadTokens()).put("audio_tokens", 0);
        json.putObject("completion_tokens_details").put("reasoning_tokens", usage.reasoningTokens())
                .put("audio_tokens", 0).put("accepted_prediction_tokens", 0).put("rejected_prediction_tokens", 0);
        return json;
    }

    @Override
    public ErrorResponse error(Reply.HttpError error, RecordedRequest request) {
        record Shape(String type, String code, String message) {}
        Shape shape = switch (error.kind()) {
            case INVALID_REQUEST -> new Shape("invalid_request_error", null, "Invalid request.");
            case AUTHENTICATION -> new Shape("invalid_request_error", "invalid_api_key", "Incorrect API key provided.");
            case PERMISSION -> new Shape("invalid_request_error", null, "You are not allowed to make this request.");
            case NOT_FOUND -> new Shape("invalid_request_error", "model_not_found", "The model does not exist.");
            case RATE_LIMIT -> new Shape("requests", "rate_limit_exceeded", "Rate limit reached for requests.");
            case SERVER -> new Shape("server_error", null, "The server had an error while processing your request.");
            case OVERLOADED -> new Shape("server_error", null, "The engine is currently overloaded, please try again"
                    + " later.");
        };
        ObjectNode body = Json.object();
        body.putObject("error").put("message", error.message() != null ? error.message() : shape.message())
                .put("type", shape.type()).putNull("param").put("code", shape.code());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("x-request-id", "req_fake_" + request.number());
        error.retryAfterSeconds().ifPresent(seconds -> headers.put("retry-after", Integer.toString(seconds)));
        if (error.kind() == Reply.ErrorKind.RATE_LIMIT) {
            String reset = error.retryAfterSeconds().orElse(1) + "s";
            headers.put("x-ratelimit-limit-requests", "500");
            headers.put("x-ratelimit-remaining-requests", "0");
            headers.put("x-ratelimit-reset-requests", reset);
            headers.put("x-ratelimit-limit-tokens", "30000");
            headers.put("x-ratelimit-remaining-tokens", "0");
            headers.put("x-ratelimit-reset-tokens", reset);
        }
        return new ErrorResponse(error.status().orElse(error.kind().openAiStatus), headers, Json.write(body));
    }
}
