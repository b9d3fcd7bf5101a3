package dev.munero.llm.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Providers;
import dev.munero.llm.StopReason;
import dev.munero.llm.ToolDefinition;
import dev.munero.llm.UserConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Talks to the real provider APIs. Runs only when the provider's key is in the environment
 * ({@code ANTHROPIC_API_KEY}, {@code OPENAI_API_KEY}); skipped otherwise. The models are cheap ones, overridable
 * with {@code MUNERO_IT_ANTHROPIC_MODEL} and {@code MUNERO_IT_OPENAI_MODEL}. Each test spends well under a cent.
 */
class LiveProviderIT {

    private static ChatModel open(String provider, boolean streaming) {
        Map<String, String> env = System.getenv();
        String keyVariable = Providers.keyVariable(provider).orElseThrow();
        assumeTrue(env.get(keyVariable) != null && !env.get(keyVariable).isBlank(), keyVariable + " is not set");
        String model = provider.equals("anthropic")
                ? env.getOrDefault("MUNERO_IT_ANTHROPIC_MODEL", "claude-haiku-4-5")
                : env.getOrDefault("MUNERO_IT_OPENAI_MODEL", "gpt-5.4-nano");
        var options = new Providers.Options(streaming, Providers.Options.defaults().timeout(),
                Providers.Options.defaults().retry(), Providers.Options.defaults().rateLimits(), r -> { });
        return Providers.open(new ModelRef(provider, model), env, UserConfig.load(env), options);
    }

    private static ToolDefinition weatherTool() {
        ObjectNode schema = JsonMapper.builder().build().createObjectNode().put("type", "object");
        schema.putObject("properties").putObject("city").put("type", "string").put("description", "a city name");
        schema.putArray("required").add("city");
        return new ToolDefinition("get_weather", "Returns the current weather in a city.", schema);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"anthropic", "openai"})
    void answersAndReportsUsage(String provider) throws Exception {
        ChatModel model = open(provider, false);

        ChatResponse response = model.chat(new ChatRequest("Answer with one word.",
                List.of(Message.user("What colour is a clear daytime sky?")), List.of(), 64));

        assertThat(response.message().text()).isNotBlank();
        assertThat(response.usage().totalInputTokens()).isPositive();
        assertThat(response.usage().outputTokens()).isPositive();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"anthropic", "openai"})
    void callsAToolAndUsesItsResultWhileStreaming(String provider) throws Exception {
        ChatModel model = open(provider, true);
        Message question = Message.user("What is the weather in Lisbon? Use the tool.");

        ChatResponse first = model.chat(new ChatRequest("Use tools when asked.", List.of(question),
                List.of(weatherTool()), 256));
        assertThat(first.stopReason()).isEqualTo(StopReason.TOOL_USE);
        ContentBlock.ToolCall call = first.message().toolCalls().getFirst();
        assertThat(call.name()).isEqualTo("get_weather");

        ChatResponse second = model.chat(new ChatRequest("Use tools when asked.", List.of(question, first.message(),
                new Message(Message.Role.USER, List.of(new ContentBlock.ToolResult(call.id(), "sunny, 24 C", false)))),
                List.of(weatherTool()), 256));
        assertThat(second.message().text()).containsIgnoringCase("sunny");
    }
}
