package dev.munero.llm.resilience;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.StreamListener;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Retries a model's retriable failures (429, 5xx, 529 overloaded, connection failures and timeouts) with
 * exponential backoff and jitter, waiting exactly the server's {@code retry-after} when it sends one. 400, 401,
 * 403 and malformed responses fail at once. Built on Failsafe's {@link RetryPolicy}.
 *
 * <p>Thread-safe.
 */
public final class RetryingChatModel implements ChatModel {

    /**
     * One retry about to wait.
     *
     * @param attempt the attempt that failed, from 1
     * @param delay   how long the retry waits
     * @param failure why
     */
    public record Retry(int attempt, Duration delay, ProviderException failure) { }

    private final ChatModel delegate;
    private final RetrySettings settings;
    private final RetryPolicy<ChatResponse> policy;

    /**
     * @param delegate the model to call
     * @param settings backoff and limits
     * @param onRetry  told before each wait (for events and logs); may be a no-op
     */
    public RetryingChatModel(ChatModel delegate, RetrySettings settings, Consumer<Retry> onRetry) {
        this.delegate = delegate;
        this.settings = settings;
        this.policy = RetryPolicy.<ChatResponse>builder()
                .handleIf(e -> e instanceof ProviderException p && p.retriable() && !tooLong(p, settings))
                .withMaxRetries(settings.maxRetries())
                // not Failsafe's withBackoff/withJitter: its jitter would also shorten a server's retry-after
                .withDelayFn(context -> delay(settings, context.getAttemptCount(), context.getLastException()))
                .onRetryScheduled(event -> onRetry.accept(new Retry(event.getAttemptCount(), event.getDelay(),
                        (ProviderException) event.getLastException())))
                .build();
    }

    /**
     * The wait before retry number {@code attempt} (from 1): the server's {@code retry-after} exactly, else
     * {@code initialDelay * 2^(attempt-1)} capped at {@code maxDelay}, times a random factor in
     * {@code 1 ± jitter}.
     */
    static Duration delay(RetrySettings settings, int attempt, Throwable failure) {
        if (failure instanceof ProviderException p && p.retryAfter().isPresent()) {
            return p.retryAfter().get();
        }
        double base = Math.min(settings.maxDelay().toNanos(),
                settings.initialDelay().toNanos() * Math.pow(2, Math.max(0, attempt - 1)));
        double factor = 1 + settings.jitter() * (2 * java.util.concurrent.ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos((long) (base * factor));
    }

    private static boolean tooLong(ProviderException failure, RetrySettings settings) {
        return failure.retryAfter().map(d -> d.compareTo(settings.maxRetryAfter()) > 0).orElse(false);
    }

    @Override
    public ModelRef model() {
        return delegate.model();
    }

    /**
     * Sends the request, retrying as the class says.
     *
     * @throws ProviderException the last failure; when it was retriable, its message also says why Munero stopped
     *                           retrying: the attempts and time spent, or a {@code retry-after} longer than
     *                           {@link RetrySettings#maxRetryAfter()} (issue 10)
     */
    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        long started = System.nanoTime();
        try {
            return Failsafe.with(policy).get(() -> {
                attempts.incrementAndGet();
                return delegate.chat(request, listener);
            });
        } catch (FailsafeException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw e;
        } catch (ProviderException p) {
            if (!p.retriable()) {
                throw p;
            }
            String why;
            if (tooLong(p, settings)) {
                why = "the server asked to wait " + seconds(p.retryAfter().orElseThrow()) + " before retrying, longer "
                        + "than the " + seconds(settings.maxRetryAfter()) + " Munero waits at most; try again later";
            } else if (attempts.get() > 1) {
                why = "gave up after " + attempts.get() + " attempts over "
                        + seconds(Duration.ofNanos(System.nanoTime() - started));
            } else {
                throw p;
            }
            throw new ProviderException(p.kind(), p.getMessage() + " (" + why + ")", p.status().orElse(0),
                    p.retryAfter().orElse(null), p);
        }
    }

    private static String seconds(Duration d) {
        long s = Math.round(d.toMillis() / 1000.0);
        return s >= 120 ? (s % 60 == 0 ? s / 60 + " min" : s / 60 + " min " + s % 60 + " s") : s + " s";
    }
}
