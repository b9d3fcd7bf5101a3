package dev.munero.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTest {

    @Test
    void concatenatesTextBlocksAndListsToolCallsInOrder() {
        // given
        var first = new ContentBlock.ToolCall("c1", "read_file", "{\"path\":\"a\"}");
        var second = new ContentBlock.ToolCall("c2", "read_file", "{\"path\":\"b\"}");
        Message message = new Message(Message.Role.ASSISTANT,
                List.of(new ContentBlock.Text("Reading "), first, new ContentBlock.Text("both."), second));

        // then
        assertThat(message.text()).isEqualTo("Reading both.");
        assertThat(message.toolCalls()).containsExactly(first, second);
    }

    @Test
    void aMessageWithOnlyToolResultsHasNoText() {
        assertThat(Requests.toolResult("c1", "out").text()).isEmpty();
    }

    @Test
    void rejectsAToolCallInAUserMessage() {
        assertThatThrownBy(() -> new Message(Message.Role.USER, List.of(new ContentBlock.ToolCall("c", "t", "{}"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ToolCall cannot be in a USER message");
    }

    @Test
    void rejectsAToolResultInAnAssistantMessage() {
        assertThatThrownBy(() -> new Message(Message.Role.ASSISTANT,
                List.of(new ContentBlock.ToolResult("c", "out", false))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ToolResult cannot be in a ASSISTANT message");
    }

    @Test
    void rejectsAMessageWithoutContent() {
        assertThatThrownBy(() -> new Message(Message.Role.USER, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one content block");
    }

    @Test
    void blankToolCallArgumentsBecomeAnEmptyObject() {
        assertThat(new ContentBlock.ToolCall("c", "t", " ").argumentsJson()).isEqualTo("{}");
        assertThat(new ContentBlock.ToolCall("c", "t", null).argumentsJson()).isEqualTo("{}");
    }

    @Test
    void aRequestMustStartWithAUserMessage() {
        assertThatThrownBy(() -> new ChatRequest("", List.of(Message.assistant("hi")), List.of(), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first message must be a user message");
    }

    @Test
    void aRequestNeedsAMessageAndAPositiveOutputLimit() {
        assertThatThrownBy(() -> new ChatRequest("", List.of(), List.of(), 10))
                .hasMessageContaining("at least one message");
        assertThatThrownBy(() -> new ChatRequest("", List.of(Message.user("hi")), List.of(), 0))
                .hasMessageContaining("maxOutputTokens must be at least 1, was 0");
    }

    @Test
    void aToolNameMustMatchWhatTheProvidersAccept() {
        assertThatThrownBy(() -> new ToolDefinition("read file", "d", Requests.tool("x").inputSchema()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read file");
    }

    @Test
    void usageCountsAddUpAndTotalInputIncludesCacheTokens() {
        Usage sum = new Usage(1, 2, 3, 4).plus(new Usage(10, 20, 30, 40));

        assertThat(sum).isEqualTo(new Usage(11, 22, 33, 44));
        assertThat(sum.totalInputTokens()).isEqualTo(11 + 33 + 44);
        assertThatThrownBy(() -> new Usage(-1, 0, 0, 0)).hasMessageContaining("cannot be negative");
    }
}
