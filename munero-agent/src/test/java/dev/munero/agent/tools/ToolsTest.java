package dev.munero.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class ToolsTest {
    @TempDir
    Path workspace;

    @Test
    void theStandardToolsComeInTheirFixedOrder() {
        assertThat(Tools.standard()).extracting(Tool::name).containsExactly("read_file", "write_file", "edit_file",
                "list_files", "glob", "grep", "run_command", "build", "finish");
    }

    @Test
    void everySchemaIsAnObjectWhoseRequiredFieldsAreDescribedProperties() {
        for (Tool tool : Tools.standard()) {
            ObjectNode schema = tool.inputSchema();
            assertThat(tool.name()).matches("[a-z_]+");
            assertThat(tool.description()).as(tool.name()).hasSizeBetween(80, 1_000);
            assertThat(schema.get("type").asString()).isEqualTo("object");
            for (JsonNode required : schema.get("required")) {
                assertThat(schema.get("properties").has(required.asString())).as(tool.name() + " " + required).isTrue();
            }
            schema.get("properties").forEach(p -> assertThat(p.get("description").asString()).isNotBlank());
        }
    }

    @Test
    void inputSchemaReturnsAFreshCopy() {
        Tool tool = new ReadFileTool();
        tool.inputSchema().put("type", "changed");

        assertThat(tool.inputSchema().get("type").asString()).isEqualTo("object");
    }

    @Test
    void argumentsOfTheWrongShapeAreErrorResults() throws Exception {
        ToolContext context = ToolContext.builder(workspace).build();

        assertThat(new ReadFileTool().execute(Args.of("path", 5), context).content())
                .isEqualTo("read_file: 'path' must be a string, got 5");
        assertThat(new ReadFileTool().execute(Args.of("path", "a", "offset_line", 0), context).content())
                .isEqualTo("read_file: 'offset_line' must be between 1 and 2147483647, got 0");
        assertThat(new GlobTool().execute(JsonNodeFactory.instance.arrayNode(), context).content())
                .isEqualTo("glob takes an object of arguments, got []");
        assertThat(new FinishTool().execute(Args.of("summary", "  all done  "), context))
                .isEqualTo(ToolResult.ok("all done"));
    }

    @Test
    void summariesShowWhatTheUserIsAskedAbout() {
        assertThat(new RunCommandTool().summary(Args.of("command", "mvn test"))).isEqualTo("mvn test");
        assertThat(new EditFileTool().summary(Args.of("path", "src/A.java", "old_string", "x"))).isEqualTo("src/A.java");
        assertThat(new BuildTool().summary(Args.of("targets", java.util.List.of("a", "b")))).isEqualTo("munero build a b");
    }
}
