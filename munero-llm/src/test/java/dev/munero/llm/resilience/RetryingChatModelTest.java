package dev.munero.llm.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.ProviderException.Kind;
import dev.munero.llm.Requests;
import dev.munero.llm.ScriptedChatModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RetryingChatModelTest {
    /** 1 ms doubling to 4 ms without jitter, so the waits are exact and short. */
    private static final RetrySettings FAST = new RetrySettings(2, Duration.ofMillis(1), Duration.ofMillis(4), 0,
            Duration.ofMinutes(1));

    private final ScriptedChatModel delegate = new ScriptedChatModel(ModelRef.parse("anthropic:claude-sonnet-4-6"));
    private final List<RetryingChatModel.Retry> retries = new CopyOnWriteArrayList<>();

    private RetryingChatModel retrying(RetrySettings settings) {
        return new RetryingChatModel(delegate, settings, retries::add);
    }

    private static ProviderException failure(Kind kind) {
        return new ProviderException(kind, kind + " from the stub");
    }

    private static ProviderException failure(Kind kind, Duration retryAfter) {
        return new ProviderException(kind, kind + " from the stub", 429, retryAfter, null);
    }

    @Test
    void answersAfterARetriableFailure() throws Exception {
        // given
        ProviderException overloaded = failure(Kind.OVERLOADED);
        delegate.thenThrow(overloaded).thenAnswer(ScriptedChatModel.reply("hi"));

        // when
        ChatResponse response = retrying(FAST).chat(Requests.ask("hello"));

        // then
        assertThat(response.message().text()).isEqualTo("hi");
        assertThat(delegate.calls()).isEqualTo(2);
        assertThat(retries).singleElement().satisfies(retry -> {
            assertThat(retry.attempt()).isEqualTo(1);
            assertThat(retry.failure()).isSameAs(overloaded);
        });
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"RATE_LIMITED", "OVERLOADED", "SERVER_ERROR", "CONNECTION", "TIMEOUT"})
    void retriesARetriableKindUpToMaxRetriesThenRethrowsTheLastFailure(Kind kind) {
        // given
        ProviderException last = failure(kind);
        delegate.thenThrow(failure(kind)).thenThrow(failure(kind)).thenThrow(last);

        // then
        assertThatThrownBy(() -> retrying(FAST).chat(Requests.ask("hello")))
                .isInstanceOfSatisfying(ProviderException.class, e -> { // issue 11.10: says why it stopped retrying
                    assertThat(e.getCause()).isSameAs(last);
                    assertThat(e.kind()).isEqualTo(kind);
                    assertThat(e.getMessage()).startsWith(last.getMessage())
                            .contains("(gave up after " + (1 + FAST.maxRetries()) + " attempts over ");
                });
        assertThat(delegate.calls()).isEqualTo(1 + FAST.maxRetries());
        assertThat(retries).extracting(RetryingChatModel.Retry::attempt).containsExactly(1, 2);
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"AUTHENTICATION", "PERMISSION", "INVALID_REQUEST", "MALFORMED_RESPONSE",
            "CONFIGURATION", "REPLAY_MISMATCH"})
    void doesNotRetryAFailureARetryCannotFix(Kind kind) {
        // given
        ProviderException failure = failure(kind);
        delegate.thenThrow(failure);

        // then
        assertThatThrownBy(() -> retrying(FAST).chat(Requests.ask("hello"))).isSameAs(failure);
        assertThat(delegate.calls()).isOne();
        assertThat(retries).isEmpty();
    }

    @Test
    void doesNotRetryABug() {
        IllegalStateException bug = new IllegalStateException("bug");
        delegate.thenThrow(bug);

        assertThatThrownBy(() -> retrying(FAST).chat(Requests.ask("hello"))).isSameAs(bug);
        assertThat(delegate.calls()).isOne();
    }

    @Test
    void failsAtOnceWhenTheServerAsksToWaitLongerThanMaxRetryAfter() {
        // given
        ProviderException tooLong = failure(Kind.RATE_LIMITED, FAST.maxRetryAfter().plusSeconds(1));
        delegate.thenThrow(tooLong);

        // then
        assertThatThrownBy(() -> retrying(FAST).chat(Requests.ask("hello")))
                .isInstanceOfSatisfying(ProviderException.class, e -> { // issue 10: says the wait was too long
                    assertThat(e.getCause()).isSameAs(tooLong);
                    assertThat(e.retryAfter()).isEqualTo(tooLong.retryAfter());
                    assertThat(e.getMessage()).contains("the server asked to wait 61 s before retrying, longer than "
                            + "the 60 s Munero waits at most; try again later");
                });
        assertThat(delegate.calls()).isOne();
        assertThat(retries).isEmpty();
    }

    @Test
    void waitsExactlyTheServersRetryAfterWithoutJitter() throws Exception {
        // given
        var jittery = new RetrySettings(2, Duration.ofMillis(1), Duration.ofMillis(4), 0.5, Duration.ofMinutes(1));
        delegate.thenThrow(failure(Kind.RATE_LIMITED, Duration.ofMillis(3))).thenAnswer(ScriptedChatModel.reply("hi"));

        // when
        retrying(jittery).chat(Requests.ask("hello"));

        // then
        assertThat(retries).singleElement().extracting(RetryingChatModel.Retry::delay)
                .isEqualTo(Duration.ofMillis(3));
    }

    @Test
    void backsOffExponentiallyUpToMaxDelay() throws Exception {
        // given
        var settings = new RetrySettings(4, Duration.ofMillis(1), Duration.ofMillis(4), 0, Duration.ofMinutes(1));
        for (int i = 0; i < 4; i++) {
            delegate.thenThrow(failure(Kind.SERVER_ERROR));
        }
        delegate.thenAnswer(ScriptedChatModel.reply("hi"));

        // when
        retrying(settings).chat(Requests.ask("hello"));

        // then
        assertThat(retries).extracting(RetryingChatModel.Retry::delay).containsExactly(Duration.ofMillis(1),
                Duration.ofMillis(2), Duration.ofMillis(4), Duration.ofMillis(4));
    }

    @Test
    void theDelayDoublesFromInitialDelayCappedAtMaxDelayWithinTheJitterBand() {
        var settings = new RetrySettings(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0.2, Duration.ofMinutes(1));
        ProviderException failure = failure(Kind.SERVER_ERROR);
        long[] baseMillis = {100, 200, 400, 800, 1000, 1000};

        for (int sample = 0; sample < 200; sample++) {
            for (int attempt = 1; attempt <= baseMillis.length; attempt++) {
                long base = baseMillis[attempt - 1];
                assertThat(RetryingChatModel.delay(settings, attempt, failure)).as("attempt %d", attempt)
                        .isBetween(Duration.ofMillis(base * 8 / 10), Duration.ofMillis(base * 12 / 10));
            }
        }
        assertThat(RetryingChatModel.delay(settings, 1_000, failure)).isLessThanOrEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void theDelayWithoutJitterIsExact() {
        var settings = new RetrySettings(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0, Duration.ofMinutes(1));

        assertThat(RetryingChatModel.delay(settings, 3, failure(Kind.TIMEOUT))).isEqualTo(Duration.ofMillis(400));
        assertThat(RetryingChatModel.delay(settings, 0, failure(Kind.TIMEOUT))).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void theDelayIsTheRetryAfterWhenTheServerSentOne() {
        var settings = new RetrySettings(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0.2, Duration.ofMinutes(1));

        assertThat(RetryingChatModel.delay(settings, 4, failure(Kind.RATE_LIMITED, Duration.ofSeconds(17))))
                .isEqualTo(Duration.ofSeconds(17));
    }

    @Test
    void anInterruptDuringTheBackoffWaitEndsTheCallWithInterruptedException() throws Exception {
        // given a backoff of a minute, and a retry about to wait
        var slow = new RetrySettings(2, Duration.ofMinutes(1), Duration.ofMinutes(1), 0, Duration.ofMinutes(1));
        var waiting = new CountDownLatch(1);
        delegate.thenThrow(failure(Kind.SERVER_ERROR));
        var model = new RetryingChatModel(delegate, slow, retry -> waiting.countDown());
        var outcome = new CompletableFuture<ChatResponse>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                outcome.complete(model.chat(Requests.ask("hello")));
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });

        // when
        waiting.await();
        caller.interrupt();

        // then
        assertThatThrownBy(() -> outcome.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(delegate.calls()).isOne();
        caller.join();
    }

    @Test
    void anInterruptDuringTheCallIsNotRetried() {
        // given
        delegate.then(request -> {
            throw new InterruptedException("interrupted during a call");
        });

        // then
        assertThatThrownBy(() -> retrying(FAST).chat(Requests.ask("hello")))
                .isInstanceOf(InterruptedException.class)
                .hasMessage("interrupted during a call");
        assertThat(delegate.calls()).isOne();
        assertThat(retries).isEmpty();
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new RetrySettings(-1, Duration.ofSeconds(1), Duration.ofSeconds(2), 0,
                Duration.ZERO)).hasMessageContaining("maxRetries cannot be negative: -1");
        assertThatThrownBy(() -> new RetrySettings(1, Duration.ofSeconds(3), Duration.ofSeconds(2), 0,
                Duration.ZERO)).hasMessageContaining("0 < initialDelay <= maxDelay");
        assertThatThrownBy(() -> new RetrySettings(1, Duration.ofSeconds(1), Duration.ofSeconds(2), 1.5,
                Duration.ZERO)).hasMessageContaining("jitter must be within 0..1, was 1.5");
    }
}
