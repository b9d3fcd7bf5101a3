package dev.munero.agent.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class McpServerSpecTest {
    private static JsonNode json(String text) {
        return McpFixtures.JSON.readTree(text);
    }

    @Test
    void readsClaudeDesktopsShapeAsItIsPasted() {
        List<McpServerSpec> specs = McpServerSpec.parseAll(json("""
                {"filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/work"]},
                 "memory": {"command": "mcp-server-memory", "env": {"MEMORY_FILE_PATH": "/tmp/m.jsonl"}}}
                """));

        assertThat(specs).hasSize(2);
        McpServerSpec fs = specs.get(0);
        assertThat(fs.name()).isEqualTo("filesystem");
        assertThat(fs.transport()).isEqualTo(McpServerSpec.Transport.STDIO);
        assertThat(fs.command()).isEqualTo("npx");
        assertThat(fs.args()).containsExactly("-y", "@modelcontextprotocol/server-filesystem", "/work");
        assertThat(fs.required()).isFalse();
        assertThat(fs.timeout()).isEqualTo(McpServerSpec.DEFAULT_TIMEOUT);
        assertThat(specs.get(1).env()).containsEntry("MEMORY_FILE_PATH", "/tmp/m.jsonl");
    }

    @Test
    void readsClaudeCodesHttpShapeAndMuneroKeys() {
        McpServerSpec spec = McpServerSpec.parse("remote", json("""
                {"type": "http", "url": "https://mcp.example.com/mcp",
                 "headers": {"Authorization": "Bearer ${EXAMPLE_TOKEN}"}, "required": true, "timeout": "2m"}
                """));

        assertThat(spec.transport()).isEqualTo(McpServerSpec.Transport.HTTP);
        assertThat(spec.url()).isEqualTo("https://mcp.example.com/mcp");
        assertThat(spec.headers()).containsEntry("Authorization", "Bearer ${EXAMPLE_TOKEN}");
        assertThat(spec.required()).isTrue();
        assertThat(spec.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(McpServerSpec.parse("t", json("{\"command\": \"x\", \"timeout\": 45}")).timeout())
                .isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void writesBackTheShapeItReads() {
        McpServerSpec spec = new McpServerSpec("fs", "npx", List.of("-y", "pkg"), Map.of("B", "2", "A", "1"), null,
                Map.of(), true, Duration.ofSeconds(90));

        JsonNode written = spec.toJson();

        assertThat(written.toString()).isEqualTo("{\"command\":\"npx\",\"args\":[\"-y\",\"pkg\"],\"env\":{\"A\":\"1\","
                + "\"B\":\"2\"},\"required\":true,\"timeout\":\"90s\"}");
        assertThat(McpServerSpec.parse("fs", written)).isEqualTo(spec);
        McpServerSpec http = McpServerSpec.http("r", "http://127.0.0.1:9/mcp", Map.of("X-Key", "v"));
        assertThat(McpServerSpec.parse("r", http.toJson())).isEqualTo(http);
    }

    @Test
    void everyErrorNamesTheServerAndTheKey() {
        assertError("{\"comand\": \"npx\"}", "fs", "comand",
                "MCP server 'fs': 'comand' is not a known key; the keys are command, args, env (stdio), type, url, "
                        + "headers (HTTP), required and timeout");
        assertError("{\"command\": \"npx\", \"args\": \"-y pkg\"}", "fs", "args",
                "MCP server 'fs': 'args' must be an array of strings, got \"-y pkg\"");
        assertError("{\"command\": \"npx\", \"args\": [{}]}", "fs", "args",
                "MCP server 'fs': 'args' must hold strings only, got an object");
        assertError("{\"command\": \"npx\", \"env\": {\"A\": [1]}}", "fs", "env.A",
                "MCP server 'fs': 'env.A' must be a string, got an array");
        assertError("{\"command\": 3}", "fs", "command", "MCP server 'fs': 'command' must be a string, got 3");
        assertError("{\"args\": [\"x\"]}", "fs", null,
                "MCP server 'fs': needs 'command' (a stdio server) or 'url' (a Streamable HTTP server)");
        assertError("{\"command\": \"x\", \"url\": \"http://h/mcp\"}", "fs", null,
                "MCP server 'fs': has both 'command' and 'url'; give one: 'command' for stdio, 'url' for HTTP");
        assertError("{\"url\": \"ftp://h/mcp\"}", "fs", "url",
                "MCP server 'fs': 'url' must be an http:// or https:// URL with a host, got 'ftp://h/mcp'");
        assertError("{\"type\": \"sse\", \"url\": \"http://h/sse\"}", "fs", "type",
                "MCP server 'fs': 'type' 'sse' (the legacy HTTP+SSE transport) is not supported; use the server's "
                        + "Streamable HTTP endpoint with \"type\": \"http\"");
        assertError("{\"url\": \"http://h/mcp\", \"env\": {}}", "fs", "env",
                "MCP server 'fs': 'env' applies to stdio servers (command) only");
        assertError("{\"command\": \"x\", \"required\": \"yes\"}", "fs", "required",
                "MCP server 'fs': 'required' must be true or false, got \"yes\"");
        assertError("{\"command\": \"x\", \"timeout\": \"soon\"}", "fs", "timeout",
                "MCP server 'fs': 'timeout' 'soon' is not a duration; write e.g. 500ms, 30s, 10m, 2h, 7d or 2w");
        assertError("{\"command\": \"x\", \"timeout\": 0}", "fs", "timeout",
                "MCP server 'fs': 'timeout' must be positive, got 0");
        assertError("[\"npx\"]", "fs", null, "MCP server 'fs': must be an object such as {\"command\": \"npx\", "
                + "\"args\": [...]} or {\"url\": \"https://...\"}, got an array");
    }

    @Test
    void mcpServersMustBeAnObject() {
        assertThatThrownBy(() -> McpServerSpec.parseAll(json("[1]"))).isInstanceOf(McpSpecException.class)
                .hasMessageContaining("mcpServers must be an object");
        assertThat(McpServerSpec.parseAll(null)).isEmpty();
    }

    private static void assertError(String entry, String server, String key, String message) {
        assertThatThrownBy(() -> McpServerSpec.parse(server, json(entry)))
                .isInstanceOfSatisfying(McpSpecException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.server()).isEqualTo(server);
                    assertThat(e.key()).isEqualTo(key);
                });
    }
}
