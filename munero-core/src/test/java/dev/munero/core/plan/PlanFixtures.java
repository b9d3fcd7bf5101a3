package dev.munero.core.plan;

import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.StopReason;
import dev.munero.llm.Usage;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A small valid plan and reflection as the model would send them, and answers that carry them. */
final class PlanFixtures {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final Set<String> ENGINE_STEPS = Set.of("test", "compile", "lint");
    static final List<StepInfo> STEPS = List.of(new StepInfo("compile", "javac -d out src/*.java", List.of()),
            new StepInfo("test", "java -cp out Tests", List.of("compile")),
            new StepInfo("lint", "checkstyle src", List.of()));

    private PlanFixtures() {
    }

    /** greeter, then cli (needs greeter), then docs (needs cli); checks: the engine step test and a command. */
    static ObjectNode planJson() {
        return (ObjectNode) JSON.readTree("""
                {"summary": "A greeting CLI: the greeter, then the CLI, then its documentation.",
                 "tasks": [
                   {"id": "greeter", "description": "Write Greeter.greet(name) returning 'Hello, <name>!'.",
                    "files": ["src/Greeter.java"], "depends_on": []},
                   {"id": "cli", "description": "Add Main, which prints the greeting of its first argument.",
                    "files": ["src/Main.java"], "depends_on": ["greeter"]},
                   {"id": "docs", "description": "Document the CLI in README.md.",
                    "files": ["README.md"], "depends_on": ["cli"]}
                 ],
                 "checks": [{"name": "test"},
                            {"name": "cli-smoke", "run": "java src/Main.java Ada | grep -q 'Hello, Ada'"}]}
                """);
    }

    static Plan plan() {
        return switch (PlanValidator.validatePlan(planJson(), ENGINE_STEPS)) {
            case PlanValidator.Result.Valid<Plan> valid -> valid.value();
            case PlanValidator.Result.Invalid<Plan> invalid -> throw new AssertionError(invalid.problems());
        };
    }

    /** Revises cli (now also needing a new task, escape) and adds escape. */
    static ObjectNode reflectionJson() {
        return (ObjectNode) JSON.readTree("""
                {"analysis": "The smoke check failed: Main printed the greeting of the program's name.",
                 "lessons": [{"check": "cli-smoke", "what_failed": "grep found no 'Hello, Ada'",
                              "why": "Main read args[1] instead of args[0]",
                              "fix": "read the first argument, args[0]", "files": ["src/Main.java"]}],
                 "tasks": [
                   {"id": "cli", "description": "Fix Main: greet args[0], not args[1].",
                    "files": ["src/Main.java"], "depends_on": ["greeter", "escape"]},
                   {"id": "escape", "description": "Make Greeter strip control characters from names.",
                    "files": ["src/Greeter.java"], "depends_on": ["greeter"]}
                 ]}
                """);
    }

    static ObjectNode task(ObjectNode json, int index) {
        return (ObjectNode) json.get("tasks").get(index);
    }

    static ObjectNode check(ObjectNode json, int index) {
        return (ObjectNode) json.get("checks").get(index);
    }

    static ArrayNode dependsOn(ObjectNode json, int index, String... ids) {
        ArrayNode array = task(json, index).putArray("depends_on");
        for (String id : ids) {
            array.add(id);
        }
        return array;
    }

    /** An answer that calls {@code tool} once with {@code input}. */
    static ChatResponse calling(String callId, String tool, String input) {
        return new ChatResponse(new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.Text("Here it is."),
                new ContentBlock.ToolCall(callId, tool, input))), StopReason.TOOL_USE, new Usage(1000, 400, 0, 0),
                "model-snapshot-1", "resp_" + callId);
    }
}
