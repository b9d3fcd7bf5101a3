package dev.munero.llm;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A strict in-test {@link ChatModel}: answers each call with the next scripted step (a response, an exception, or
 * any code) and fails the test with an {@link AssertionError} on a call it was not scripted for. It records every
 * request it receives. Thread-safe.
 */
public final class ScriptedChatModel implements ChatModel {

    /** One scripted answer. */
    @FunctionalInterface
    public interface Step {
        ChatResponse answer(ChatRequest request) throws InterruptedException;
    }

    private final ModelRef model;
    private final Deque<Step> steps = new ArrayDeque<>();
    private final List<ChatRequest> requests = new CopyOnWriteArrayList<>();

    public ScriptedChatModel(ModelRef model) {
        this.model = model;
    }

    public ScriptedChatModel(String model) {
        this(ModelRef.parse(model));
    }

    /** Answers the next call with {@code response}. */
    public synchronized ScriptedChatModel thenAnswer(ChatResponse response) {
        steps.add(request -> response);
        return this;
    }

    /** Fails the next call with {@code failure}. */
    public synchronized ScriptedChatModel thenThrow(RuntimeException failure) {
        steps.add(request -> {
            throw failure;
        });
        return this;
    }

    /** Runs {@code step} on the next call. */
    public synchronized ScriptedChatModel then(Step step) {
        steps.add(step);
        return this;
    }

    @Override
    public ModelRef model() {
        return model;
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        requests.add(request);
        Step step;
        synchronized (this) {
            step = steps.poll();
        }
        if (step == null) {
            throw new AssertionError("unexpected model call #" + requests.size() + ": " + request);
        }
        return step.answer(request);
    }

    /** Every request received, in order. */
    public List<ChatRequest> requests() {
        return List.copyOf(requests);
    }

    public int calls() {
        return requests.size();
    }

    /** Scripted steps not yet used. */
    public synchronized int unused() {
        return steps.size();
    }

    /** A plain end-of-turn text answer with the given usage. */
    public static ChatResponse reply(String text, Usage usage) {
        return new ChatResponse(Message.assistant(text), StopReason.END_TURN, usage, "model-snapshot-1", "resp_1");
    }

    public static ChatResponse reply(String text) {
        return reply(text, new Usage(10, 5, 0, 0));
    }
}
