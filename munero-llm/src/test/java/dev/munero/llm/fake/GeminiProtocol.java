package dev.munero.llm.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Gemini API (Google Generative Language API, https://ai.google.dev/api/generate-content) on the wire:
 * {@code POST /v1beta/models/{model}:generateContent} (one JSON {@code GenerateContentResponse}) and
 * {@code POST /v1beta/models/{model}:streamGenerateContent?alt=sse} (server-sent events, each a {@code data:} line
 * holding one {@code GenerateContentResponse} chunk, no event names, no end marker), with the key in
 * {@code x-goog-api-key}. The model is named in the path, not the body; the path decides whether to stream.
 *
 * <p>A reply renders as {@code candidates[0].content} ({@code role: "model"}, {@code parts}: text parts, then one
 * {@code functionCall} part per tool call, {@code {"id", "name", "args"}} with {@code args} an object),
 * {@code finishReason} ({@code STOP} for an end of turn, a tool call and a stop sequence, {@code MAX_TOKENS}),
 * {@code index: 0}; {@code usageMetadata}, {@code modelVersion} and {@code responseId}. A stream sends the text in a
 * few chunks, then a chunk per tool call (Gemini streams a function call whole), and puts {@code finishReason} and
 * {@code usageMetadata} on the last chunk only.
 *
 * <p>Usage ({@code UsageMetadata}): {@code promptTokenCount = inputTokens + cacheWriteTokens + cacheReadTokens},
 * {@code cachedContentTokenCount = cacheReadTokens} (left out when 0), {@code candidatesTokenCount = outputTokens -
 * reasoningTokens}, {@code thoughtsTokenCount = reasoningTokens} (left out when 0; Gemini counts thinking apart from
 * the candidates and bills it as output), {@code totalTokenCount} their sum.
 *
 * <p>Errors are Google's JSON error ({@code {"error": {"code", "message", "status"}}}, https://ai.google.dev/gemini-api/docs/troubleshooting):
 * 400 {@code INVALID_ARGUMENT}, 401 {@code UNAUTHENTICATED}, 403 {@code PERMISSION_DENIED}, 404 {@code NOT_FOUND},
 * 429 {@code RESOURCE_EXHAUSTED}, 500 {@code INTERNAL}, 503 {@code UNAVAILABLE}.
 */
final class GeminiProtocol implements WireProtocol {
    /** {@code /v1beta/models/{model}:{method}}; the model id as the API reference allows it. */
    static final Pattern PATH = Pattern.compile("/v1beta/models/([A-Za-z0-9._-]+):(generateContent|streamGenerateContent)");
    static final String SSE_QUERY = "alt=sse";

    private final String apiKey;

    GeminiProtocol(String apiKey) {
        this.apiKey = apiKey;
    }

    @Override
    public String endpointPath() {
        return "/v1beta/models/{model}:generateContent or /v1beta/models/{model}:streamGenerateContent";
    }

    @Override
    public boolean acceptsPath(String path) {
        return PATH.matcher(path).matches();
    }

    @Override
    public boolean allowsQuery(String query) {
        return query.isEmpty() || query.equals(SSE_QUERY);
    }

    @Override
    public String targetProblem(String path, String query) {
        boolean streaming = streaming(path);
        if (streaming != query.equals(SSE_QUERY)) {
            return streaming ? "streamGenerateContent needs ?" + SSE_QUERY + " (this fake serves only server-sent "
                    + "events), got " + (query.isEmpty() ? "no query" : "?" + query)
                    : "generateContent takes no query, got ?" + query;
        }
        return null;
    }

    @Override
    public Map<String, String> requiredHeaders() {
        return Map.of("x-goog-api-key", apiKey);
    }

    @Override
    public void validateBody(JsonNode body, Problems problems) {
        GeminiRequestValidator.validate(body, problems);
    }

    @Override
    public RequestSummary summarize(JsonNode body) {
        return summarize("", "", body);
    }

    @Override
    public RequestSummary summarize(String path, String query, JsonNode body) {
        Matcher m = PATH.matcher(path);
        String model = m.matches() ? m.group(1) : "";
        List<String> system = new ArrayList<>();
        body.path("systemInstruction").path("parts").forEach(part -> {
            if (part.path("text").isString()) {
                system.add(part.path("text").stringValue());
            }
        });
        List<String> toolNames = new ArrayList<>();
        body.path("tools").forEach(tool -> tool.path("functionDeclarations").forEach(declaration -> {
            if (declaration.path("name").isString()) {
                toolNames.add(declaration.path("name").stringValue());
            }
        }));
        List<RequestSummary.ToolCall> calls = new ArrayList<>();
        List<RequestSummary.ToolResult> results = new ArrayList<>();
        String lastUserText = "";
        for (JsonNode content : body.path("contents")) {
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content.path("parts")) {
                if (part.path("text").isString() && !Json.isTrue(part.path("thought"))) {
                    text.append(text.isEmpty() ? "" : "\n").append(part.path("text").stringValue());
                }
                JsonNode call = part.path("functionCall");
                if (call.isObject()) {
                    calls.add(new RequestSummary.ToolCall(Json.text(call.path("id")), Json.text(call.path("name")),
                            call.path("args").isObject() ? Json.write(call.path("args")) : "{}"));
                }
                JsonNode response = part.path("functionResponse");
                if (response.isObject()) {
                    JsonNode value = response.path("response");
                    String output = value.path("output").isString() ? value.path("output").stringValue()
                            : value.path("error").isString() ? value.path("error").stringValue()
                            : value.isObject() ? Json.write(value) : "";
                    results.add(new RequestSummary.ToolResult(Json.text(response.path("id")), output,
                            value.has("error")));
                }
            }
            if (Json.text(content.path("role")).equals("user") && !text.isEmpty()) {
                lastUserText = text.toString();
            }
        }
        return new RequestSummary(model, streaming(path), String.join("\n", system), lastUserText, toolNames, calls,
                results);
    }

    private static boolean streaming(String path) {
        return path.endsWith(":streamGenerateContent");
    }

    @Override
    public String messageJson(Reply.Message message, RecordedRequest request) {
        ObjectNode response = chunk(message, request, parts(message));
        finish(response, message, request);
        return Json.write(response);
    }

    @Override
    public List<String> messageEvents(Reply.Message message, RecordedRequest request) {
        List<ObjectNode> chunks = new ArrayList<>();
        for (String piece : Fragments.split(message.text())) {
            ArrayNode parts = Json.MAPPER.createArrayNode();
            parts.addObject().put("text", piece);
            chunks.add(chunk(message, request, parts));
        }
        for (Reply.ToolCall call : message.toolCalls()) {
            ArrayNode parts = Json.MAPPER.createArrayNode();
            parts.add(functionCall(call));
            chunks.add(chunk(message, request, parts));
        }
        if (chunks.isEmpty()) {
            chunks.add(chunk(message, request, Json.MAPPER.createArrayNode()));
        }
        finish(chunks.getLast(), message, request);
        return chunks.stream().map(c -> "data: " + Json.write(c) + "\n\n").toList();
    }

    private static ArrayNode parts(Reply.Message message) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        if (!message.text().isEmpty()) {
            parts.addObject().put("text", message.text());
        }
        message.toolCalls().forEach(call -> parts.add(functionCall(call)));
        return parts;
    }

    private static ObjectNode functionCall(Reply.ToolCall call) {
        ObjectNode part = Json.object();
        part.putObject("functionCall").put("id", call.id()).put("name", call.name())
                .set("args", Json.parse(call.argumentsJson()));
        return part;
    }

    private static ObjectNode chunk(Reply.Message message, RecordedRequest request, ArrayNode parts) {
        ObjectNode response = Json.object();
        ObjectNode candidate = response.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.set("parts", parts);
        content.put("role", "model");
        candidate.put("index", 0);
        response.put("modelVersion", message.model() != null ? message.model() : request.summary().model());
        response.put("responseId", "resp_fake_" + request.number());
        return response;
    }

    private static void finish(ObjectNode response, Reply.Message message, RecordedRequest request) {
        ((ObjectNode) response.path("candidates").path(0)).put("finishReason",
                message.effectiveStopReason() == Reply.StopReason.MAX_TOKENS ? "MAX_TOKENS" : "STOP");
        Reply.Usage u = message.usage();
        long prompt = u.inputTokens() + u.cacheWriteTokens() + u.cacheReadTokens();
        ObjectNode usage = Json.object().put("promptTokenCount", prompt);
        if (u.cacheReadTokens() > 0) {
            usage.put("cachedContentTokenCount", u.cacheReadTokens());
        }
        usage.put("candidatesTokenCount", u.outputTokens() - u.reasoningTokens());
        if (u.reasoningTokens() > 0) {
            usage.put("thoughtsTokenCount", u.reasoningTokens());
        }
        usage.put("totalTokenCount", prompt + u.outputTokens());
        response.set("usageMetadata", usage);
    }

    @Override
    public ErrorResponse error(Reply.HttpError error, RecordedRequest request) {
        int code = error.status().orElse(error.kind().openAiStatus);
        String status = switch (code) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> code >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
        String message = error.message() != null ? error.message() : switch (error.kind()) {
            case INVALID_REQUEST -> "Request contains an invalid argument.";
            case AUTHENTICATION -> "API key not valid. Please pass a valid API key.";
            case PERMISSION -> "The caller does not have permission.";
            case NOT_FOUND -> "models/" + request.summary().model() + " is not found for API version v1beta.";
            case RATE_LIMIT -> "Resource has been exhausted (e.g. check quota).";
            case SERVER -> "An internal error has occurred.";
            case OVERLOADED -> "The model is overloaded. Please try again later.";
        };
        ObjectNode body = Json.object();
        body.putObject("error").put("code", code).put("message", message).put("status", status);
        Map<String, String> headers = error.retryAfterSeconds().isPresent()
                ? Map.of("retry-after", Integer.toString(error.retryAfterSeconds().getAsInt())) : Map.of();
        return new ErrorResponse(code, headers, Json.write(body));
    }
}
