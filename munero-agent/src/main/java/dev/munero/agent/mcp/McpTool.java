package dev.munero.agent.mcp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One tool of an MCP server, as an agent tool named {@code mcp__<server>__<tool>} (the naming Claude Code uses).
 */
public final class McpTool {
    /** The most characters of a tool name: providers accept {@code ^[a-zA-Z0-9_-]{1,64}$} (OpenAI, Anthropic). */
    public static final int MAX_NAME_LENGTH = 64;
    private static final int MAX_SERVER_PART = 24;

    private McpTool() {
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
