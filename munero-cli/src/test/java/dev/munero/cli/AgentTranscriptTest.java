package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.agent.AgentEvent;
import dev.munero.agent.AgentResult;
import dev.munero.agent.StopCondition;
import dev.munero.llm.Usage;
import dev.munero.llm.pricing.ModelInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class AgentTranscriptTest {
    private static final Usage USAGE = new Usage(12, 58, 420, 2150);

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<AgentEvent> turn() {
        return List.of(
                new AgentEvent.TurnStarted(2, 2150, 3),
                new AgentEvent.TextDelta(2, "Let me "),
                new AgentEvent.TextDelta(2, "read it."),
                new AgentEvent.ModelResponded(2, "Let me read it.", 1, "tool_use", USAGE, OptionalDouble.of(0.0031),
                        OptionalDouble.of(0.0188), 0.95, Duration.ofMillis(800)),
                new AgentEvent.ToolCallStarted(2, "toolu_2", "read_file", "{\n  \"path\" : \"a.txt\"\n}"),
                new AgentEvent.ToolCallFinished(2, "toolu_2", "read_file", false, "\n     1\talpha\n", Duration.ofMillis(3)),
                new AgentEvent.Stopped(2, StopCondition.FINISHED, "the model called finish"));
    }

    private static AgentResult result() {
        return new AgentResult(StopCondition.FINISHED, "read a.txt", "the model called finish", 2, 1, USAGE,
                OptionalDouble.of(0.0188), List.of(0.95), Duration.ofMillis(1500));
    }

    @Test
    void printsAReadableTranscriptWithTokensCostAndPrefixReuse() {
        AgentTranscript transcript = new AgentTranscript(out, false);
        turn().forEach(transcript::onEvent);
        transcript.finish(result(), "anthropic:claude-sonnet-4-6", ModelInfo.UNKNOWN);

        assertThat(output()).contains("-- turn 2 (about 2,150 input tokens, 3 messages)")
                .contains("model: Let me read it.\n")
                .contains("12 input / 58 output tokens (cache: 2,150 read, 420 written); $0.0031 (total $0.0188), "
                        + "prefix reuse 95%")
                .contains("-> read_file {\"path\":\"a.txt\"}")
                .contains("   |      1\talpha")
                .contains("-- stopped: finished (the model called finish)")
                .contains("finished after 2 turns and 1 tool calls")
                .contains("summary: read a.txt");
        assertThat(output()).doesNotContain("model: Let me read it.model:");
    }

    @Test
    void printsOneJsonObjectPerEventAndAResultLine() {
        AgentTranscript transcript = new AgentTranscript(out, true);
        turn().forEach(transcript::onEvent);
        transcript.finish(result(), "anthropic:claude-sonnet-4-6", ModelInfo.UNKNOWN);

        JsonMapper json = JsonMapper.builder().build();
        List<JsonNode> lines = output().lines().map(json::readTree).toList();
        assertThat(lines).extracting(l -> l.path("event").asString()).containsExactly("turn_started", "text_delta",
                "text_delta", "model_responded", "tool_call_started", "tool_call_finished", "stopped", "result");
        JsonNode responded = lines.get(3);
        assertThat(responded.path("usage").path("cache_read_tokens").asLong()).isEqualTo(2150);
        assertThat(responded.path("cost_usd").asDouble()).isEqualTo(0.0031);
        assertThat(responded.path("prefix_reuse").asDouble()).isEqualTo(0.95);
        JsonNode result = lines.getLast();
        assertThat(result.path("condition").asString()).isEqualTo("finished");
        assertThat(result.path("completed").asBoolean()).isTrue();
        assertThat(result.path("cost_usd").asDouble()).isEqualTo(0.0188);
    }

    @Test
    void anUnknownCostIsShownAsUnknownAndNullInJson() {
        AgentTranscript text = new AgentTranscript(out, false);
        text.onEvent(new AgentEvent.ModelResponded(1, "", 0, "end_turn", USAGE, OptionalDouble.empty(),
                OptionalDouble.empty(), 0, Duration.ZERO));
        text.finish(new AgentResult(StopCondition.END_TURN, "", "the model ended its turn", 1, 0, USAGE,
                OptionalDouble.empty(), List.of(), Duration.ZERO), "ollama:x", ModelInfo.UNKNOWN);
        assertThat(output()).contains("cost unknown").contains("cost unknown (no price for ollama:x)");

        bytes.reset();
        AgentTranscript json = new AgentTranscript(out, true);
        json.finish(new AgentResult(StopCondition.END_TURN, "", "the model ended its turn", 1, 0, USAGE,
                OptionalDouble.empty(), List.of(), Duration.ZERO), "ollama:x", ModelInfo.UNKNOWN);
        assertThat(JsonMapper.builder().build().readTree(output()).get("cost_usd").isNull()).isTrue();
    }
}
