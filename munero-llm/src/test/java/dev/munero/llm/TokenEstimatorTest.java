package dev.munero.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenEstimatorTest {

    @ParameterizedTest(name = "{0} characters are {1} tokens")
    @CsvSource({"0, 0", "1, 1", "4, 1", "5, 2", "8, 2", "9, 3", "400, 100"})
    void countsFourCharactersPerTokenRoundingUp(int chars, long tokens) {
        assertThat(TokenEstimator.tokens("x".repeat(chars))).isEqualTo(tokens);
    }

    @Test
    void addsAFixedOverheadPerMessage() {
        // given 9 characters of text
        Message message = Message.user("123456789");

        // then 3 tokens of text and 4 of overhead
        assertThat(TokenEstimator.tokens(message)).isEqualTo(3 + 4);
    }

    @Test
    void countsToolCallsAndResultsByTheirTextAndIds() {
        // given a call of 4 + 9 + 11 characters (id, name, arguments) and a result of 4 + 4 (id, content)
        Message call = Requests.callsReadFile("c001", "a.t");
        Message result = Requests.toolResult("c001", "done");

        // then
        assertThat(TokenEstimator.tokens(call)).isEqualTo(Math.ceilDiv(4 + 9 + "{\"path\":\"a.t\"}".length(), 4) + 4);
        assertThat(TokenEstimator.tokens(result)).isEqualTo(2 + 4);
    }

    @Test
    void estimatesAWholeRequestFromSystemToolsAndMessagesWithOverheads() {
        // given
        ToolDefinition tool = Requests.tool("read_file");
        ChatRequest request = new ChatRequest("12345678", List.of(Message.user("1234"), Message.assistant("12")),
                List.of(tool), 10);
        long toolChars = tool.name().length() + tool.description().length() + tool.inputSchema().toString().length();

        // then the characters are summed before rounding, plus 10 per tool and 4 per message
        assertThat(TokenEstimator.inputTokens(request))
                .isEqualTo(Math.ceilDiv(8 + toolChars + 4 + 2, 4) + 10 + 2 * 4);
    }
}
