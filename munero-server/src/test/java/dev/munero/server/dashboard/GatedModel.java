package dev.munero.server.dashboard;

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
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict scripted model for a whole run that a browser can watch: the planner, the reflector and each task's agent
 * (told apart by the request, as munero-core's RoleScriptedModel does) answer from their own scripts, and a call
 * may be held at a named gate until {@link #release} opens it — so the page sees the run advance one step at a
 * time. A call with no scripted answer fails ({@link AssertionError}). Thread-safe.
 *
 * <p>A call held at a gate waits interruptibly: a pause interrupts it (the run counts it as cut off) and leaves its
 * scripted answer in place for the resumed session.
 */
final class GatedModel implements ChatModel {
    static final ModelRef MODEL = ModelRef.parse("anthropic:claude-sonnet-4-6");
    private static final Pattern TASK = Pattern.compile("Your task \\(id ([a-z0-9-]+)\\)");

    private final Deque<String> plans = new ArrayDeque<>();
    private final Deque<String> reflections = new ArrayDeque<>();
    private final Map<String, Deque<ContentBlock.ToolCall>> tasks = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, String> gateOf = new HashMap<>(); // "role#index" → gate
    private final Map<String, CountDownLatch> gates = new HashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();

    synchronized GatedModel plan(String json) {
        plans.add(json);
        return this;
    }

    synchronized GatedModel reflect(String json) {
        reflections.add(json);
        return this;
    }

    /** The agent of task {@code id} calls these tools, one per turn: {@code name, argumentsJson} pairs. */
    synchronized GatedModel task(String id, String... nameAndArguments) {
        Deque<ContentBlock.ToolCall> script = tasks.computeIfAbsent(id, k -> new ArrayDeque<>());
        for (int i = 0; i < nameAndArguments.length; i += 2) {
            script.add(new ContentBlock.ToolCall("toolu_" + id.replace('-', '_') + "_" + (script.size() + 1),
                    nameAndArguments[i], nameAndArguments[i + 1]));
        }
        return this;
    }

    /**
     * Holds call {@code index} (0-based, counted over every session) of {@code role} ({@code plan},
     * {@code reflect}, {@code task:<id>}) until {@code gate} is released.
     */
    synchronized GatedModel gate(String role, int index, String gate) {
        gateOf.put(role + "#" + index, gate);
        gates.computeIfAbsent(gate, g -> new CountDownLatch(1));
        return this;
    }

    /** Opens {@code gate}; "all" opens every gate. @throws IllegalArgumentException for an unknown gate */
    synchronized void release(String gate) {
        if (gate.equals("all")) {
            gates.values().forEach(CountDownLatch::countDown);
            return;
        }
        CountDownLatch latch = gates.get(gate);
        if (latch == null) {
            throw new IllegalArgumentException("no gate " + gate + "; known: " + gates.keySet());
        }
        latch.countDown();
    }

    /** Every call answered, as {@code role#index}, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    @Override
    public ModelRef model() {
        return MODEL;
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        String role = role(request);
        int index;
        CountDownLatch gate;
        synchronized (this) {
            index = counts.merge(role, 1, Integer::sum) - 1;
            String name = gateOf.get(role + "#" + index);
            gate = name == null ? null : gates.get(name);
        }
        if (gate != null) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                synchronized (this) {
                    counts.merge(role, -1, Integer::sum); // the resumed session asks this call again
                }
                throw e;
            }
        }
        ContentBlock.ToolCall call;
        synchronized (this) {
            call = switch (role) {
                case "plan" -> submit("submit_plan", plans.poll(), role, index);
                case "reflect" -> submit("submit_reflection", reflections.poll(), role, index);
                default -> {
                    Deque<ContentBlock.ToolCall> script = tasks.get(role.substring("task:".length()));
                    yield script == null ? null : script.poll();
                }
            };
            if (call == null) {
                throw new AssertionError("unexpected model call " + role + "#" + index);
            }
            calls.add(role + "#" + index);
        }
        return new ChatResponse(new Message(Message.Role.ASSISTANT, List.of(call)), StopReason.TOOL_USE,
                new Usage(1000, 100, 0, 0), MODEL.model(), "msg_" + role + "_" + index);
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
        }
        Matcher m = TASK.matcher(request.messages().getFirst().text());
        if (!m.find()) {
            throw new AssertionError("a request from no known role");
        }
        return "task:" + m.group(1);
    }
}
