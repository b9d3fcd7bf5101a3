package dev.munero.llm;

/**
 * Estimates token counts before a request is sent, for context-window management, rate limits and the cost
 * projection that budgets check before each call.
 *
 * <p>The estimate is one token per 4 characters, OpenAI's rule of thumb for English text
 * (https://help.openai.com/en/articles/4936856-what-are-tokens-and-how-to-count-them), rounded up, plus a fixed
 * overhead per message and per tool for the wire format. Code and JSON often tokenise denser than prose, so
 * treat it as an estimate within about ±30 %, not a count; the provider's reported usage is the count.
 * Stateless and thread-safe.
 */
public final class TokenEstimator {
    private static final int CHARS_PER_TOKEN = 4;
    private static final int PER_MESSAGE = 4;
    private static final int PER_TOOL = 10;

    private TokenEstimator() {
    }

    /** Estimated input tokens of a whole request: system prompt, tool definitions and messages. */
    public static long inputTokens(ChatRequest request) {
        long chars = request.system().length();
        long overhead = 0;
        for (ToolDefinition tool : request.tools()) {
            chars += tool.name().length() + tool.description().length() + tool.inputSchema().toString().length();
            overhead += PER_TOOL;
        }
        for (Message message : request.messages()) {
            chars += chars(message);
            overhead += PER_MESSAGE;
        }
        return ceilDiv(chars) + overhead;
    }

    /** Estimated tokens of one message. */
    public static long tokens(Message message) {
        return ceilDiv(chars(message)) + PER_MESSAGE;
    }

    /** Estimated tokens of a text. */
    public static long tokens(String text) {
        return ceilDiv(text.length());
    }

    private static long chars(Message message) {
        long chars = 0;
        for (ContentBlock block : message.content()) {
            chars += switch (block) {
                case ContentBlock.Text t -> t.text().length();
                case ContentBlock.ToolCall c -> c.name().length() + c.argumentsJson().length() + c.id().length();
                case ContentBlock.ToolResult r -> r.content().length() + r.toolCallId().length();
            };
        }
        return chars;
    }

    private static long ceilDiv(long chars) {
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }
}
