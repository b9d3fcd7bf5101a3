package dev.munero.llm.fake;

import static dev.munero.llm.fake.Problems.at;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The strict body rules of {@link FakeOpenAiServer}, from the Chat Completions reference
 * (https://platform.openai.com/docs/api-reference/chat/create): message shapes per role, an assistant message's
 * {@code tool_calls} answered by one {@code tool} message per {@code tool_call_id} before any other message, and the
 * API's cross-field rules ({@code tool_choice} and {@code parallel_tool_calls} only with {@code tools},
 * {@code stream_options} only with {@code "stream": true}, {@code top_logprobs} only with {@code logprobs}).
 *
 * <p>It accepts only the fields Munero is expected to send, a subset of what the API accepts: anything else
 * (e.g. the deprecated {@code functions}, {@code logit_bias}, {@code audio}) is a failure. As in the API, an
 * optional top-level field may be {@code null}. One instance per request.
 */
final class OpenAiRequestValidator {
    static final Set<String> TOP_LEVEL = Set.of("model", "messages", "tools", "tool_choice", "parallel_tool_calls",
            "max_tokens", "max_completion_tokens", "stream", "stream_options", "temperature", "top_p", "stop", "n",
            "seed", "user", "response_format", "store", "reasoning_effort", "metadata", "frequency_penalty",
            "presence_penalty", "logprobs", "top_logprobs", "service_tier", "prediction", "modalities");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private final Problems problems;

    private OpenAiRequestValidator(Problems problems) {
        this.problems = problems;
    }

    static void validate(JsonNode body, Problems problems) {
        new OpenAiRequestValidator(problems).body(body);
    }

    private void body(JsonNode body) {
        if (!problems.object(body, "")) {
            return;
        }
        problems.onlyFields(body, "", TOP_LEVEL);
        problems.required(body, "", "model", "messages");
        problems.field(body, "", "model", problems::nonBlank);
        problems.field(body, "", "messages", this::messages);
        Set<String> toolNames = new HashSet<>();
        optional(body, "tools", (node, path) -> tools(node, path, toolNames));
        optional(body, "tool_choice", (node, path) -> toolChoice(node, path, toolNames));
        optional(body, "parallel_tool_calls", problems::bool);
        for (String field : List.of("tool_choice", "parallel_tool_calls")) {
            if (present(body, field) && !present(body, "tools")) {
                problems.add(field, "is only allowed when tools are specified");
            }
        }
        optional(body, "max_tokens", (node, path) -> problems.integer(node, path, 1, Integer.MAX_VALUE));
        optional(body, "max_completion_tokens", (node, path) -> problems.integer(node, path, 1, Integer.MAX_VALUE));
        optional(body, "stream", problems::bool);
        optional(body, "stream_options", this::streamOptions);
        if (present(body, "stream_options") && !Json.isTrue(body.path("stream"))) {
            problems.add("stream_options", "is only allowed when \"stream\" is true");
        }
        optional(body, "temperature", (node, path) -> problems.number(node, path, 0, 2));
        optional(body, "top_p", (node, path) -> problems.number(node, path, 0, 1));
        optional(body, "frequency_penalty", (node, path) -> problems.number(node, path, -2, 2));
        optional(body, "presence_penalty", (node, path) -> problems.number(node, path, -2, 2));
        optional(body, "n", (node, path) -> problems.integer(node, path, 1, 128));
        optional(body, "seed", (node, path) -> problems.integer(node, path, Long.MIN_VALUE, Long.MAX_VALUE));
        optional(body, "stop", this::stop);
        optional(body, "user", problems::string);
        optional(body, "store", problems::bool);
        optional(body, "reasoning_effort", (node, path) -> problems.oneOf(node, path,
                Set.of("none", "minimal", "low", "medium", "high", "xhigh")));
        optional(body, "metadata", this::metadata);
        optional(body, "logprobs", problems::bool);
        optional(body, "top_logprobs", (node, path) -> problems.integer(node, path, 0, 20));
        if (present(body, "top_logprobs") && !Json.isTrue(body.path("logprobs"))) {
            problems.add("top_logprobs", "is only allowed when \"logprobs\" is true");
        }
        optional(body, "response_format", this::responseFormat);
        optional(body, "service_tier", (node, path) -> problems.oneOf(node, path,
                Set.of("auto", "default", "flex", "scale", "priority")));
        optional(body, "prediction", this::prediction);
        optional(body, "modalities", (node, path) -> {
            if (problems.array(node, path)) {
                for (int i = 0; i < node.size(); i++) {
                    problems.oneOf(node.get(i), at(path, i), Set.of("text", "audio"));
                }
            }
        });
    }

    /** Like {@link Problems#field}, but a JSON null passes: the reference marks these fields nullable. */
    private void optional(JsonNode body, String field, BiConsumer<JsonNode, String> rule) {
        if (present(body, field)) {
            rule.accept(body.get(field), field);
        }
    }

    private static boolean present(JsonNode body, String field) {
        return body.has(field) && !body.get(field).isNull();
    }

    private void messages(JsonNode messages, String path) {
        if (!problems.array(messages, path)) {
            return;
        }
        if (messages.isEmpty()) {
            problems.add(path, "must not be empty");
        }
        Set<String> unanswered = new LinkedHashSet<>();
        int asker = -1;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String messagePath = at(path, i);
            if (!problems.object(message, messagePath)) {
                continue;
            }
            problems.required(message, messagePath, "role");
            if (!problems.oneOf(message.path("role"), at(messagePath, "role"),
                    Set.of("system", "developer", "user", "assistant", "tool"))) {
                continue;
            }
            String role = message.get("role").stringValue();
            if (role.equals("tool")) {
                String id = toolMessage(message, messagePath);
                if (id != null && !unanswered.remove(id)) {
                    problems.add(messagePath, "a tool message must respond to an unanswered tool call of the preceding"
                            + " assistant message, but tool_call_id \"" + id + "\" is none of " + unanswered);
                }
                continue;
            }
            if (!unanswered.isEmpty()) {
                problems.add(messagePath, "messages[" + asker + "] has tool_calls " + unanswered
                        + " with no tool message responding to them before this " + role + " message");
                unanswered.clear();
            }
            switch (role) {
                case "system", "developer" -> {
                    problems.onlyFields(message, messagePath, Set.of("role", "content", "name"));
                    problems.required(message, messagePath, "content");
                    problems.field(message, messagePath, "content", (node, p) -> content(node, p, Set.of("text")));
                }
                case "user" -> {
                    problems.onlyFields(message, messagePath, Set.of("role", "content", "name"));
                    problems.required(message, messagePath, "content");
                    problems.field(message, messagePath, "content",
                            (node, p) -> content(node, p, Set.of("text", "image_url", "input_audio", "file")));
                }
                default -> {
                    unanswered.addAll(assistantMessage(message, messagePath));
                    asker = i;
                }
            }
            problems.field(message, messagePath, "name", problems::string);
        }
        if (!unanswered.isEmpty()) {
            problems.add(path, "messages[" + asker + "] has tool_calls " + unanswered
                    + " that no tool message responds to");
        }
    }

    /** Validates an assistant message and returns the ids of its tool calls. */
    private Set<String> assistantMessage(JsonNode message, String path) {
        problems.onlyFields(message, path, Set.of("role", "content", "name", "refusal", "tool_calls"));
        JsonNode content = message.path("content");
        if (!content.isMissingNode() && !content.isNull()) {
            content(content, at(path, "content"), Set.of("text", "refusal"));
        } else if (!message.has("tool_calls")) {
            problems.add(path, "\"content\" is required unless \"tool_calls\" is specified");
        }
        if (message.has("refusal") && !message.get("refusal").isNull()) {
            problems.string(message.get("refusal"), at(path, "refusal"));
        }
        Set<String> ids = new LinkedHashSet<>();
        problems.field(message, path, "tool_calls", (calls, callsPath) -> {
            problems.nonEmpty(calls, callsPath);
            problems.eachObject(calls, callsPath, (call, callPath) -> {
                problems.onlyFields(call, callPath, Set.of("id", "type", "function"));
                problems.required(call, callPath, "id", "type", "function");
                if (call.has("id") && problems.string(call.get("id"), at(callPath, "id"))
                        && !ids.add(call.get("id").stringValue())) {
                    problems.add(at(callPath, "id"), "duplicate tool call id " + call.get("id"));
                }
                problems.field(call, callPath, "type", (node, p) -> problems.oneOf(node, p, Set.of("function")));
                problems.field(call, callPath, "function", (function, functionPath) -> {
                    if (problems.object(function, functionPath)) {
                        problems.onlyFields(function, functionPath, Set.of("name", "arguments"));
                        problems.required(function, functionPath, "name", "arguments");
                        problems.field(function, functionPath, "name", (node, p) -> problems.matches(node, p, NAME));
                        problems.field(function, functionPath, "arguments", problems::string);
                    }
                });
            });
        });
        return ids;
    }

    /** Validates a tool message and returns its {@code tool_call_id}, or null if it has none. */
    private String toolMessage(JsonNode message, String path) {
        problems.onlyFields(message, path, Set.of("role", "content", "tool_call_id"));
        problems.required(message, path, "content", "tool_call_id");
        problems.field(message, path, "content", (node, p) -> content(node, p, Set.of("text")));
        JsonNode id = message.path("tool_call_id");
        return message.has("tool_call_id") && problems.string(id, at(path, "tool_call_id")) ? id.stringValue() : null;
    }

    /** A string, or a non-empty array of content parts of the given types. */
    private void content(JsonNode content, String path, Set<String> partTypes) {
        if (content.isString()) {
            return;
        }
        if (!content.isArray()) {
            problems.add(path, "expected a string or an array of content parts, got " + content.getNodeType());
            return;
        }
        problems.nonEmpty(content, path);
        problems.eachObject(content, path, (part, partPath) -> {
            if (problems.oneOf(part.path("type"), at(partPath, "type"), partTypes)) {
                String type = part.get("type").stringValue();
                problems.onlyFields(part, partPath, Set.of("type", type));
                problems.required(part, partPath, type);
                problems.field(part, partPath, type, (value, valuePath) -> contentPart(type, value, valuePath));
            }
        });
    }

    /** The value of a content part, which sits under a field named after its type. */
    private void contentPart(String type, JsonNode value, String path) {
        if (type.equals("text") || type.equals("refusal")) {
            problems.string(value, path);
            return;
        }
        if (!problems.object(value, path)) {
            return;
        }
        switch (type) {
            case "image_url" -> {
                problems.onlyFields(value, path, Set.of("url", "detail"));
                problems.required(value, path, "url");
                problems.field(value, path, "url", problems::string);
                problems.field(value, path, "detail",
                        (node, p) -> problems.oneOf(node, p, Set.of("auto", "low", "high")));
            }
            case "input_audio" -> {
                problems.onlyFields(value, path, Set.of("data", "format"));
                problems.required(value, path, "data", "format");
                problems.field(value, path, "data", problems::string);
                problems.field(value, path, "format", (node, p) -> problems.oneOf(node, p, Set.of("wav", "mp3")));
            }
            default -> { // file
                problems.onlyFields(value, path, Set.of("file_data", "file_id", "filename"));
                value.properties().forEach(e -> problems.string(e.getValue(), at(path, e.getKey())));
            }
        }
    }

    private void tools(JsonNode tools, String path, Set<String> names) {
        problems.nonEmpty(tools, path);
        problems.eachObject(tools, path, (tool, toolPath) -> {
            problems.onlyFields(tool, toolPath, Set.of("type", "function"));
            problems.required(tool, toolPath, "type", "function");
            problems.field(tool, toolPath, "type", (node, p) -> problems.oneOf(node, p, Set.of("function")));
            problems.field(tool, toolPath, "function", (function, functionPath) -> {
                if (!problems.object(function, functionPath)) {
                    return;
                }
                problems.onlyFields(function, functionPath, Set.of("name", "description", "parameters", "strict"));
                problems.required(function, functionPath, "name");
                if (function.has("name") && problems.matches(function.get("name"), at(functionPath, "name"), NAME)
                        && !names.add(function.get("name").stringValue())) {
                    problems.add(at(functionPath, "name"), "duplicate tool name " + function.get("name"));
                }
                problems.field(function, functionPath, "description", problems::string);
                problems.field(function, functionPath, "parameters", problems::object);
                problems.field(function, functionPath, "strict", problems::bool);
            });
        });
    }

    private void toolChoice(JsonNode choice, String path, Set<String> toolNames) {
        if (choice.isString()) {
            problems.oneOf(choice, path, Set.of("none", "auto", "required"));
            return;
        }
        if (!problems.object(choice, path)) {
            return;
        }
        problems.onlyFields(choice, path, Set.of("type", "function"));
        problems.required(choice, path, "type", "function");
        problems.field(choice, path, "type", (node, p) -> problems.oneOf(node, p, Set.of("function")));
        JsonNode function = choice.path("function");
        if (choice.has("function") && problems.object(function, at(path, "function"))) {
            problems.onlyFields(function, at(path, "function"), Set.of("name"));
            problems.required(function, at(path, "function"), "name");
            if (function.has("name") && problems.string(function.get("name"), at(path, "function.name"))
                    && !toolNames.contains(function.get("name").stringValue())) {
                problems.add(at(path, "function.name"), "names no tool of the request: " + function.get("name"));
            }
        }
    }

    private void streamOptions(JsonNode options, String path) {
        if (problems.object(options, path)) {
            problems.onlyFields(options, path, Set.of("include_usage", "include_obfuscation"));
            problems.field(options, path, "include_usage", problems::bool);
            problems.field(options, path, "include_obfuscation", problems::bool);
        }
    }

    private void stop(JsonNode stop, String path) {
        if (stop.isString()) {
            return;
        }
        problems.strings(stop, path);
        if (stop.size() > 4) {
            problems.add(path, "at most 4 stop sequences, got " + stop.size());
        }
    }

    private void metadata(JsonNode metadata, String path) {
        if (problems.object(metadata, path)) {
            metadata.properties().forEach(e -> problems.string(e.getValue(), at(path, e.getKey())));
            if (metadata.size() > 16) {
                problems.add(path, "at most 16 key-value pairs, got " + metadata.size());
            }
        }
    }

    private void responseFormat(JsonNode format, String path) {
        Set<String> types = Set.of("text", "json_object", "json_schema");
        if (!problems.object(format, path) || !problems.oneOf(format.path("type"), at(path, "type"), types)) {
            return;
        }
        boolean schema = format.get("type").stringValue().equals("json_schema");
        problems.onlyFields(format, path, schema ? Set.of("type", "json_schema") : Set.of("type"));
        JsonNode jsonSchema = format.path("json_schema");
        String schemaPath = at(path, "json_schema");
        if (schema && problems.object(jsonSchema, schemaPath)) {
            problems.onlyFields(jsonSchema, schemaPath, Set.of("name", "description", "schema", "strict"));
            problems.required(jsonSchema, schemaPath, "name");
            problems.field(jsonSchema, schemaPath, "name", (node, p) -> problems.matches(node, p, NAME));
            problems.field(jsonSchema, schemaPath, "description", problems::string);
            problems.field(jsonSchema, schemaPath, "schema", problems::object);
            problems.field(jsonSchema, schemaPath, "strict", problems::bool);
        }
    }

    private void prediction(JsonNode prediction, String path) {
        if (problems.object(prediction, path)) {
            problems.onlyFields(prediction, path, Set.of("type", "content"));
            problems.required(prediction, path, "type", "content");
            problems.field(prediction, path, "type", (node, p) -> problems.oneOf(node, p, Set.of("content")));
            problems.field(prediction, path, "content", (node, p) -> content(node, p, Set.of("text")));
        }
    }
}
