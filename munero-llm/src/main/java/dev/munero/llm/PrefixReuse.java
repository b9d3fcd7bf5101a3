package dev.munero.llm;

/**
 * Measures how much of a request repeats the previous request's prefix: the share that a prefix cache (Anthropic
 * prompt caching, OpenAI's automatic prompt caching) can serve.
 *
 * <p>Both requests are rendered in the order providers cache them — tool definitions, system prompt, then the
 * messages (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching: "tools, system, and messages,
 * in that order") — and the share is the length of their common prefix divided by the new request's length, in
 * characters. An agent that only appends turns scores close to 1; one that edits earlier messages (e.g. when
 * trimming the context) scores lower on that call. Stateless and thread-safe.
 */
public final class PrefixReuse {
    private PrefixReuse() {
    }

    /** The share, 0 to 1, of {@code current} that repeats {@code previous}'s prefix; 0 when there is none. */
    public static double share(ChatRequest previous, ChatRequest current) {
        if (previous == null) {
            return 0;
        }
        String a = render(previous);
        String b = render(current);
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return b.isEmpty() ? 0 : (double) i / b.length();
    }

    static String render(ChatRequest request) {
        StringBuilder sb = new StringBuilder();
        for (ToolDefinition tool : request.tools()) {
            sb.append("tool\u0000").append(tool.name()).append('\u0000').append(tool.description()).append('\u0000')
                    .append(tool.inputSchema()).append('\u0000');
        }
        sb.append("system\u0000").append(request.system()).append('\u0000');
        for (Message message : request.messages()) {
            sb.append(message.role()).append('\u0000');
            for (ContentBlock block : message.content()) {
                switch (block) {
                    case ContentBlock.Text t -> sb.append("text\u0000").append(t.text());
                    case ContentBlock.ToolCall c -> sb.append("call\u0000").append(c.id()).append('\u0000')
                            .append(c.name()).append('\u0000').append(c.argumentsJson());
                    case ContentBlock.ToolResult r -> sb.append("result\u0000").append(r.toolCallId())
                            .append('\u0000').append(r.error()).append('\u0000').append(r.content());
                }
                sb.append('\u0000');
            }
        }
        return sb.toString();
    }
}
