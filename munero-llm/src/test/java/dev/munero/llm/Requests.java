package dev.munero.llm;

import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Requests and tools for tests. */
public final class Requests {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Requests() {
    }

    /** A one-tool request with one user message. */
    public static ChatRequest ask(String text) {
        return new ChatRequest("You are terse.", List.of(Message.user(text)), List.of(tool("read_file")), 256);
    }

    /** A request with the given system prompt and messages and one tool. */
    public static ChatRequest conversation(String system, Message... messages) {
        return new ChatRequest(system, List.of(messages), List.of(tool("read_file")), 256);
    }

    /** A tool with one required string argument, {@code path}. */
    public static ToolDefinition tool(String name) {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        schema.putObject("properties").putObject("path").put("type", "string");
        schema.putArray("required").add("path");
        return new ToolDefinition(name, "Does " + name + ".", schema);
    }

    /** An assistant message that calls {@code read_file}. */
    public static Message callsReadFile(String callId, String path) {
        return new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.ToolCall(callId, "read_file",
                "{\"path\":\"" + path + "\"}")));
    }

    /** A user message carrying one tool result. */
    public static Message toolResult(String callId, String content) {
        return new Message(Message.Role.USER, List.of(new ContentBlock.ToolResult(callId, content, false)));
    }
}
