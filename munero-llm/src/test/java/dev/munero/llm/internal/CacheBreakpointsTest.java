package dev.munero.llm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CacheBreakpointsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String EPHEMERAL = "{\"type\":\"ephemeral\"}";

    /** A request as LangChain4j writes it: system and tools already marked, earlier turns with escapes. */
    private static final String PREFIX = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":1024,\"temperature\":0.7,"
            + "\"system\":[{\"type\":\"text\",\"text\":\"Be terse.\",\"cache_control\":" + EPHEMERAL + "}],"
            + "\"tools\":[{\"name\":\"read_file\",\"description\":\"Reads.\",\"input_schema\":{\"type\":\"object\","
            + "\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]},\"cache_control\":"
            + EPHEMERAL + "}],"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Fix \\\"it\\\"\\n\\ttabs, "
            + "caf\u00e9 \u2192 \ud83d\ude80 \\\\ slash / 1.0e10\"}]},"
            + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"read_file\","
            + "\"input\":{\"path\":\"src/Main.java\"}}]},";

    /** Fields LangChain4j may write after the messages. */
    private static final String SUFFIX = "],\"stream\":false,\"top_p\":1.0E-7,\"metadata\":{\"user_id\":\"u-1\"}}";

    private static String request(String lastMessage) {
        return PREFIX + lastMessage + SUFFIX;
    }

    private static JsonNode lastMessage(String body) {
        JsonNode messages = JSON.readTree(body).path("messages");
        return messages.get(messages.size() - 1);
    }

    @Test
    void stringContentBecomesATextBlockWithTheBreakpoint() {
        // when
        String body = CacheBreakpoints.addRolling(request("{\"role\":\"user\",\"content\":\"go on\"}"));

        // then
        assertThat(lastMessage(body)).isEqualTo(JSON.readTree("{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"go on\",\"cache_control\":" + EPHEMERAL + "}]}"));
    }

    @Test
    void theLastBlockOfArrayContentGetsTheBreakpoint() {
        // when
        String body = CacheBreakpoints.addRolling(request("{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"class Main {}\"},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_2\",\"content\":\"ok\"}]}"));

        // then
        JsonNode content = lastMessage(body).path("content");
        assertThat(content.get(0).has("cache_control")).isFalse();
        assertThat(content.get(1).path("cache_control")).isEqualTo(JSON.readTree(EPHEMERAL));
        assertThat(CacheBreakpoints.countBreakpoints(JSON.readTree(body))).isEqualTo(3);
    }

    @Test
    void everyByteOutsideTheLastMessageStaysAsItWas() {
        // given
        String original = request("{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"toolu_1\",\"content\":\"class Main {}\"}]}");

        // when
        String body = CacheBreakpoints.addRolling(original);

        // then
        assertThat(body).isNotEqualTo(original);
        assertThat(body).startsWith(PREFIX).endsWith(SUFFIX);
    }

    @Test
    void aRequestWithFourBreakpointsIsLeftUnchanged() {
        // given system, tools and two earlier messages already marked
        String original = PREFIX.replace("\"input\":{\"path\":\"src/Main.java\"}}",
                        "\"input\":{\"path\":\"src/Main.java\"},\"cache_control\":" + EPHEMERAL + "}")
                .replace("1.0e10\"}", "1.0e10\",\"cache_control\":" + EPHEMERAL + "}")
                + "{\"role\":\"user\",\"content\":\"go on\"}" + SUFFIX;
        assertThat(CacheBreakpoints.countBreakpoints(JSON.readTree(original))).isEqualTo(4);

        // then
        assertThat(CacheBreakpoints.addRolling(original)).isSameAs(original);
    }

    @Test
    void aLastBlockAlreadyMarkedIsLeftUnchanged() {
        String original = request("{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\","
                + "\"cache_control\":" + EPHEMERAL + "}]}");

        assertThat(CacheBreakpoints.addRolling(original)).isSameAs(original);
    }

    @Test
    void aThinkingBlockIsNeverMarked() {
        String original = request("{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"hm\","
                + "\"signature\":\"sig\"}]}");

        assertThat(CacheBreakpoints.addRolling(original)).isSameAs(original);
    }

    @Test
    void aBodyThatIsNotAMessagesRequestIsLeftUnchanged() {
        for (String body : new String[] {"", "not json", "[1,2]", "{\"model\":\"m\"}", "{\"messages\":[]}",
                "{\"messages\":\"hi\"}", "{\"messages\":[{\"role\":\"user\",\"content\":[]}]}",
                "{\"messages\":[{\"role\":\"user\"}]}"}) {
            assertThat(CacheBreakpoints.addRolling(body)).as(body).isSameAs(body);
        }
    }
}
