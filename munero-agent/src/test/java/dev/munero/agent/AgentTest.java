package dev.munero.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.tools.ToolContext;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ProviderException;
import dev.munero.llm.pricing.ModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {
    private static final ModelInfo PRICED = new ModelInfo(3.0, 15.0, 3.75, 0.30, 200_000, 64_000);

    @TempDir
    Path workspace;

    private final List<AgentEvent> events = new ArrayList<>();

    private Agent agent(ScriptedChatModel model, AgentLimits limits) {
        ToolContext context = ToolContext.builder(workspace).permissionMode(PermissionMode.AUTO_EDIT).build();
        return Agent.builder(model, context).modelInfo(PRICED).limits(limits).listener(events::add).build();
    }

    private static AgentLimits limits(int maxTurns) {
        return new AgentLimits(maxTurns, OptionalDouble.empty(), Duration.ofMinutes(1), 3, 1024);
    }

    @Test
    void runsToolCallsAndStopsWhenTheModelCallsFinish() throws Exception {
        Files.writeString(workspace.resolve("a.txt"), "hello\n");
        var model = new ScriptedChatModel()
                .thenToolCall("read_file", "{\"path\":\"a.txt\"}")
                .thenToolCall("write_file", "{\"path\":\"b.txt\",\"content\":\"world\\n\"}")
                .thenToolCall("finish", "{\"summary\":\"wrote b.txt\"}");

        AgentResult result = agent(model, limits(10)).run("copy a greeting");

        assertThat(result.condition()).isEqualTo(StopCondition.FINISHED);
        assertThat(result.summary()).contains("wrote b.txt");
        assertThat(result.turns()).isEqualTo(3);
        assertThat(result.toolCalls()).isEqualTo(3);
        assertThat(Files.readString(workspace.resolve("b.txt"))).isEqualTo("world\n");
        // the second request carries the first call's result, answering its id
        Message results = model.requests.get(1).messages().get(2);
        assertThat(results.content()).singleElement().isInstanceOfSatisfying(ContentBlock.ToolResult.class, r -> {
            assertThat(r.toolCallId()).isEqualTo("call_1");
            assertThat(r.content()).contains("hello");
            assertThat(r.error()).isFalse();
        });
        assertThat(result.usage().inputTokens()).isEqualTo(3000);
        assertThat(result.costUsd().getAsDouble()).isCloseTo(3 * (1000 * 3.0 + 100 * 15.0) / 1_000_000.0,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(events).last().isInstanceOf(AgentEvent.Stopped.class);
    }

    @Test
    void everyRequestRepeatsThePreviousRequestAsItsPrefix() {
        var model = new ScriptedChatModel();
        for (int i = 0; i < 9; i++) {
            model.thenToolCall("list_files", "{}");
        }
        model.thenToolCall("finish", "{\"summary\":\"looked\"}");

        AgentResult result = agent(model, limits(20)).run("look around");

        assertThat(result.prefixReuse()).hasSize(9).allSatisfy(share -> assertThat(share).isGreaterThan(0.5));
        for (int i = 1; i < model.requests.size(); i++) {
            List<Message> before = model.requests.get(i - 1).messages();
            assertThat(model.requests.get(i).messages().subList(0, before.size())).isEqualTo(before);
            assertThat(model.requests.get(i).system()).isEqualTo(model.requests.getFirst().system());
            assertThat(model.requests.get(i).tools()).isEqualTo(model.requests.getFirst().tools());
        }
    }

    @Test
    void aFailingToolReturnsAnErrorResultAndTheRunGoesOn() {
        var model = new ScriptedChatModel()
                .thenToolCall("read_file", "{\"path\":\"missing.txt\"}")
                .thenToolCall("no_such_tool", "{}")
                .thenToolCall("read_file", "{not json")
                .thenText("I give up");

        AgentResult result = agent(model, limits(10)).run("read something");

        assertThat(result.condition()).isEqualTo(StopCondition.END_TURN);
        assertThat(result.summary()).isEqualTo("I give up");
        List<AgentEvent.ToolCallFinished> finished = events.stream()
                .filter(AgentEvent.ToolCallFinished.class::isInstance).map(AgentEvent.ToolCallFinished.class::cast)
                .toList();
        assertThat(finished).hasSize(3).allSatisfy(f -> assertThat(f.error()).isTrue());
        assertThat(finished.get(1).output()).contains("no tool named 'no_such_tool'");
        assertThat(finished.get(2).output()).contains("not valid JSON");
    }

    @Test
    void stopsAtMaxTurns() {
        var model = new ScriptedChatModel();
        for (int i = 0; i < 3; i++) {
            model.thenToolCall("list_files", "{\"path\":\".\",\"depth\":" + (i + 1) + "}");
        }

        AgentResult result = agent(model, limits(3)).run("wander");

        assertThat(result.condition()).isEqualTo(StopCondition.MAX_TURNS);
        assertThat(result.turns()).isEqualTo(3);
        assertThat(model.remaining()).isZero();
    }

    @Test
    void stopsARepeatedIdenticalFailingCall() {
        var model = new ScriptedChatModel();
        for (int i = 0; i < 5; i++) {
            model.thenToolCall("read_file", "{\"path\": \"missing.txt\"}");
        }

        AgentResult result = agent(model, limits(10)).run("read it");

        assertThat(result.condition()).isEqualTo(StopCondition.LOOP_DETECTED);
        assertThat(result.turns()).isEqualTo(3);
        assertThat(result.detail()).contains("read_file");
    }

    @Test
    void doesNotMakeACallWhoseProjectedCostCrossesTheLimit() {
        var model = new ScriptedChatModel();
        for (int i = 0; i < 10; i++) {
            model.thenToolCall("list_files", "{\"depth\":" + (i + 1) + "}");
        }
        // each call costs 0.0045 USD; the worst case of the next one (1024 output tokens at $15/M) is about
        // 0.016 USD plus input, so with a limit of 0.03 the agent makes the first calls and stops before
        // the one that could cross it
        var limits = new AgentLimits(10, OptionalDouble.of(0.03), Duration.ofMinutes(1), 3, 1024);

        AgentResult result = agent(model, limits).run("look");

        assertThat(result.condition()).isEqualTo(StopCondition.MAX_COST);
        assertThat(result.costUsd().getAsDouble()).isLessThanOrEqualTo(0.03);
        assertThat(result.turns()).isEqualTo(model.requests.size());
        assertThat(result.detail()).contains("could cost up to");
    }

    @Test
    void aProviderFailureEndsTheRunWithItsMessage() {
        var model = new ScriptedChatModel().then(request -> {
            throw new ProviderException(ProviderException.Kind.AUTHENTICATION,
                    "anthropic:scripted returned HTTP 401: invalid x-api-key; check ANTHROPIC_API_KEY");
        });

        AgentResult result = agent(model, limits(10)).run("anything");

        assertThat(result.condition()).isEqualTo(StopCondition.PROVIDER_ERROR);
        assertThat(result.detail()).contains("ANTHROPIC_API_KEY");
    }

    @Test
    void stopsAtTheTimeoutEvenInsideALongCommand() {
        var model = new ScriptedChatModel()
                .thenToolCall("run_command", "{\"command\":\"sleep 600\"}");
        var limits = new AgentLimits(10, OptionalDouble.empty(), Duration.ofMillis(500), 3, 1024);
        ToolContext context = ToolContext.builder(workspace).permissionMode(PermissionMode.FULL).build();

        AgentResult result = Agent.builder(model, context).modelInfo(PRICED).limits(limits).build().run("wait");

        assertThat(result.condition()).isEqualTo(StopCondition.TIMEOUT);
        assertThat(result.duration()).isLessThan(Duration.ofMinutes(5)); // far below the sleep
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void askModeWithoutATerminalStopsAtOnceInsteadOfHanging() {
        var model = new ScriptedChatModel()
                .thenToolCall("write_file", "{\"path\":\"x.txt\",\"content\":\"x\"}");
        ToolContext context = ToolContext.builder(workspace).permissionMode(PermissionMode.ASK).build();

        AgentResult result = Agent.builder(model, context).limits(limits(5)).build().run("write");

        assertThat(result.condition()).isEqualTo(StopCondition.PERMISSION_REQUIRED);
        assertThat(result.detail()).contains("auto-edit");
        assertThat(workspace.resolve("x.txt")).doesNotExist();
    }

    @Test
    void trimsOldToolResultsWhenTheConversationNearsTheContextWindow() throws Exception {
        Files.writeString(workspace.resolve("big.txt"), ("x".repeat(90) + "\n").repeat(100));
        var model = new ScriptedChatModel();
        for (int i = 0; i < 6; i++) {
            model.thenToolCall("read_file", "{\"path\":\"big.txt\",\"offset_line\":" + (i + 1) + "}");
        }
        model.thenToolCall("finish", "{\"summary\":\"read\"}");
        ToolContext context = ToolContext.builder(workspace).build();
        // a 10k-token window: each read adds about 2.5k tokens, so the fourth or fifth call needs trimming
        ModelInfo small = new ModelInfo(3.0, 15.0, 3.75, 0.30, 10_000, 4_096);

        AgentResult result = Agent.builder(model, context).modelInfo(small).limits(limits(10))
                .listener(events::add).build().run("read the big file");

        assertThat(result.condition()).isEqualTo(StopCondition.FINISHED);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(AgentEvent.ContextTrimmed.class));
        ChatResponseTexts.assertTaskKept(model.requests.getLast().messages(), "read the big file");
        assertThat(model.requests.getLast().messages().toString()).contains("older tool output dropped");
    }

    /** Assertions on message lists. */
    static final class ChatResponseTexts {
        static void assertTaskKept(List<Message> messages, String task) {
            assertThat(messages.getFirst().text()).isEqualTo(task);
        }
    }
}
