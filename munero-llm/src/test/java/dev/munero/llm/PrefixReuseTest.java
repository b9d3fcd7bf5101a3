package dev.munero.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixReuseTest {
    private static final String SYSTEM = "You are a careful build assistant. "
            + "Follow the repository's rules. ".repeat(20);

    @Test
    void anIdenticalRequestIsWhollyReused() {
        ChatRequest request = Requests.conversation(SYSTEM, Message.user("fix the build"));

        assertThat(PrefixReuse.share(request, request)).isEqualTo(1.0);
    }

    @Test
    void appendingATurnReusesAllButTheNewTurn() {
        // given
        ChatRequest first = Requests.conversation(SYSTEM, Message.user("fix the build"));
        ChatRequest second = Requests.conversation(SYSTEM, Message.user("fix the build"),
                Requests.callsReadFile("c1", "pom.xml"), Requests.toolResult("c1", "<project/>"));

        // when
        double share = PrefixReuse.share(first, second);

        // then
        assertThat(share).isGreaterThan(0.8).isLessThan(1.0);
    }

    @Test
    void changingTheSystemPromptOfAToolLessRequestLosesNearlyAllReuse() {
        // given requests without tools, so the system prompt comes first
        ChatRequest first = new ChatRequest("A" + SYSTEM, List.of(Message.user("fix the build")),
                List.of(), 256);
        ChatRequest second = new ChatRequest("B" + SYSTEM, List.of(Message.user("fix the build")),
                List.of(), 256);

        // when
        double share = PrefixReuse.share(first, second);

        // then only the rendering's fixed "system" marker is shared
        assertThat(share).isGreaterThan(0).isLessThan(0.05);
    }

    @Test
    void editingAnEarlierMessageReusesOnlyWhatComesBeforeIt() {
        // given
        ChatRequest first = Requests.conversation(SYSTEM, Message.user("fix the build"), Message.assistant("ok"),
                Message.user("x".repeat(2000)));
        ChatRequest trimmed = Requests.conversation(SYSTEM, Message.user("fix the tests"), Message.assistant("ok"),
                Message.user("x".repeat(2000)));

        // when
        double share = PrefixReuse.share(first, trimmed);

        // then
        assertThat(share).isLessThan(0.5);
    }

    @Test
    void thereIsNoReuseWithoutAPreviousRequest() {
        assertThat(PrefixReuse.share(null, Requests.ask("hi"))).isZero();
    }
}
