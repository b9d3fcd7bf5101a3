package dev.munero.llm.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI Responses API on the wire: {@code POST /v1/responses} with {@code authorization: Bearer <key>};
 * responses as in https://platform.openai.com/docs/api-reference/responses/object, streams as in
 * https://platform.openai.com/docs/api-reference/responses-streaming (each event {@code event: TYPE} and a
 * {@code data:} object with {@code type} and an increasing {@code sequence_number}: {@code response.created},
 * {@code response.in_progress}, per output item {@code response.output_item.added}, for a message
 * {@code response.content_part.added}, {@code response.output_text.delta}s, {@code response.output_text.done},
 * {@code response.content_part.done}, for a function call {@code response.function_call_arguments.delta}s and
 * {@code .done}, then {@code response.output_item.done}; last {@code response.completed} with the whole response and
 * its {@code usage}; no {@code [DONE]}); errors in the OpenAI error format.
 *
 * <p>Usage: {@code input_tokens = inputTokens + cacheWriteTokens + cacheReadTokens},
 * {@code input_tokens_details.cached_tokens = cacheReadTokens}, {@code output_tokens},
 * {@code output_tokens_details.reasoning_tokens}.
 */
final class ResponsesProtocol implements WireProtocol {
    private final String apiKey;
    private final OpenAiProtocol errors;

    ResponsesProtocol(String apiKey) {
        this.apiKey = apiKey;
        this.errors = new OpenAiProtocol(apiKey);
    }

    @Override
    public String endpointPath() {
        return "/v1/responses";
    }

    @Override
    public Map<String, String> requiredHeaders() {
        return Map.of("authorization", "Bearer " + apiKey);
    }

    @Override
    public void validateBody(JsonNode body, Problems problems) {
        ResponsesRequestValidator.validate(body, problems);
    }

    @Override
    public RequestSummary summarize(JsonNode body) {
        List<String> system = new ArrayList<>();
        if (body.path("instructions").isString()) {
            system.add(body.path("instructions").stringValue());
        }
        List<String> toolNames = new ArrayList<>();
        body.path("tools").forEach(tool -> {
            if (tool.path("name").isString()) {
                toolNames.add(tool.path("name").stringValue());
            }
        });
        List<RequestSummary.ToolCall> calls = new ArrayList<>();
        List<RequestSummary.ToolResult> results = new ArrayList<>();
        String lastUserText = "";
        JsonNode input = body.path("input");
        if (input.isString()) {
            lastUserText = input.stringValue();
        }
        for (JsonNode item : input.isArray() ? input : List.<JsonNode>of()) {
            String type = item.has("type") ? Json.text(item.path("type")) : "message";
            switch (type) {
                case "message" -> {
                    String role = Json.text(item.path("role"));
                    String text = text(item.path("content"));
                    if (role.equals("user") && !text.isEmpty()) {
                        lastUserText = text;
                    } else if (role.equals("developer") || role.equals("system")) {
                        system.add(text);
                    }
                }
                case "function_call" -> calls.add(new RequestSummary.ToolCall(Json.text(item.path("call_id")),
                        Json.text(item.path("name")), Json.text(item.path("arguments"))));
                case "function_call_output" -> results.add(new RequestSummary.ToolResult(
                        Json.text(item.path("call_id")), item.path("output").isString()
                        ? item.path("output").stringValue() : text(item.path("output")), false));
                default -> { }
            }
        }
        return new RequestSummary(Json.text(body.path("model")), Json.isTrue(body.path("stream")),
                String.join("\n", system), lastUserText, toolNames, calls, results);
    }

    private static String text(JsonNode content) {
        if (content.isString()) {
            return content.stringValue();
        }
        StringBuilder out = new StringBuilder();
        content.forEach(part -> out.append(Json.text(part.path("text"))));
        return out.toString();
    }

    @Override
    public String messageJson(Reply.Message message, RecordedRequest request) {
        return Json.write(response(message, request, "completed", items(message, request)));
    }

    @Override
    public List<String> messageEvents(Reply.Message message, RecordedRequest request) {
        List<String> events = new ArrayList<>();
        int[] seq = {0};
        ObjectNode started = response(message, request, "in_progress", List.of());
        started.remove("usage");
        events.add(event(seq, "response.created", Json.object().set("response", started)));
        events.add(event(seq, "response.in_progress", Json.object().set("response", started.deepCopy())));
        List<ObjectNode> items = items(message, request);
        for (int index = 0; index < items.size(); index++) {
            ObjectNode item = items.get(index);
            String id = Json.text(item.path("id"));
            ObjectNode added = item.deepCopy().put("status", "in_progress");
            boolean isMessage = Json.text(item.path("type")).equals("message");
            if (isMessage) {
                added.putArray("content");
            } else {
                added.put("arguments", "");
            }
            events.add(event(seq, "response.output_item.added", Json.object().put("output_index", index)
                    .set("item", added)));
            if (isMessage) {
                String text = Json.text(item.path("content").path(0).path("text"));
                ObjectNode emptyPart = Json.object().put("type", "output_text").put("text", "");
                emptyPart.putArray("annotations");
                events.add(event(seq, "response.content_part.added", Json.object().put("item_id", id)
                        .put("output_index", index).put("content_index", 0).set("part", emptyPart)));
                for (String piece : Fragments.split(text)) {
                    events.add(event(seq, "response.output_text.delta", Json.object().put("item_id", id)
                            .put("output_index", index).put("content_index", 0).put("delta", piece)));
                }
                events.add(event(seq, "response.output_text.done", Json.object().put("item_id", id)
                        .put("output_index", index).put("content_index", 0).put("text", text)));
                events.add(event(seq, "response.content_part.done", Json.object().put("item_id", id)
                        .put("output_index", index).put("content_index", 0)
                        .set("part", item.path("content").path(0).deepCopy())));
            } else {
                String arguments = Json.text(item.path("arguments"));
                for (String piece : Fragments.split(arguments)) {
                    events.add(event(seq, "response.function_call_arguments.delta", Json.object().put("item_id", id)
                            .put("output_index", index).put("delta", piece)));
                }
                events.add(event(seq, "response.function_call_arguments.done", Json.object().put("item_id", id)
                        .put("output_index", index).put("arguments", arguments)));
            }
            events.add(event(seq, "response.output_item.done", Json.object().put("output_index", index)
                    .set("item", item)));
        }
        events.add(event(seq, "response.completed", Json.object().set("response",
                response(message, request, "completed", items))));
        return events;
    }

    private static String event(int[] seq, String type, ObjectNode data) {
        ObjectNode body = Json.object().put("type", type).put("sequence_number", seq[0]++);
        body.setAll(data);
        return "event: " + type + "\ndata: " + Json.write(body) + "\n\n";
    }

    private static List<ObjectNode> items(Reply.Message message, RecordedRequest request) {
        List<ObjectNode> items = new ArrayList<>();
        if (!message.text().isEmpty()) {
            ObjectNode item = Json.object().put("type", "message").put("id", "msg_fake_" + request.number())
                    .put("status", "completed").put("role", "assistant");
            ObjectNode part = item.putArray("content").addObject().put("type", "output_text")
                    .put("text", message.text());
            part.putArray("annotations");
            items.add(item);
        }
        for (Reply.ToolCall call : message.toolCalls()) {
            items.add(Json.object().put("type", "function_call").put("id", "fc_fake_" + request.number() + "_"
                    + items.size()).put("call_id", call.id()).put("name", call.name())
                    .put("arguments", call.argumentsJson()).put("status", "completed"));
        }
        return items;
    }

    private static ObjectNode response(Reply.Message message, RecordedRequest request, String status,
                                       List<ObjectNode> items) {
        ObjectNode response = Json.object().put("id", "resp_fake_" + request.number()).put("object", "response")
                .put("created_at", 1_790_000_000L).put("status", status)
                .put("model", message.model() != null ? message.model() : request.summary().model());
        response.putNull("error");
        response.putNull("incomplete_details");
        items.forEach(response.putArray("output")::add);
        Reply.Usage u = message.usage();
        long input = u.inputTokens() + u.cacheWriteTokens() + u.cacheReadTokens();
        ObjectNode usage = response.putObject("usage").put("input_tokens", input);
        usage.putObject("input_tokens_details").put("cached_tokens", u.cacheReadTokens());
        usage.put("output_tokens", u.outputTokens());
        usage.putObject("output_tokens_details").put("reasoning_tokens", u.reasoningTokens());
        usage.put("total_tokens", input + u.outputTokens());
        return response;
    }

    @Override
    public ErrorResponse error(Reply.HttpError error, RecordedRequest request) {
        return errors.error(error, request);
    }
}
