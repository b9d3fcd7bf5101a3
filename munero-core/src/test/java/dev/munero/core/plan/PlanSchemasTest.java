package dev.munero.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.ToolDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class PlanSchemasTest {

    /** Every schema node below {@code node} with its path. */
    private static void walk(String path, JsonNode node, Map<String, JsonNode> out) {
        out.put(path, node);
        for (var property : node.path("properties").properties()) {
            walk(path + "." + property.getKey(), property.getValue(), out);
        }
        if (node.has("items")) {
            walk(path + "[]", node.get("items"), out);
        }
    }

    private static Map<String, JsonNode> nodes(ToolDefinition tool) {
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        walk(tool.name(), tool.inputSchema(), nodes);
        return nodes;
    }

    @Test
    void theToolsAreNamedAsThePromptsSay() {
        assertThat(PlanSchemas.submitPlanTool().name()).isEqualTo("submit_plan");
        assertThat(PlanSchemas.submitReflectionTool().name()).isEqualTo("submit_reflection");
    }

    @Test
    void toolSchemasKeepToWhatTheProviderToolApisAccept() {
        for (ToolDefinition tool : List.of(PlanSchemas.submitPlanTool(), PlanSchemas.submitReflectionTool())) {
            // then: an object at the top, no $schema and no $ref anywhere
            assertThat(tool.inputSchema().path("type").asString()).isEqualTo("object");
            assertThat(tool.inputSchema().has("$schema")).isFalse();
            assertThat(tool.inputSchema().toString()).doesNotContain("$ref");
            // and: every node has one type (the subset munero-llm maps for LangChain4j), objects are closed and
            // name their required fields, and every property is described for the model
            List<String> bad = new ArrayList<>();
            nodes(tool).forEach((path, node) -> {
                if (!node.path("type").isString()) {
                    bad.add(path + " has no single type");
                }
                boolean closed = node.path("additionalProperties").isBoolean()
                        && !node.path("additionalProperties").asBoolean();
                if (node.path("type").asString("").equals("object") && (!closed || !node.has("required"))) {
                    bad.add(path + " is an object without additionalProperties false and required");
                }
            });
            for (String property : List.of("summary", "tasks", "checks", "analysis", "lessons")) {
                JsonNode p = tool.inputSchema().path("properties").path(property);
                if (!p.isMissingNode() && !p.has("description")) {
                    bad.add(tool.name() + "." + property + " has no description");
                }
            }
            assertThat(bad).isEmpty();
        }
    }

    @Test
    void theToolHandsOutCopiesOfItsSchema() {
        // given
        ToolDefinition first = PlanSchemas.submitPlanTool();

        // when
        first.inputSchema().put("type", "string");

        // then
        assertThat(PlanSchemas.submitPlanTool().inputSchema().path("type").asString()).isEqualTo("object");
    }
}
