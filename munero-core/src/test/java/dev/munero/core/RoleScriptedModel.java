package dev.munero.core;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StopReason;
import dev.munero.llm.StreamListener;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.Usage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict scripted model for whole runs: it tells the planner, the reflector, each task's agent and each task's
 * reviewer apart by the request (the {@code submit_plan} / {@code submit_reflection} / {@code submit_review} tool, and
 * the task id in the agent's or reviewer's first message) and answers each from its own script, so parallel agents may call in any order. A call with no scripted answer
 * fails the test ({@link AssertionError}). Zero latency. Thread-safe.
 */
final class RoleScriptedModel implements ChatModel {
    static final ModelRef MODEL = ModelRef.parse("anthropic:claude-sonnet-4-6");
    private static final Pattern TASK = Pattern.compile("Your task \\(id ([a-z0-9-]+)\\)");
    private static final Pattern REVIEWED = Pattern.compile("Task under review \\(id ([a-z0-9-]+)\\)");

    /** Runs before a call is answered (e.g. to wait for another agent, or to die). */
    interface Hook {
        void before(String role, int index) throws InterruptedException;
    }

    private final Deque<String> plans = new ArrayDeque<>();
    private final Deque<String> reflections = new ArrayDeque<>();
    private final Map<String, Deque<ContentBlock.ToolCall>> tasks = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<String, ChatRequest> requests = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, List<String>> toolsOffered = new java.util.concurrent.ConcurrentHashMap<>();
    private Usage usage = new Usage(1000, 100, 0, 0);
    private final ModelRef model;

    /** A scripted {@link #MODEL}. */
    RoleScriptedModel() {
        this(MODEL);
    }

    /** A scripted {@code model} (an agent profile's own model, issue 14). */
    RoleScriptedModel(ModelRef model) {
        this.model = model;
    }
    private Hook hook = (role, index) -> { };

    synchronized RoleScriptedModel plan(String json) {
        plans.add(json);
        return this;
    }

    synchronized RoleScriptedModel reflect(String json) {
        reflections.add(json);
        return this;
    }

    /** The agent of task {@code id} calls these tools, one per turn: {@code name, argumentsJson} pairs. */
    synchronized RoleScriptedModel task(String id, String... nameAndArguments) {
        Deque<ContentBlock.ToolCall> script = tasks.computeIfAbsent(id, k -> new ArrayDeque<>());
        for (int i = 0; i < nameAndArguments.length; i += 2) {
            script.add(new ContentBlock.ToolCall("toolu_" + id.replace('-', '_').replace(':', '_') + "_"
                    + (script.size() + 1), nameAndArguments[i], nameAndArguments[i + 1]));
        }
        return this;
    }

    /** The reviewer of task {@code id} calls these tools, one per turn: {@code name, argumentsJson} pairs. */
    synchronized RoleScriptedModel review(String id, String... nameAndArguments) {
        return task("review:" + id, nameAndArguments);
    }

    /** The request of an answered call, by its {@code role#index} in {@link #calls()}. */
    ChatRequest request(String call) {
        ChatRequest r = requests.get(call);
        if (r == null) {
            throw new AssertionError("no call " + call + "; the calls were " + calls);
        }
        return r;
    }

    synchronized RoleScriptedModel usage(Usage usage) {
        this.usage = usage;
        return this;
    }

    synchronized RoleScriptedModel hook(Hook hook) {
        this.hook = hook;
        return this;
    }

    /** The names of the tools offered in the first request of {@code role} ({@code task:ID}, {@code plan}). */
    List<String> toolsOffered(String role) {
        return toolsOffered.getOrDefault(role, List.of());
    }

    /** Every call answered, as {@code role#index}, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    synchronized int unused() {
        return plans.size() + reflections.size() + tasks.values().stream().mapToInt(Deque::size).sum();
    }

    @Override
    public ModelRef model() {
        return model;
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        String role = role(request);
        toolsOffered.putIfAbsent(role, request.tools().stream().map(ToolDefinition::name).toList());
        int index;
        synchronized (this) {
            index = counts.merge(role, 1, Integer::sum) - 1;
        }
        hook.before(role, index);
        ContentBlock.ToolCall call;
        synchronized (this) {
            call = switch (role) {
                case "plan" -> submit("submit_plan", plans.poll(), role, index);
                case "reflect" -> submit("submit_reflection", reflections.poll(), role, index);
                default -> {
                    Deque<ContentBlock.ToolCall> script = tasks.get(role.startsWith("task:")
                            ? role.substring("task:".length()) : role);
                    yield script == null ? null : script.poll();
                }
            };
            if (call == null) {
                throw new AssertionError("unexpected model call " + role + "#" + index + ": " + last(request));
            }
            calls.add(role + "#" + index);
            requests.put(role + "#" + index, request);
        }
        return new ChatResponse(new Message(Message.Role.ASSISTANT, List.of(call)), StopReason.TOOL_USE, usage,
                model.model(), "msg_" + role + "_" + index);
    }

    private static ContentBlock.ToolCall submit(String tool, String json, String role, int index) {
        return json == null ? null : new ContentBlock.ToolCall("toolu_" + role + "_" + index, tool, json);
    }

    private static String role(ChatRequest request) {
        for (ToolDefinition tool : request.tools()) {
            if (tool.name().equals("submit_plan")) {
                return "plan";
            }
            if (tool.name().equals("submit_reflection")) {
                return "reflect";
            }
            if (tool.name().equals("submit_review")) {
                Matcher m = REVIEWED.matcher(request.messages().getFirst().text());
                if (!m.find()) {
                    throw new AssertionError("a review of no known task: " + last(request));
                }
                return "review:" + m.group(1);
            }
        }
        Matcher m = TASK.matcher(request.messages().getFirst().text());
        if (!m.find()) {
            throw new AssertionError("a request from no known role: " + last(request));
        }
        return "task:" + m.group(1);
    }

    private static String last(ChatRequest request) {
        List<String> texts = new ArrayList<>();
        for (ContentBlock b : request.messages().getLast().content()) {
            texts.add(b.toString());
        }
        String text = String.join(" ", texts);
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
