package dev.munero.agent.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.ToolDefinition;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class McpToolTest {
    @Test
    void namesAreMcpServerToolAndAlwaysFitTheProvidersPattern() {
        assertThat(McpTool.toolName("fs", "read_file")).isEqualTo("mcp__fs__read_file");
        assertThat(McpTool.toolName("my server.v2", "get.thing")).isEqualTo("mcp__my_server_v2__get_thing");
        String longName = McpTool.toolName("a-very-long-server-name-indeed-yes", "x".repeat(80));
        String other = McpTool.toolName("a-very-long-server-name-indeed-yes", "x".repeat(79) + "y");

        assertThat(longName).hasSize(64).matches("[a-zA-Z0-9_-]{1,64}").startsWith("mcp__a-very-long-server-name-__x");
        assertThat(other).hasSize(64).isNotEqualTo(longName);
    }

    @Test
    void schemasAreReducedToWhatProvidersTake() throws Exception {
        Map<String, Object> schema = Map.of("type", "object", "$schema", "http://json-schema.org/draft-07/schema#",
                "properties", Map.of(
                        "path", Map.of("type", "string", "description", "Where"),
                        "head", Map.of("type", List.of("number", "null")),
                        "mode", Map.of("anyOf", List.of(Map.of("type", "null"), Map.of("type", "integer"))),
                        "tags", Map.of("type", "array"),
                        "anything", Map.of(),
                        "edits", Map.of("type", "array", "items", Map.of("type", "object", "properties",
                                Map.of("oldText", Map.of("type", "string")), "required", List.of("oldText"))),
                        "kind", Map.of("enum", List.of("a", "b"))),
                "required", List.of("path", "missing"), "additionalProperties", false);

        ObjectNode reduced = SchemaSubset.reduce(McpFixtures.JSON.valueToTree(schema));

        assertThat(reduced.path("properties").path("path").toString())
                .isEqualTo("{\"type\":\"string\",\"description\":\"Where\"}");
        assertThat(reduced.path("properties").path("head").path("type").asString()).isEqualTo("number");
        assertThat(reduced.path("properties").path("mode").path("type").asString()).isEqualTo("integer");
        assertThat(reduced.path("properties").path("tags").path("items").path("type").asString()).isEqualTo("string");
        assertThat(reduced.path("properties").path("anything").path("description").asString())
                .startsWith("A JSON value as text");
        assertThat(reduced.path("properties").path("edits").path("items").path("required").get(0).asString())
                .isEqualTo("oldText");
        assertThat(reduced.path("required").toString()).isEqualTo("[\"path\"]");
        assertThat(reduced.has("$schema")).isFalse();
        try (McpServers none = McpServers.start(List.of(), McpServers.Launch.unsandboxed(Path.of(".")),
                McpStatusListener.NONE)) {
            McpTool tool = new McpTool(none, "fs", new McpSchema.Tool("edit", null, "Edits.", schema, null, null, null));
            new ToolDefinition(tool.name(), tool.description(), tool.inputSchema()); // accepted
            assertThat(tool.description()).isEqualTo("(MCP server fs) Edits.");
        }
    }

    @Test
    void resultContentBecomesTextTheModelCanRead() {
        McpSchema.CallToolResult result = new McpSchema.CallToolResult(List.of(
                new McpSchema.TextContent("first"),
                new McpSchema.ImageContent(null, "aGVsbG8=", "image/png"),
                new McpSchema.EmbeddedResource(null, new McpSchema.TextResourceContents("file:///a.txt", "text/plain",
                        "inside"))), false, null, null);

        assertThat(McpTool.text(result)).isEqualTo("first\n[image image/png, 6 bytes, not shown]\n"
                + "[resource file:///a.txt]\ninside");
        assertThat(McpTool.text(new McpSchema.CallToolResult(List.of(), false, Map.of("n", 1), null)))
                .isEqualTo("{\"n\":1}");
    }
}
