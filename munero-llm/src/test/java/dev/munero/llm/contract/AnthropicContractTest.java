package dev.munero.llm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ContentBlock;
import dev.munero.llm.Message;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.fake.FakeAnthropicServer;
import dev.munero.llm.fake.FakeLlmServer;
import dev.munero.llm.fake.RecordedRequest;
import dev.munero.llm.fake.Reply;
import dev.munero.llm.fake.RequestCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The provider contract for the Anthropic Messages API, plus its prompt-caching breakpoints. */
class AnthropicContractTest extends ChatModelContract {

    @Override
    FakeLlmServer newServer() {
        return new FakeAnthropicServer(KEY);
    }

    @Override
    ModelRef model() {
        return ModelRef.parse("anthropic:claude-sonnet-4-6");
    }

    @Override
    Map<String, String> env(FakeLlmServer server) {
        return Map.of("ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", server.baseUrl());
    }

    @Override
    String keyVariable() {
        return "ANTHROPIC_API_KEY";
    }

    @Override
    ProviderException.Kind overloadedKind() {
        return ProviderException.Kind.OVERLOADED;
    }

    @ParameterizedTest(name = "streaming={0}")
    @ValueSource(booleans = {false, true})
    void marksSystemToolsAndTheLastMessageAsCacheBreakpointsAndKeepsThePrefixIdentical(boolean streaming)
            throws Exception {
        try (var server = start()) {
            server.expect(RequestCheck.any(), Reply.toolCall("toolu_1", "read_file", "{\"path\":\"a.txt\"}")
                            .usage(5, 9).cacheTokens(2000, 0))
                    .expect(RequestCheck.hasToolResult("toolu_1", "alpha"),
                            Reply.text("done").usage(30, 3).cacheTokens(40, 2000));
            ChatModel model = open(server, streaming);
            List<Message> conversation = new ArrayList<>(List.of(Message.user("Read a.txt")));
            ChatResponse first = model.chat(new ChatRequest("You are terse.", conversation, List.of(readFileTool()),
                    256));
            conversation.add(first.message());
            conversation.add(new Message(Message.Role.USER, List.of(new ContentBlock.ToolResult("toolu_1", "alpha",
                    false))));
            ChatResponse second = model.chat(new ChatRequest("You are terse.", conversation, List.of(readFileTool()),
                    256));

            assertThat(second.usage().cacheReadTokens()).isEqualTo(2000);
            List<RecordedRequest> requests = server.requests();
            for (RecordedRequest request : requests) {
                JsonNode body = request.json();
                assertThat(body.path("system").get(0).path("cache_control").path("type").asString())
                        .isEqualTo("ephemeral");
                JsonNode tools = body.path("tools");
                assertThat(tools.get(tools.size() - 1).path("cache_control").path("type").asString())
                        .isEqualTo("ephemeral");
                JsonNode messages = body.path("messages");
                JsonNode lastBlocks = messages.get(messages.size() - 1).path("content");
                assertThat(lastBlocks.get(lastBlocks.size() - 1).path("cache_control").path("type").asString())
                        .isEqualTo("ephemeral");
            }
            // the second request's first message is the first request's first message, apart from the marker
            JsonNode firstMessage = requests.get(0).json().path("messages").get(0).deepCopy();
            ((tools.jackson.databind.node.ObjectNode) firstMessage.path("content").get(0)).remove("cache_control");
            assertThat(requests.get(1).json().path("messages").get(0)).isEqualTo(firstMessage);
        }
    }
}
