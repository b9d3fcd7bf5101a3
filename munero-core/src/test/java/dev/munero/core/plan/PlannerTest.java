package dev.munero.core.plan;

import static dev.munero.core.plan.PlanFixtures.STEPS;
import static dev.munero.core.plan.PlanFixtures.calling;
import static dev.munero.core.plan.PlanFixtures.check;
import static dev.munero.core.plan.PlanFixtures.dependsOn;
import static dev.munero.core.plan.PlanFixtures.planJson;
import static dev.munero.core.plan.PlanFixtures.reflectionJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ProviderException;
import dev.munero.llm.ScriptedChatModel;
import dev.munero.llm.StopReason;
import dev.munero.llm.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class PlannerTest {
    private static final String SPEC = "Add a CLI that greets the name it is given.";
    private static final List<String> FILES = List.of("src/Tests.java", "README.md", "munero.yaml");
    private static final List<Lesson> NO_LESSONS = List.of();
    private static final List<CheckFailure> FAILURES = List.of(new CheckFailure("cli-smoke", OptionalInt.of(1),
            "Hello, Main!\n", List.of()), new CheckFailure("test", OptionalInt.of(1), "FAILED: GreeterTest.greets",
            List.of("GreeterTest.greets")));

    private final ScriptedChatModel model = new ScriptedChatModel("anthropic:claude-sonnet-4-6");
    private final Planner planner = new Planner(model, 8_000);

    private static String userText(ChatRequest request, int message) {
        return request.messages().get(message).text();
    }

    private static ChatResponse textOnly(String text, StopReason stopReason) {
        return new ChatResponse(Message.assistant(text), stopReason, new Usage(900, 300, 0, 0), "model-snapshot-1",
                "resp");
    }

    @Test
    void returnsThePlanOfAValidFirstAnswer() throws Exception {
        // given
        model.thenAnswer(calling("toolu_1", "submit_plan", planJson().toString()));

        // when
        Plan plan = planner.plan(SPEC, STEPS, FILES, NO_LESSONS);

        // then
        assertThat(plan).isEqualTo(PlanFixtures.plan());
        assertThat(planner.lastCalls()).isEqualTo(1);
        assertThat(planner.lastUsage()).isEqualTo(new Usage(1000, 400, 0, 0));
    }

    @Test
    void asksWithTheSpecTheStepsAndTheFilesAndOnlyTheSubmitPlanTool() throws Exception {
        // given
        model.thenAnswer(calling("toolu_1", "submit_plan", planJson().toString()));

        // when
        planner.plan(SPEC, STEPS, FILES, NO_LESSONS);

        // then
        ChatRequest request = model.requests().getFirst();
        assertThat(request.system()).contains("submit_plan").contains("one coding agent").contains("exits 0");
        assertThat(request.tools()).containsExactly(PlanSchemas.submitPlanTool());
        assertThat(request.maxOutputTokens()).isEqualTo(8_000);
        assertThat(request.messages()).hasSize(1);
        assertThat(userText(request, 0))
                .startsWith("# Specification\n\n" + SPEC + "\n")
                .contains("- compile: `javac -d out src/*.java`\n- test: `java -cp out Tests` (after compile)\n")
                .contains("# Files of the repository\n\nREADME.md\nmunero.yaml\nsrc/Tests.java\n")
                .doesNotContain("Lessons");
    }

    @Test
    void showsTheLessonsOfEarlierRuns() throws Exception {
        // given
        model.thenAnswer(calling("toolu_1", "submit_plan", planJson().toString()));
        Lesson lesson = new Lesson("test", "GreeterTest failed", "the greeting had no comma",
                "write 'Hello, <name>!'", List.of("src/Greeter.java"));

        // when
        planner.plan(SPEC, STEPS, FILES, List.of(lesson));

        // then
        assertThat(userText(model.requests().getFirst(), 0)).contains("# Lessons from earlier runs\n\n"
                + "- check test\n  what failed: GreeterTest failed\n  why: the greeting had no comma\n"
                + "  fix: write 'Hello, <name>!'\n  files: src/Greeter.java\n");
    }

    @Test
    void listsAtMostAFewHundredFiles() throws Exception {
        // given
        model.thenAnswer(calling("toolu_1", "submit_plan", planJson().toString()));
        List<String> many = IntStream.range(0, 1_000).mapToObj(i -> "src/F%04d.java".formatted(i)).toList();

        // when
        planner.plan(SPEC, STEPS, many, NO_LESSONS);

        // then
        String text = userText(model.requests().getFirst(), 0);
        assertThat(text).contains("src/F0299.java\n(and 700 more files)").doesNotContain("src/F0300.java");
    }

    @Test
    void sendsTheProblemsOfAnInvalidPlanBackAsTheToolResultOfItsCall() throws Exception {
        // given: a first plan with a cycle, then a valid one
        ObjectNode cyclic = planJson();
        dependsOn(cyclic, 0, "docs");
        model.thenAnswer(calling("toolu_bad", "submit_plan", cyclic.toString()))
                .thenAnswer(calling("toolu_good", "submit_plan", planJson().toString()));

        // when
        Plan plan = planner.plan(SPEC, STEPS, FILES, NO_LESSONS);

        // then
        assertThat(plan).isEqualTo(PlanFixtures.plan());
        ChatRequest second = model.requests().get(1);
        assertThat(second.messages()).hasSize(3);
        assertThat(second.messages().subList(0, 1)).isEqualTo(model.requests().getFirst().messages());
        assertThat(second.messages().get(1)).isEqualTo(calling("toolu_bad", "submit_plan", cyclic.toString())
                .message());
        Message results = second.messages().get(2);
        assertThat(results.role()).isEqualTo(Message.Role.USER);
        assertThat(results.content()).singleElement().isInstanceOfSatisfying(ContentBlock.ToolResult.class, r -> {
            assertThat(r.toolCallId()).isEqualTo("toolu_bad");
            assertThat(r.error()).isTrue();
            assertThat(r.content()).contains("call submit_plan again")
                    .contains("- dependency cycle: greeter -> docs -> cli -> greeter");
        });
        assertThat(planner.lastCalls()).isEqualTo(2);
    }

    @Test
    void remindsAModelThatAnsweredWithoutTheTool() throws Exception {
        // given
        model.thenAnswer(textOnly("Here is my plan: first the greeter...", StopReason.END_TURN))
                .thenAnswer(calling("toolu_1", "submit_plan", planJson().toString()));

        // when
        Plan plan = planner.plan(SPEC, STEPS, FILES, NO_LESSONS);

        // then
        assertThat(plan.tasks()).hasSize(3);
        List<Message> messages = model.requests().get(1).messages();
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).text()).isEqualTo("Here is my plan: first the greeter...");
        assertThat(messages.get(2).role()).isEqualTo(Message.Role.USER);
        assertThat(messages.get(2).text()).contains("without calling submit_plan").contains("Call submit_plan now");
    }

    @Test
    void saysSoWhenTheAnswerWasCutOffAtTheOutputLimit() throws Exception {
        // given
        model.thenAnswer(new ChatResponse(new Message(Message.Role.ASSISTANT, List.of(new ContentBlock.ToolCall(
                        "toolu_cut", "submit_plan", "{\"summary\": \"A gree"))), StopReason.MAX_TOKENS,
                        new Usage(900, 8_000, 0, 0), "model-snapshot-1", "resp"))
                .thenAnswer(calling("toolu_1", "submit_plan", planJson().toString()));

        // when
        planner.plan(SPEC, STEPS, FILES, NO_LESSONS);

        // then
        var result = (ContentBlock.ToolResult) model.requests().get(1).messages().get(2).content().getFirst();
        assertThat(result.content()).contains("(top level): the input is not valid JSON")
                .contains("cut off at the output limit of 8000 tokens");
    }

    @Test
    void answersEveryToolCallOfAnInvalidAnswerByItsId() throws Exception {
        // given: a call to a tool that does not exist, and a plan that is not an object
        model.thenAnswer(new ChatResponse(new Message(Message.Role.ASSISTANT, List.of(
                        new ContentBlock.ToolCall("call_1", "read_file", "{\"path\": \"README.md\"}"),
                        new ContentBlock.ToolCall("call_2", "submit_plan", "[]"))), StopReason.TOOL_USE,
                        new Usage(900, 300, 0, 0), "model-snapshot-1", "resp"))
                .thenAnswer(calling("call_3", "submit_plan", planJson().toString()));

        // when
        planner.plan(SPEC, STEPS, FILES, NO_LESSONS);

        // then
        List<ContentBlock> results = model.requests().get(1).messages().get(2).content();
        assertThat(results).extracting(b -> ((ContentBlock.ToolResult) b).toolCallId())
                .containsExactly("call_1", "call_2");
        assertThat(((ContentBlock.ToolResult) results.get(0)).content())
                .contains("there is no tool named 'read_file'; the only tool is submit_plan");
        assertThat(((ContentBlock.ToolResult) results.get(1)).content()).contains("(top level): ");
    }

    @Test
    void givesUpAfterMaxRepairsWithTheLastProblems() {
        // given: four answers that name an unknown step
        ObjectNode unknownStep = planJson();
        check(unknownStep, 0).put("name", "tests");
        for (int i = 0; i <= Planner.MAX_REPAIRS; i++) {
            model.thenAnswer(calling("toolu_" + i, "submit_plan", unknownStep.toString()));
        }

        // then
        assertThatThrownBy(() -> planner.plan(SPEC, STEPS, FILES, NO_LESSONS))
                .isInstanceOfSatisfying(PlanningException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(Planner.MAX_REPAIRS + 1);
                    assertThat(e.problems()).containsExactly("/checks/0/name: 'tests' is not a build step of the "
                            + "repository; name one of compile, lint, test, or give the check a run command");
                })
                .hasMessageStartingWith("the model gave no valid plan after 4 attempts: /checks/0/name: 'tests'");
        assertThat(model.calls()).isEqualTo(4);
        assertThat(model.requests().getLast().messages()).hasSize(7);
        assertThat(planner.lastCalls()).isEqualTo(4);
    }

    @Test
    void aReminderCountsAsARepair() {
        // given
        for (int i = 0; i <= Planner.MAX_REPAIRS; i++) {
            model.thenAnswer(textOnly("I would rather talk.", StopReason.END_TURN));
        }

        // then
        assertThatThrownBy(() -> planner.plan(SPEC, STEPS, FILES, NO_LESSONS))
                .isInstanceOf(PlanningException.class)
                .hasMessage("the model gave no valid plan after 4 attempts: the answer called no tool");
        assertThat(model.calls()).isEqualTo(4);
    }

    @Test
    void providerFailuresAndOtherUncheckedExceptionsOfTheModelPropagateUnchanged() {
        // given
        var overloaded = new ProviderException(ProviderException.Kind.OVERLOADED, "anthropic: overloaded");
        var budget = new IllegalStateException("budget of 1.00 USD reached");
        ScriptedChatModel failing = new ScriptedChatModel("anthropic:claude-sonnet-4-6").thenThrow(overloaded)
                .thenAnswer(calling("toolu_1", "submit_plan", "{}")).thenThrow(budget);
        Planner failingPlanner = new Planner(failing, 8_000);

        // then: the first call fails, and so does the repair after an invalid answer
        assertThatThrownBy(() -> failingPlanner.plan(SPEC, STEPS, FILES, NO_LESSONS)).isSameAs(overloaded);
        assertThatThrownBy(() -> failingPlanner.plan(SPEC, STEPS, FILES, NO_LESSONS)).isSameAs(budget);
        assertThat(failingPlanner.lastCalls()).isEqualTo(2);
    }

    @Test
    void anInterruptPropagates() {
        // given
        model.then(request -> {
            throw new InterruptedException("stop");
        });

        // then
        assertThatThrownBy(() -> planner.plan(SPEC, STEPS, FILES, NO_LESSONS))
                .isInstanceOf(InterruptedException.class);
    }

    @Test
    void identicalInputsGiveIdenticalRequests() throws Exception {
        // given: two planners, the same answers (an invalid one first), the files in another order
        ObjectNode invalid = planJson();
        dependsOn(invalid, 1, "nothing");
        List<List<ChatRequest>> runs = new ArrayList<>();
        for (List<String> files : List.of(FILES, FILES.reversed())) {
            ScriptedChatModel scripted = new ScriptedChatModel("anthropic:claude-sonnet-4-6")
                    .thenAnswer(calling("toolu_1", "submit_plan", invalid.toString()))
                    .thenAnswer(calling("toolu_2", "submit_plan", planJson().toString()));

            // when
            new Planner(scripted, 8_000).plan(SPEC, STEPS, files, NO_LESSONS);
            runs.add(scripted.requests());
        }

        // then
        assertThat(runs.get(0)).hasSize(2).isEqualTo(runs.get(1));
    }

    @Test
    void reflectsOnFailuresWithThePlanItsProgressAndTheLogs() throws Exception {
        // given
        Plan plan = PlanFixtures.plan();
        model.thenAnswer(calling("toolu_1", "submit_reflection", reflectionJson().toString()));

        // when
        Reflection reflection = planner.reflect(SPEC, plan, List.of("greeter", "cli"), FAILURES, NO_LESSONS);

        // then
        assertThat(reflection.lessons()).extracting(Lesson::check).containsExactly("cli-smoke");
        ChatRequest request = model.requests().getFirst();
        assertThat(request.tools()).containsExactly(PlanSchemas.submitReflectionTool());
        assertThat(request.system()).contains("submit_reflection");
        assertThat(userText(request, 0))
                .startsWith("# Specification\n\n" + SPEC + "\n")
                .contains("- greeter (done): Write Greeter.greet(name)")
                .contains("- docs (not done): Document the CLI in README.md.\n  files: README.md\n"
                        + "  depends on: cli\n")
                .contains("- test (build step)\n- cli-smoke: `java src/Main.java Ada | grep -q 'Hello, Ada'`\n")
                .contains("## cli-smoke (exit code 1)\n\nEnd of the log:\n\n```\nHello, Main!\n```\n")
                .contains("## test (exit code 1)\n\nFailing tests: GreeterTest.greets\n")
                .doesNotContain("Lessons");
    }

    @Test
    void aReflectionRevisesTasksOfThePlanAndAddsNewOnes() throws Exception {
        // given
        Plan plan = PlanFixtures.plan();
        model.thenAnswer(calling("toolu_1", "submit_reflection", reflectionJson().toString()));

        // when
        Reflection reflection = planner.reflect(SPEC, plan, List.of("greeter", "cli", "docs"), FAILURES,
                NO_LESSONS);
        Plan revised = plan.revise(reflection.tasks());

        // then: cli is replaced in place, escape is added, the rest is unchanged
        assertThat(revised.tasks()).extracting(PlanTask::id).containsExactly("greeter", "cli", "docs", "escape");
        assertThat(revised.task("cli")).get().satisfies(t -> {
            assertThat(t.description()).isEqualTo("Fix Main: greet args[0], not args[1].");
            assertThat(t.dependsOn()).containsExactly("greeter", "escape");
        });
        assertThat(revised.task("docs")).isEqualTo(plan.task("docs"));
        assertThat(revised.checks()).isEqualTo(plan.checks());
    }

    @Test
    void repairsAnInvalidReflection() throws Exception {
        // given: a first reflection whose new task depends on a task that does not exist
        ObjectNode invalid = reflectionJson();
        dependsOn(invalid, 1, "greeter", "sanitizer");
        model.thenAnswer(calling("toolu_1", "submit_reflection", invalid.toString()))
                .thenAnswer(calling("toolu_2", "submit_reflection", reflectionJson().toString()));

        // when
        planner.reflect(SPEC, PlanFixtures.plan(), List.of(), FAILURES, NO_LESSONS);

        // then
        var result = (ContentBlock.ToolResult) model.requests().get(1).messages().get(2).content().getFirst();
        assertThat(result.toolCallId()).isEqualTo("toolu_1");
        assertThat(result.content()).contains("The reflection was not accepted")
                .contains("/tasks/1/depends_on/1: 'sanitizer' is not a task of the plan or of this answer");
    }

    @Test
    void cutsLongLogsToTheirEnd() throws Exception {
        // given
        model.thenAnswer(calling("toolu_1", "submit_reflection", reflectionJson().toString()));
        String log = "x".repeat(10_000) + "\nBUILD FAILURE\n";

        // when
        planner.reflect(SPEC, PlanFixtures.plan(), List.of(),
                List.of(new CheckFailure("test", OptionalInt.empty(), log, List.of())), NO_LESSONS);

        // then
        assertThat(userText(model.requests().getFirst(), 0)).contains("## test (no exit code)")
                .contains("[4014 earlier characters left out]\n").contains("BUILD FAILURE\n```");
    }

    @Test
    void reflectNeedsAFailureAndKnownDoneTasks() {
        Plan plan = PlanFixtures.plan();

        assertThatThrownBy(() -> planner.reflect(SPEC, plan, List.of(), List.of(), NO_LESSONS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no check failed");
        assertThatThrownBy(() -> planner.reflect(SPEC, plan, List.of("ghost"), FAILURES, NO_LESSONS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ghost'");
        assertThat(model.calls()).isZero();
    }
}
