package dev.munero.llm.fake;

import static dev.munero.llm.fake.Problems.at;

import java.util.HashSet;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The strict body rules of {@link FakeOpenAiResponsesServer}, from the Responses API reference
 * (https://platform.openai.com/docs/api-reference/responses/create): the request fields, the input item types
 * ({@code message}, {@code function_call}, {@code function_call_output}, {@code reasoning}, {@code custom_tool_call},
 * {@code custom_tool_call_output}) and the tool types.
 *
 * <p>It accepts only fields a reviewed client is expected to send, a subset of what the API accepts, plus
 * {@code client_metadata} and the {@code namespace} tool type, which Codex CLI 0.171.0 sends and the public reference
 * does not list. An unknown field or item type is a failure. One instance per request.
 */
final class ResponsesRequestValidator {
    static final Set<String> TOP_LEVEL = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "reasoning", "store", "stream", "include", "prompt_cache_key", "text",
            "max_output_tokens", "temperature", "top_p", "metadata", "previous_response_id", "service_tier",
            "client_metadata");
    static final Set<String> INCLUDES = Set.of("reasoning.encrypted_content", "message.output_text.logprobs",
            "web_search_call.action.sources", "code_interpreter_call.outputs", "file_search_call.results");

    private final Problems problems;

    private ResponsesRequestValidator(Problems problems) {
        this.problems = problems;
    }

    static void validate(JsonNode body, Problems problems) {
        new ResponsesRequestValidator(problems).body(body);
    }

    private void body(JsonNode body) {
        if (!problems.object(body, "")) {
            return;
        }
        problems.onlyFields(body, "", TOP_LEVEL);
        problems.required(body, "", "model", "input");
        problems.field(body, "", "model", problems::nonBlank);
        problems.field(body, "", "instructions", problems::string);
        problems.field(body, "", "stream", problems::bool);
        problems.field(body, "", "store", problems::bool);
        problems.field(body, "", "parallel_tool_calls", problems::bool);
        problems.field(body, "", "prompt_cache_key", problems::string);
        problems.field(body, "", "previous_response_id", problems::string);
        problems.field(body, "", "max_output_tokens", (n, p) -> problems.integer(n, p, 16, Integer.MAX_VALUE));
        problems.field(body, "", "temperature", (n, p) -> problems.number(n, p, 0, 2));
        problems.field(body, "", "top_p", (n, p) -> problems.number(n, p, 0, 1));
        problems.field(body, "", "include", (n, p) -> {
            if (problems.array(n, p)) {
                for (int i = 0; i < n.size(); i++) {
                    problems.oneOf(n.get(i), at(p, i), INCLUDES);
                }
            }
        });
        problems.field(body, "", "tool_choice", (n, p) -> {
            if (n.isString()) {
                problems.oneOf(n, p, Set.of("auto", "none", "required"));
            } else if (problems.object(n, p)) {
                problems.required(n, p, "type");
            }
        });
        problems.field(body, "", "reasoning", (n, p) -> {
            if (problems.object(n, p)) {
                problems.onlyFields(n, p, Set.of("effort", "summary"));
                problems.field(n, p, "effort", (e, ep) -> problems.oneOf(e, ep,
                        Set.of("none", "minimal", "low", "medium", "high", "xhigh")));
                problems.field(n, p, "summary", (s, sp) -> problems.oneOf(s, sp, Set.of("auto", "concise",
                        "detailed")));
            }
        });
        problems.field(body, "", "text", (n, p) -> {
            if (problems.object(n, p)) {
                problems.onlyFields(n, p, Set.of("format", "verbosity"));
            }
        });
        problems.field(body, "", "client_metadata", problems::object);
        problems.field(body, "", "metadata", problems::object);
        problems.field(body, "", "tools", this::tools);
        problems.field(body, "", "input", this::input);
    }

    private void tools(JsonNode tools, String path) {
        Set<String> names = new HashSet<>();
        problems.eachObject(tools, path, (tool, toolPath) -> {
            String type = Json.text(tool.path("type"));
            switch (type) {
                case "function" -> {
                    problems.onlyFields(tool, toolPath, Set.of("type", "name", "description", "parameters", "strict"));
                    problems.required(tool, toolPath, "name", "parameters");
                    if (problems.nonBlank(tool.path("name"), at(toolPath, "name"))
                            && !names.add(tool.get("name").stringValue())) {
                        problems.add(at(toolPath, "name"), "duplicate tool name " + tool.get("name"));
                    }
                    problems.field(tool, toolPath, "parameters", problems::object);
                    problems.field(tool, toolPath, "strict", problems::bool);
                }
                case "web_search", "web_search_preview", "namespace", "custom", "local_shell" -> { }
                default -> problems.add(at(toolPath, "type"), "expected one of [custom, function, local_shell, "
                        + "namespace, web_search, web_search_preview], got " + tool.path("type"));
            }
        });
    }

    private void input(JsonNode input, String path) {
        if (input.isString()) {
            return;
        }
        problems.eachObject(input, path, (item, itemPath) -> {
            String type = item.has("type") ? Json.text(item.path("type")) : "message";
            switch (type) {
                case "message" -> {
                    problems.onlyFields(item, itemPath, Set.of("type", "id", "role", "content", "status"));
                    problems.oneOf(item.path("role"), at(itemPath, "role"), Set.of("user", "assistant", "system",
                            "developer"));
                    JsonNode content = item.path("content");
                    if (!content.isString()) {
                        problems.eachObject(content, at(itemPath, "content"), (part, partPath) -> problems.oneOf(
                                part.path("type"), at(partPath, "type"), Set.of("input_text", "output_text",
                                        "input_image", "input_file", "refusal")));
                    }
                }
                case "function_call" -> {
                    problems.onlyFields(item, itemPath, Set.of("type", "id", "call_id", "name", "arguments",
                            "status"));
                    problems.required(item, itemPath, "call_id", "name", "arguments");
                    problems.field(item, itemPath, "arguments", problems::string);
                }
                case "function_call_output", "custom_tool_call_output" -> {
                    problems.onlyFields(item, itemPath, Set.of("type", "id", "call_id", "output", "status"));
                    problems.required(item, itemPath, "call_id", "output");
                }
                case "custom_tool_call" -> {
                    problems.onlyFields(item, itemPath, Set.of("type", "id", "call_id", "name", "input", "status"));
                    problems.required(item, itemPath, "call_id", "name", "input");
                }
                case "reasoning" -> problems.onlyFields(item, itemPath, Set.of("type", "id", "summary", "content",
                        "encrypted_content", "status"));
                default -> problems.add(at(itemPath, "type"), "expected one of [custom_tool_call, "
                        + "custom_tool_call_output, function_call, function_call_output, message, reasoning], got "
                        + item.path("type"));
            }
        });
    }
}
