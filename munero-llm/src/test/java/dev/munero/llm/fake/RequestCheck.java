package dev.munero.llm.fake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;

/**
 * What a test expects of one request, beyond the strict protocol validation every fake always does. A check fails
 * by throwing (an AssertJ assertion, an {@link AssertionError}); the fake records the failure, answers 500 and
 * reports it on {@link FakeLlmServer#close()}.
 *
 * <p>The neutral factories ({@link #lastUserMessageContains}, {@link #offersTool}, ...) read
 * {@link RecordedRequest#summary()}, so one script runs against every fake; {@link #of} sees the raw wire JSON.
 */
@FunctionalInterface
public interface RequestCheck {

    void verify(RecordedRequest request) throws Exception;

    /** Both this check and {@code next}. */
    default RequestCheck and(RequestCheck next) {
        return request -> {
            verify(request);
            next.verify(request);
        };
    }

    /** Any request that passes the protocol validation. */
    static RequestCheck any() {
        return request -> {};
    }

    /** Assertions on the parsed request body, in the provider's own wire format. */
    static RequestCheck of(Consumer<JsonNode> bodyAssertions) {
        return request -> bodyAssertions.accept(request.json());
    }

    static RequestCheck lastUserMessageContains(String text) {
        return request -> assertThat(request.summary().lastUserText()).as("last user message of %s", request)
                .contains(text);
    }

    static RequestCheck systemPromptContains(String text) {
        return request -> assertThat(request.summary().systemText()).as("system prompt of %s", request)
                .contains(text);
    }

    static RequestCheck model(String model) {
        return request -> assertThat(request.summary().model()).as("model of %s", request).isEqualTo(model);
    }

    /** The request asks for a streamed ({@code true}) or a single JSON ({@code false}) response. */
    static RequestCheck streaming(boolean streaming) {
        return request -> assertThat(request.summary().streaming()).as("streaming flag of %s", request)
                .isEqualTo(streaming);
    }

    static RequestCheck offersTool(String name) {
        return request -> assertThat(request.summary().toolNames()).as("tools offered by %s", request).contains(name);
    }

    /** The history carries a result for tool call {@code toolCallId} whose text contains {@code text}. */
    static RequestCheck hasToolResult(String toolCallId, String text) {
        return request -> assertThat(request.summary().toolResult(toolCallId))
                .as("tool result for %s in %s (all results: %s)", toolCallId, request, request.summary().toolResults())
                .hasValueSatisfying(result -> assertThat(result.text()).contains(text));
    }

    /** The history echoes the assistant's tool call {@code id} with this name and these arguments (as JSON). */
    static RequestCheck hasToolCall(String id, String name, String argumentsJson) {
        return request -> {
            JsonNode expected = Json.parse(argumentsJson);
            assertThat(request.summary().toolCalls()).as("tool calls in the history of %s", request)
                    .anySatisfy(call -> {
                        assertThat(call.id()).isEqualTo(id);
                        assertThat(call.name()).isEqualTo(name);
                        assertThat(Json.parse(call.argumentsJson())).isEqualTo(expected);
                    });
        };
    }
}
