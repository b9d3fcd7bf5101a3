package dev.munero.agent.tools;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One tool the agent can call: a name, a description and a JSON Schema for its input, sent to the model as a
 * tool definition, and the code that runs a call.
 *
 * <p>A failing call is an expected outcome: {@link #execute} returns {@link ToolResult#error} with a message the
 * model can act on ("old_string occurs 3 times in src/A.java; add more context"). It throws only for bugs and
 * for interruption.
 *
 * <p>Implementations are stateless and thread-safe; per-run state lives in the {@link ToolContext}.
 */
public interface Tool {

    /**
     * The name the model calls, unique among an agent's tools and matching {@code ^[a-zA-Z0-9_-]{1,64}$} (the pattern
     * the Anthropic and OpenAI APIs accept; {@link dev.munero.llm.ToolDefinition} checks it): the built-in tools use
     * {@code [a-z_]+}, e.g. {@code read_file}; MCP tools are {@code mcp__<server>__<tool>}
     * ({@link dev.munero.agent.mcp.McpTool#toolName}).
     */
    String name();

    /** What the tool does, for the model: one short paragraph. */
    String description();

    /**
     * The JSON Schema (draft 2020-12 subset: {@code object} with {@code properties}, {@code required},
     * {@code description}; property types {@code string}, {@code integer}, {@code number}, {@code boolean},
     * {@code array} of those, {@code enum}) of the input object. Returns a fresh copy each call.
     */
    ObjectNode inputSchema();

    /** What kind of action a call is, for the permission gate. */
    ToolKind kind();

    /**
     * What a call would do, in one short line for the user who is asked to approve it: the command for
     * {@code run_command}, the path for file tools. The default is the input as compact JSON, cut at 200 characters.
     *
     * @param input the model's arguments, not yet validated (may lack fields or hold wrong types)
     */
    default String summary(JsonNode input) {
        String json = String.valueOf(input);
        return json.length() <= 200 ? json : json.substring(0, 200) + "...";
    }

    /**
     * Runs one call.
     *
     * @param input   the model's arguments, an object (already parsed; not yet validated against the schema)
     * @param context the workspace, safety policy and limits of this run
     * @return the result for the model; never null
     * @throws InterruptedException when the run is cancelled while the call waits (e.g. on a child process)
     */
    ToolResult execute(JsonNode input, ToolContext context) throws InterruptedException;
}
