package dev.munero.llm.fake;

import static dev.munero.llm.fake.Problems.at;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The strict body rules of {@link FakeGeminiServer}, from the Gemini API reference
 * (https://ai.google.dev/api/generate-content#request-body, https://ai.google.dev/api/caching#Content,
 * https://ai.google.dev/api/caching#Tool, https://ai.google.dev/api/generate-content#generationconfig): the
 * {@code GenerateContentRequest} fields, {@code Content} ({@code role} {@code user} or {@code model}, non-empty
 * {@code parts}), {@code Part} (exactly one data field of {@code text}, {@code inlineData}, {@code functionCall},
 * {@code functionResponse}, {@code fileData}, {@code executableCode}, {@code codeExecutionResult}, plus the
 * {@code thought} flag and {@code thoughtSignature}), function declarations (a name of at most 64 letters, digits,
 * {@code _ . : -}; {@code parameters} or {@code parametersJsonSchema}, not both; no duplicate names) and
 * {@code generationConfig} with its {@code thinkingConfig}.
 *
 * <p>It accepts only what a reviewed client is expected to send (a subset of what the API accepts); an unknown field
 * is a failure. One instance per request.
 */
final class GeminiRequestValidator {
    static final Set<String> TOP_LEVEL = Set.of("contents", "systemInstruction", "tools", "toolConfig",
            "safetySettings", "generationConfig", "cachedContent");
    static final Set<String> PART_DATA = Set.of("text", "inlineData", "functionCall", "functionResponse", "fileData",
            "executableCode", "codeExecutionResult");
    static final Set<String> GENERATION_CONFIG = Set.of("stopSequences", "responseMimeType", "responseSchema",
            "responseJsonSchema", "candidateCount", "maxOutputTokens", "temperature", "topP", "topK", "seed",
            "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs", "thinkingConfig",
            "responseModalities", "mediaResolution");
    /** The API reference's rule for a function name. */
    static final Pattern FUNCTION_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final Problems problems;

    private GeminiRequestValidator(Problems problems) {
        this.problems = problems;
    }

    static void validate(JsonNode body, Problems problems) {
        new GeminiRequestValidator(problems).body(body);
    }

    private void body(JsonNode body) {
        if (!problems.object(body, "")) {
            return;
        }
        problems.onlyFields(body, "", TOP_LEVEL);
        problems.required(body, "", "contents");
        problems.field(body, "", "contents", (n, p) -> {
            if (problems.eachObject(n, p, (content, cp) -> content(content, cp, true))) {
                problems.nonEmpty(n, p);
            }
        });
        problems.field(body, "", "systemInstruction", (n, p) -> {
            if (problems.object(n, p)) {
                content(n, p, false);
            }
        });
        problems.field(body, "", "cachedContent", problems::nonBlank);
        problems.field(body, "", "tools", this::tools);
        problems.field(body, "", "toolConfig", (n, p) -> {
            if (problems.object(n, p)) {
                problems.onlyFields(n, p, Set.of("functionCallingConfig"));
                problems.field(n, p, "functionCallingConfig", (f, fp) -> {
                    if (problems.object(f, fp)) {
                        problems.onlyFields(f, fp, Set.of("mode", "allowedFunctionNames"));
                        problems.field(f, fp, "mode", (mode, mp) -> problems.oneOf(mode, mp,
                                Set.of("MODE_UNSPECIFIED", "AUTO", "ANY", "NONE", "VALIDATED")));
                    }
                });
            }
        });
        problems.field(body, "", "safetySettings", (n, p) -> problems.eachObject(n, p, (s, sp) -> {
            problems.onlyFields(s, sp, Set.of("category", "threshold"));
            problems.required(s, sp, "category", "threshold");
        }));
        problems.field(body, "", "generationConfig", this::generationConfig);
    }

    /** A {@code Content}; {@code role} is required in {@code contents}, optional in {@code systemInstruction}. */
    private void content(JsonNode content, String path, boolean roleRequired) {
        problems.onlyFields(content, path, Set.of("role", "parts"));
        problems.required(content, path, "parts");
        if (roleRequired) {
            problems.required(content, path, "role");
        }
        problems.field(content, path, "role", (n, p) -> problems.oneOf(n, p, Set.of("user", "model")));
        problems.field(content, path, "parts", (n, p) -> {
            if (problems.eachObject(n, p, this::part)) {
                problems.nonEmpty(n, p);
            }
        });
    }

    private void part(JsonNode part, String path) {
        Set<String> allowed = new HashSet<>(PART_DATA);
        allowed.addAll(Set.of("thought", "thoughtSignature", "videoMetadata", "partMetadata"));
        problems.onlyFields(part, path, allowed);
        long data = PART_DATA.stream().filter(part::has).count();
        if (data != 1) {
            problems.add(path, "a part holds exactly one of " + new java.util.TreeSet<>(PART_DATA) + ", this one "
                    + data);
        }
        problems.field(part, path, "text", problems::string);
        problems.field(part, path, "thought", problems::bool);
        problems.field(part, path, "thoughtSignature", problems::string);
        problems.field(part, path, "functionCall", (n, p) -> {
            if (problems.object(n, p)) {
                problems.onlyFields(n, p, Set.of("id", "name", "args"));
                problems.required(n, p, "name");
                problems.field(n, p, "name", (name, np) -> problems.matches(name, np, FUNCTION_NAME));
                problems.field(n, p, "id", problems::string);
                problems.field(n, p, "args", problems::object);
            }
        });
        problems.field(part, path, "functionResponse", (n, p) -> {
            if (problems.object(n, p)) {
                problems.onlyFields(n, p, Set.of("id", "name", "response", "parts", "willContinue", "scheduling"));
                problems.required(n, p, "name", "response");
                problems.field(n, p, "name", (name, np) -> problems.matches(name, np, FUNCTION_NAME));
                problems.field(n, p, "id", problems::string);
                problems.field(n, p, "response", problems::object);
            }
        });
        problems.field(part, path, "inlineData", (n, p) -> {
            if (problems.object(n, p)) {
                problems.onlyFields(n, p, Set.of("mimeType", "data"));
                problems.required(n, p, "mimeType", "data");
            }
        });
    }

    private void tools(JsonNode tools, String path) {
        Set<String> names = new HashSet<>();
        problems.eachObject(tools, path, (tool, toolPath) -> {
            problems.onlyFields(tool, toolPath, Set.of("functionDeclarations", "googleSearch",
                    "googleSearchRetrieval", "codeExecution", "urlContext"));
            problems.field(tool, toolPath, "functionDeclarations", (declarations, dp) ->
                    problems.eachObject(declarations, dp, (fd, fdPath) -> {
                        problems.onlyFields(fd, fdPath, Set.of("name", "description", "behavior", "parameters",
                                "parametersJsonSchema", "response", "responseJsonSchema"));
                        problems.required(fd, fdPath, "name");
                        if (problems.matches(fd.path("name"), at(fdPath, "name"), FUNCTION_NAME)
                                && !names.add(fd.get("name").stringValue())) {
                            problems.add(at(fdPath, "name"), "duplicate function name " + fd.get("name"));
                        }
                        problems.field(fd, fdPath, "description", problems::string);
                        problems.field(fd, fdPath, "parameters", problems::object);
                        problems.field(fd, fdPath, "parametersJsonSchema", problems::object);
                        if (fd.has("parameters") && fd.has("parametersJsonSchema")) {
                            problems.add(fdPath, "parameters and parametersJsonSchema are mutually exclusive");
                        }
                        problems.field(fd, fdPath, "behavior", (b, bp) -> problems.oneOf(b, bp,
                                Set.of("UNSPECIFIED", "BLOCKING", "NON_BLOCKING")));
                    }));
        });
    }

    private void generationConfig(JsonNode config, String path) {
        if (!problems.object(config, path)) {
            return;
        }
        problems.onlyFields(config, path, GENERATION_CONFIG);
        problems.field(config, path, "temperature", (n, p) -> problems.number(n, p, 0, 2));
        problems.field(config, path, "topP", (n, p) -> problems.number(n, p, 0, 1));
        problems.field(config, path, "topK", (n, p) -> problems.integer(n, p, 1, Integer.MAX_VALUE));
        problems.field(config, path, "candidateCount", (n, p) -> problems.integer(n, p, 1, 8));
        problems.field(config, path, "maxOutputTokens", (n, p) -> problems.integer(n, p, 1, Integer.MAX_VALUE));
        problems.field(config, path, "responseMimeType", (n, p) -> problems.oneOf(n, p,
                Set.of("text/plain", "application/json", "text/x.enum")));
        problems.field(config, path, "thinkingConfig", (n, p) -> {
            if (problems.object(n, p)) {
                problems.onlyFields(n, p, Set.of("includeThoughts", "thinkingBudget", "thinkingLevel"));
                problems.field(n, p, "includeThoughts", problems::bool);
                problems.field(n, p, "thinkingBudget", (b, bp) -> problems.integer(b, bp, -1, Integer.MAX_VALUE));
                problems.field(n, p, "thinkingLevel", (l, lp) -> problems.oneOf(l, lp,
                        Set.of("THINKING_LEVEL_UNSPECIFIED", "MINIMAL", "LOW", "MEDIUM", "HIGH")));
            }
        });
    }
}
