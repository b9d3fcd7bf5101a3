package dev.munero.agent.mcp;

import dev.munero.agent.tools.OutputCap;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.ToolKind;
import dev.munero.agent.tools.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One tool of an MCP server as an agent tool: named {@code mcp__<server>__<tool>} (the naming Claude Code uses;
 * see {@link #toolName}), described by the server's description, with the server's input schema reduced to the
 * subset Munero's providers send ({@link SchemaSubset}), of kind {@link ToolKind#MCP} (the permission gate decides
 * it as a command named by its full name).
 *
 * <p>A call goes to the server's current instance through its {@link McpServers} hub (so it works across restarts).
 * The result is the server's content as text: text blocks as they are, {@code structuredContent} as JSON when there
 * is no text, images, audio and binary resources as a one-line note; {@code isError: true} becomes an error result,
 * and so does a server that is down, restarting, crashes during the call, answers with a JSON-RPC error (an unknown
 * tool, bad arguments) or does not answer within its timeout. Results are redacted of the session's secrets and
 * capped like every tool's ({@link ToolContext#redactor()}, {@link ToolContext#maxOutputChars()}).
 *
 * <p>Thread-safe: immutable; calls may run in parallel.
 */
public final class McpTool implements Tool {
    /** The most characters of a tool name: providers accept {@code ^[a-zA-Z0-9_-]{1,64}$} (OpenAI, Anthropic). */
    public static final int MAX_NAME_LENGTH = 64;
    private static final int MAX_SERVER_PART = 24;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final McpServers hub;
    private final String server;
    private final String mcpName;
    private final String name;
    private final String description;
    private final ObjectNode schema;

    McpTool(McpServers hub, String server, McpSchema.Tool tool) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.server = server;
        this.mcpName = tool.name();
        this.name = toolName(server, tool.name());
        String text = tool.description() != null && !tool.description().isBlank() ? tool.description()
                : tool.title() != null ? tool.title() : tool.name();
        this.description = "(MCP server " + server + ") " + text;
        this.schema = SchemaSubset.reduce(tool.inputSchema() == null ? null : JSON.valueToTree(tool.inputSchema()));
    }

    /** The configured name of the server this tool belongs to. */
    public String server() {
        return server;
    }

    /** The tool's own name on its server, e.g. {@code read_file}. */
    public String mcpName() {
        return mcpName;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public ObjectNode inputSchema() {
        return schema.deepCopy();
    }

    @Override
    public ToolKind kind() {
        return ToolKind.MCP;
    }

    @Override
    public ToolResult execute(JsonNode input, ToolContext context) throws InterruptedException {
        if (input == null || !input.isObject()) {
            return ToolResult.error(name + " takes an object of arguments, got " + input);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> arguments = JSON.convertValue(input, Map.class);
        ToolResult raw = hub.call(server, mcpName, arguments);
        return new ToolResult(OutputCap.cap(context.redactor().redact(raw.content()), context.maxOutputChars()),
                raw.error());
    }

    /** The text the model reads for a tool's result (see the class doc). */
    static String text(McpSchema.CallToolResult result) {
        StringBuilder out = new StringBuilder();
        List<McpSchema.Content> content = result.content() == null ? List.of() : result.content();
        for (McpSchema.Content c : content) {
            String piece = switch (c) {
                case McpSchema.TextContent t -> t.text();
                case McpSchema.ImageContent i -> "[image " + i.mimeType() + ", " + base64Bytes(i.data())
                        + " bytes, not shown]";
                case McpSchema.AudioContent a -> "[audio " + a.mimeType() + ", " + base64Bytes(a.data())
                        + " bytes, not shown]";
                case McpSchema.EmbeddedResource e -> switch (e.resource()) {
                    case McpSchema.TextResourceContents t -> "[resource " + t.uri() + "]\n" + t.text();
                    case McpSchema.BlobResourceContents b -> "[resource " + b.uri() + " " + b.mimeType() + ", "
                            + base64Bytes(b.blob()) + " bytes, not shown]";
                    default -> "[resource " + e.resource().uri() + "]";
                };
                case McpSchema.ResourceLink l -> "[resource link " + l.uri() + (l.name() != null ? " (" + l.name()
                        + ")" : "") + "]";
                default -> "[" + c.type() + " content, not shown]";
            };
            if (piece == null) {
                continue;
            }
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(piece);
        }
        if (out.isEmpty() && result.structuredContent() != null) {
            out.append(JSON.writeValueAsString(result.structuredContent()));
        }
        return out.toString();
    }

    private static long base64Bytes(String data) {
        return data == null ? 0 : data.length() * 3L / 4;
    }

    /**
     * The agent's name for tool {@code tool} of server {@code server}: {@code mcp__<server>__<tool>}, where every
     * character outside {@code [A-Za-z0-9_-]} becomes {@code _} (as Claude Code normalizes server names), the server
     * part is cut at 24 characters, and a name longer than {@value #MAX_NAME_LENGTH} keeps its first characters
     * and ends with {@code _} and 8 hex digits of the SHA-256 of the full name, so it stays unique and within
     * {@code ^[a-zA-Z0-9_-]{1,64}$}, the pattern providers accept for tool names.
     */
    public static String toolName(String server, String tool) {
        String s = sanitize(server);
        if (s.length() > MAX_SERVER_PART) {
            s = s.substring(0, MAX_SERVER_PART);
        }
        String name = "mcp__" + s + "__" + sanitize(tool);
        if (name.length() <= MAX_NAME_LENGTH) {
            return name;
        }
        String hash = HexFormat.of().formatHex(sha256("mcp__" + server + "__" + tool)).substring(0, 8);
        return name.substring(0, MAX_NAME_LENGTH - 9) + "_" + hash;
    }

    static String sanitize(String part) {
        StringBuilder out = new StringBuilder(part.length());
        for (int k = 0; k < part.length(); k++) {
            char c = part.charAt(k);
            out.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-' ? c : '_');
        }
        return out.isEmpty() ? "_" : out.toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
