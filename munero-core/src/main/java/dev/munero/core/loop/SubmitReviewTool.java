package dev.munero.core.loop;

import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolKind;
import dev.munero.agent.tools.ToolResult;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code submit_review}: the reviewer agent's verdict on a task's diff, {@code {"approved": boolean, "comments":
 * string}}, and its last call. Like the planner's {@code submit_plan}, the verdict is read only from a valid call to
 * it: a call with a missing or mistyped field, or a rejection without comments, is a tool error the reviewer can
 * correct; a valid call ends the reviewer's session (kind {@link ToolKind#FINISH}) with the verdict as the result's
 * content, {@code {"approved":...,"comments":"..."}} (comments stripped, cut at {@value #MAX_COMMENT_CHARS} characters), which {@link #verdict} reads back.
 *
 * <p>Stateless and thread-safe.
 */
final class SubmitReviewTool implements Tool {
    static final String NAME = "submit_review";
    /** Comments longer than this are cut (they go into events and the next prompt whole). */
    static final int MAX_COMMENT_CHARS = 4000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A reviewer's verdict: approved, or sent back with comments (not blank then). */
    record Verdict(boolean approved, String comments) { }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Submit your review of the task's change and end the review. approved: true when the change does the "
                + "task correctly and harms nothing; false to send it back to the task's agent. comments: what is "
                + "wrong and what to do (file, line or symbol, the fix) when you reject; optional remarks when you "
                + "approve. Call it once, as your last call.";
    }

    @Override
    public ObjectNode inputSchema() {
        ObjectNode schema = JSON.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("approved").put("type", "boolean")
                .put("description", "true to accept the change, false to send it back with your comments");
        properties.putObject("comments").put("type", "string")
                .put("description", "For the task's agent: what is wrong and what to do; required when rejecting");
        schema.putArray("required").add("approved").add("comments");
        return schema;
    }

    @Override
    public ToolKind kind() {
        return ToolKind.FINISH;
    }

    @Override
    public ToolResult execute(JsonNode input, ToolContext context) {
        JsonNode approved = input.get("approved");
        JsonNode comments = input.get("comments");
        if (approved == null || !approved.isBoolean()) {
            return ToolResult.error("approved must be true or false; call submit_review again with it");
        }
        if (comments != null && !comments.isNull() && !comments.isString()) {
            return ToolResult.error("comments must be a string; call submit_review again with it");
        }
        String text = Text.cut(comments == null || comments.isNull() ? "" : comments.asString().strip(),
                MAX_COMMENT_CHARS);
        if (!approved.asBoolean() && text.isEmpty()) {
            return ToolResult.error("a rejection needs comments: say what is wrong and what the task's agent should "
                    + "do, then call submit_review again");
        }
        return ToolResult.ok(JSON.writeValueAsString(JSON.createObjectNode().put("approved", approved.asBoolean())
                .put("comments", text)));
    }

    /**
     * The verdict in the content of a successful call's result; content that is not the tool's JSON (the agent loop
     * redacted or cut it) is a rejection whose comments are that content.
     */
    static Verdict verdict(String resultContent) {
        try {
            JsonNode node = JSON.readTree(resultContent);
            if (node.path("approved").isBoolean()) {
                return new Verdict(node.path("approved").asBoolean(), node.path("comments").asString(""));
            }
        } catch (JacksonException e) {
            // not the tool's JSON: below
        }
        return new Verdict(false, resultContent);
    }
}
