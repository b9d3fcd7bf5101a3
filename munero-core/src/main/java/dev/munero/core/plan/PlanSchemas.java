package dev.munero.core.plan;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.munero.llm.ToolDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The planner's tools, {@code submit_plan} and {@code submit_reflection}, whose input schemas are the resources
 * {@code plan.schema.json} and {@code reflection.schema.json} (JSON Schema 2020-12). The same files are what
 * {@link PlanValidator} checks a model's input against.
 *
 * <p>The schemas keep to what both the Anthropic and the OpenAI tool APIs take as an input schema
 * (https://docs.anthropic.com/en/docs/build-with-claude/tool-use,
 * https://platform.openai.com/docs/guides/function-calling): {@code type: object} at the top, no {@code $ref},
 * one {@code type} per property; the tools' copies leave out {@code $schema}. Keywords such as {@code pattern} and
 * {@code minItems} may not reach the model (LangChain4j's schema model drops them), so each rule is also stated in
 * a description. Thread-safe.
 */
public final class PlanSchemas {
    /** The planning tool's name. */
    public static final String SUBMIT_PLAN = "submit_plan";
    /** The reflection tool's name. */
    public static final String SUBMIT_REFLECTION = "submit_reflection";

    private static final Loaded PLAN = Loaded.of("plan.schema.json");
    private static final Loaded REFLECTION = Loaded.of("reflection.schema.json");

    private PlanSchemas() {
    }

    /** The tool whose input is a {@link Plan} in its JSON form. */
    public static ToolDefinition submitPlanTool() {
        return submitPlanTool(Roster.NONE);
    }

    /**
     * The tool whose input is a {@link Plan} in its JSON form; with a {@code roster} that has members, each task
     * also needs a {@code role} (an enum of {@link Roster#taskRoles()}) and {@code skills} (issue 14). With
     * {@link Roster#NONE} it is {@link #submitPlanTool()}'s tool, byte for byte.
     */
    public static ToolDefinition submitPlanTool(Roster roster) {
        ObjectNode schema = PLAN.toolSchema();
        if (!roster.isEmpty()) {
            tag(schema, roster, true);
        }
        return new ToolDefinition(SUBMIT_PLAN, "Submit the whole plan: its summary, tasks and checks. Call it "
                + "exactly once; the plan is read only from this call.", schema);
    }

    /**
     * Adds {@code role} and {@code skills} to the task items of a plan schema.
     *
     * @param withEnum whether {@code role} lists the roles (the model's copy); the validator's copy leaves it out so
     *                 that {@link PlanValidator} names an unknown role in its own words
     */
    static void tag(ObjectNode schema, Roster roster, boolean withEnum) {
        ObjectNode item = (ObjectNode) schema.get("properties").get("tasks").get("items");
        ObjectNode properties = (ObjectNode) item.get("properties");
        ObjectNode role = properties.putObject("role");
        role.put("type", "string");
        if (withEnum) {
            var values = role.putArray("enum");
            roster.taskRoles().forEach(values::add);
        }
        role.put("description", "The role of the agent that should do the task: one of " + String.join(", ",
                roster.taskRoles()) + " (see the agent profiles in the request).");
        ObjectNode skills = properties.putObject("skills");
        skills.put("type", "array");
        skills.put("description", "The skills the task needs, as short tags (e.g. java, parser); prefer the skills "
                + "the agent profiles list. Empty when none matters.");
        skills.putObject("items").put("type", "string");
        ((tools.jackson.databind.node.ArrayNode) item.get("required")).add("role").add("skills");
    }

    /** The schema {@link PlanValidator} checks a tagged plan against (no enum on role: it says so itself). */
    static Schema planSchema(Roster roster) {
        if (roster.isEmpty()) {
            return PLAN.schema();
        }
        ObjectNode tree = PLAN.tree().deepCopy();
        tag(tree, roster, false);
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(tree);
    }

    /** The tool whose input is a {@link Reflection} in its JSON form. */
    public static ToolDefinition submitReflectionTool() {
        return new ToolDefinition(SUBMIT_REFLECTION, "Submit the reflection on the failed checks: the analysis, a "
                + "lesson per failure, and the tasks to redo or add. Call it exactly once; nothing else is read.",
                REFLECTION.toolSchema());
    }

    static Schema planSchema() {
        return PLAN.schema();
    }

    static Schema reflectionSchema() {
        return REFLECTION.schema();
    }

    /** One schema resource: its tree and its compiled validator (networknt schemas are thread-safe). */
    private record Loaded(ObjectNode tree, Schema schema) {
        static Loaded of(String resource) {
            ObjectNode tree;
            try (InputStream in = PlanSchemas.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from the classpath");
                }
                tree = (ObjectNode) JsonMapper.builder().build().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Loaded(tree, SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(tree));
        }

        ObjectNode toolSchema() {
            ObjectNode copy = tree.deepCopy();
            copy.remove("$schema");
            return copy;
        }
    }
}
