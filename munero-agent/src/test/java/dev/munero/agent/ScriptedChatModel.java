package dev.munero.agent;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StopReason;
import dev.munero.llm.StreamListener;
import dev.munero.llm.Usage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * An in-process chat model that answers from a script, one step per call, and keeps every request. A step sees
 * the request (to check what the agent sent) and returns the answer. Running out of script fails the test.
 */
final class ScriptedChatModel implements ChatModel {
    private final Deque<Function<ChatRequest, ChatResponse>> script = new ArrayDeque<>();
    final List<ChatRequest> requests = new ArrayList<>();

    ScriptedChatModel then(Function<ChatRequest, ChatResponse> step) {
        script.add(step);
        return this;
    }

    ScriptedChatModel thenToolCall(String name, String argumentsJson) {
        return then(request -> toolCall("call_" + (requests.size()), name, argumentsJson));
    }

    ScriptedChatModel thenText(String text) {
        return then(request -> new ChatResponse(Message.assistant(text), StopReason.END_TURN, usage(), "scripted", ""));
    }

    static ChatResponse toolCall(String id, String name, String argumentsJson) {
        return new ChatResponse(new Message(Message.Role.ASSISTANT,
                List.of(new ContentBlock.ToolCall(id, name, argumentsJson))), StopReason.TOOL_USE, usage(), "scripted",
                "");
    }

    static Usage usage() {
        return new Usage(1000, 100, 0, 0);
    }

    @Override
    public ModelRef model() {
        return new ModelRef("anthropic", "scripted");
    }

    @Override
    public synchronized ChatResponse chat(ChatRequest request, StreamListener listener) {
        requests.add(request);
        Function<ChatRequest, ChatResponse> step = script.poll();
        if (step == null) {
            throw new AssertionError("the agent made call " + requests.size() + " but the script has no more steps");
        }
        return step.apply(request);
    }

    int remaining() {
        return script.size();
    }
}
