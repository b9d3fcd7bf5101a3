package dev.munero.llm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.fake.FakeLlmServer;
import dev.munero.llm.fake.FakeOpenAiServer;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider contract for OpenAI Chat Completions. */
class OpenAiContractTest extends ChatModelContract {

    @Override
    FakeLlmServer newServer() {
        return new FakeOpenAiServer(KEY);
    }

    @Override
    ModelRef model() {
        return ModelRef.parse("openai:gpt-5-mini");
    }

    @Override
    Map<String, String> env(FakeLlmServer server) {
        return Map.of("OPENAI_API_KEY", KEY, "OPENAI_BASE_URL", server.baseUrl());
    }

    @Override
    String keyVariable() {
        return "OPENAI_API_KEY";
    }

    @Override
    ProviderException.Kind overloadedKind() {
        return ProviderException.Kind.SERVER_ERROR;
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void sendsMaxCompletionTokensAndCountsCachedPromptTokensAsCacheReads(boolean streaming) throws Exception {
        try (var server = start()) {
            server.expect(RequestCheck.of(body -> {
                assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(256);
                assertThat(body.has("max_tokens")).isFalse();
            }), Reply.text("ok").usage(100, 4).cacheTokens(0, 1024));

            ChatResponse response = open(server, streaming).chat(ask("hi"));

            // prompt_tokens = 1124 of which 1024 cached: 100 uncached input, 1024 cache reads
            assertThat(response.usage().inputTokens()).isEqualTo(100);
            assertThat(response.usage().cacheReadTokens()).isEqualTo(1024);
            assertThat(response.usage().outputTokens()).isEqualTo(4);
        }
    }
}
