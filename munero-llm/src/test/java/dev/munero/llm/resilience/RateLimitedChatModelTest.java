package dev.munero.llm.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.ChatRequest;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Requests;
import dev.munero.llm.ScriptedChatModel;
import dev.munero.llm.TokenEstimator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limiters run on real time (Failsafe's rate limiter has no injectable clock), so these tests use limits
 * high enough that small calls pass at once, and show that a call is held by entering it with the thread already
 * interrupted: a call that has to wait fails with {@link InterruptedException} before reaching the model.
 */
class RateLimitedChatModelTest {
    private final ScriptedChatModel delegate = new ScriptedChatModel(ModelRef.parse("openai:gpt-5-mini"));

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void callsWithinTheRequestLimitGoThroughInOrder() throws Exception {
        // given
        var model = new RateLimitedChatModel(delegate, new RateLimits(6000, 0));
        List<ChatRequest> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            delegate.thenAnswer(ScriptedChatModel.reply("answer " + i));
            sent.add(Requests.ask("question " + i));
        }

        // when
        List<String> answers = new ArrayList<>();
        for (ChatRequest request : sent) {
            answers.add(model.chat(request).message().text());
        }

        // then
        assertThat(answers).containsExactly("answer 0", "answer 1", "answer 2", "answer 3", "answer 4");
        assertThat(delegate.requests()).isEqualTo(sent);
        assertThat(model.model()).isEqualTo(delegate.model());
    }

    @Test
    void smallCallsWithinTheTokenLimitGoThrough() throws Exception {
        // given
        var model = new RateLimitedChatModel(delegate, new RateLimits(0, 60_000));
        delegate.thenAnswer(ScriptedChatModel.reply("a")).thenAnswer(ScriptedChatModel.reply("b"));

        // when
        String first = model.chat(Requests.ask("hi")).message().text();
        String second = model.chat(Requests.ask("hi")).message().text();

        // then
        assertThat(first + second).isEqualTo("ab");
    }

    @Test
    void aCallBeyondTheRequestLimitIsHeldBeforeReachingTheModel() throws Exception {
        // given one request a minute, already used
        var model = new RateLimitedChatModel(delegate, new RateLimits(1, 0));
        delegate.thenAnswer(ScriptedChatModel.reply("first"));
        model.chat(Requests.ask("first"));

        // when the next call has to wait, and the caller is interrupted
        Thread.currentThread().interrupt();

        // then
        assertThatThrownBy(() -> model.chat(Requests.ask("second"))).isInstanceOf(InterruptedException.class);
        assertThat(delegate.calls()).isOne();
    }

    @Test
    void aRequestLargerThanTheWholeBudgetTakesTheMinuteAndTheNextOneIsHeld() throws Exception {
        // given a request estimated far above the whole per-minute budget
        var model = new RateLimitedChatModel(delegate, new RateLimits(0, 1_000));
        ChatRequest large = Requests.ask("x".repeat(40_000));
        assertThat(TokenEstimator.inputTokens(large)).isGreaterThan(1_000);

        delegate.thenAnswer(ScriptedChatModel.reply("first"));

        // when the first one goes through at once (it takes the whole minute's budget, not forever)
        model.chat(large);
        assertThat(delegate.calls()).isEqualTo(1);
        Thread.currentThread().interrupt();

        // then the second one, in the same minute, must wait: it throws when interrupted, before the model
        assertThatThrownBy(() -> model.chat(large)).isInstanceOf(InterruptedException.class);
        assertThat(delegate.calls()).isEqualTo(1);
    }

    @Test
    void limitsCannotBeNegative() {
        assertThatThrownBy(() -> new RateLimits(-1, 0)).hasMessageContaining("cannot be negative: -1 requests");
        assertThat(RateLimits.NONE.any()).isFalse();
        assertThat(new RateLimits(0, 1).any()).isTrue();
    }
}
