package dev.munero.temporal.calls;

import dev.munero.core.CostGuard;
import dev.munero.engine.cache.remote.RemoteValues;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.llm.TokenEstimator;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.llm.record.CallCodec;
import dev.munero.temporal.Heartbeats;
import dev.munero.temporal.RunWorkflow;
import dev.munero.temporal.wire.Grant;
import dev.munero.temporal.wire.Reserve;
import dev.munero.temporal.wire.Settle;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The model one activity attempt calls (issue 16.2), made by {@link WorkerActivityModels}. Each call, in order:
 * <ol>
 *   <li>its digest ({@link CallDigests}); when an earlier attempt of this activity completed it
 *       ({@link Heartbeats#previous()}) and the remote cache still holds its response (verified by hash,
 *       {@link RemoteValues}), the call is answered from there: nothing is reserved, sent or paid;</li>
 *   <li>otherwise its worst case (as {@link CostGuard#reserve} computes it: the estimated input and the max output at
 *       the model's prices) is reserved with the run workflow's {@link RunWorkflow#reserve} update; a refusal fails
 *       the activity without retry ({@link ApplicationFailure} of type {@link #BUDGET_FAILURE}, its message the
 *       workflow's reason);</li>
 *   <li>the call is sent to the worker's provider and settled ({@link RunWorkflow#settle}) with its cost: the
 *       reported usage at the model's prices; its worst case when it was cut off ({@link CostGuard#isCutOff}); 0 when
 *       the provider refused it;</li>
 *   <li>a completed call's response goes to the remote cache under its digest, and only then the digest into the
 *       heartbeat ({@link Heartbeats#completed}), so a digest a later attempt reads always had its response stored
 *       (without a remote cache the digest is heartbeated all the same: a retry then says how many calls it pays
 *       again).</li>
 * </ol>
 * What could not be done as planned (no remote cache, the cache unreachable, an answer gone from it) is said in
 * {@link #notes()}, for the activity's events: the call is then paid again.
 *
 * <p>A digest reaches Temporal with the next heartbeat the SDK sends: it throttles an activity's heartbeats to one
 * per 0.8 × the heartbeat time-out (Java SDK, {@code HeartbeatContextImpl}) and sends the last details when the
 * attempt fails or completes. A worker killed less than that after a call completed loses the digest, and the retry
 * pays for that call again.
 *
 * <p>Thread-safe; call ids are {@code <callPrefix>/call/<n>}, n counting from 1 in this attempt.
 */
public final class ActivityModel implements ChatModel {
    /** The {@link ApplicationFailure#getType()} of a call the run's budget refused. */
    public static final String BUDGET_FAILURE = "MuneroBudgetExceeded";

    private final ChatModel provider;
    private final ModelInfo prices;
    private final Heartbeats heartbeats;
    private final RunWorkflow run;
    private final boolean budgeted;
    private final RemoteValues cache;
    private final String callPrefix;
    private final CallDigests digests;
    private final Set<String> previous;
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger sent = new AtomicInteger();
    private final List<String> notes = new ArrayList<>();

    /**
     * @param provider   the worker's provider
     * @param prices     its prices
     * @param heartbeats the attempt's heartbeats
     * @param run        a stub of the run's workflow (its reserve update and settle signal)
     * @param budgeted   whether the run has a budget (then a model without a price cannot be called)
     * @param cache      the run's remote cache, or null for none
     * @param digests    the attempt's call digests
     * @param callPrefix {@code <activity id>/<attempt>}
     */
    ActivityModel(ChatModel provider, ModelInfo prices, Heartbeats heartbeats, RunWorkflow run, boolean budgeted,
                  RemoteValues cache, CallDigests digests, String callPrefix) {
        this.provider = provider;
        this.prices = prices;
        this.heartbeats = heartbeats;
        this.run = run;
        this.budgeted = budgeted;
        this.cache = cache;
        this.digests = digests;
        this.callPrefix = callPrefix;
        this.previous = heartbeats.previous();
        if (cache == null && !previous.isEmpty()) {
            note("an earlier attempt completed " + previous.size() + " model call(s), but the run has no remote cache "
                    + "to answer them from: they are sent and paid again");
        }
    }

    @Override
    public ModelRef model() {
        return provider.model();
    }

    /**
     * Answers from the remote cache, or reserves, sends and settles; see the class comment.
     *
     * @throws ApplicationFailure   non-retryable, type {@link #BUDGET_FAILURE}, when the run's budget refuses the call
     * @throws RuntimeException     what {@link Heartbeats#check()} throws when the activity was cancelled or timed out
     * @throws InterruptedException when the thread is interrupted during the call
     */
    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        heartbeats.check();
        String digest = digests.next(request);
        if (cache != null && previous.contains(digest)) {
            ChatResponse stored = fromCache(digest);
            if (stored != null) {
                answered.incrementAndGet();
                String text = stored.message().text();
                if (!text.isEmpty()) {
                    listener.onText(text);
                }
                return stored;
            }
        }
        String callId = callPrefix + "/call/" + calls.incrementAndGet();
        OptionalDouble worst = prices.worstCaseCost(TokenEstimator.inputTokens(request), request.maxOutputTokens());
        if (worst.isEmpty() && budgeted) {
            throw ApplicationFailure.newNonRetryableFailure("the run has a budget, which needs a known price for "
                    + provider.model() + ", and it has none; add it to the worker's models.toml (see README) or run "
                    + "without a budget", BUDGET_FAILURE);
        }
        Grant grant = run.reserve(new Reserve(callId, worst.orElse(0)));
        if (!grant.granted()) {
            throw ApplicationFailure.newNonRetryableFailure("the run's budget refused a model call: "
                    + (grant.reason() == null ? "no reason given" : grant.reason()), BUDGET_FAILURE);
        }
        ChatResponse response;
        try {
            sent.incrementAndGet();
            response = provider.chat(request, listener);
        } catch (InterruptedException | RuntimeException e) {
            settle(callId, CostGuard.isCutOff(e) ? worst.orElse(0) : 0);
            throw e;
        }
        OptionalDouble cost = prices.cost(response.usage());
        settle(callId, cost.orElse(0));
        if (cache == null) {
            heartbeats.completed(digest); // nothing to answer it from, but a retry can say what it pays again
            return response;
        }
        try {
            cache.put(digest, CallCodec.writeResponse(response));
            heartbeats.completed(digest);
        } catch (RemoteValues.Unavailable e) {
            note("a completed model call could not be stored in the remote cache (" + e.getMessage() + "): a "
                    + "retry of this activity would pay for it again");
        }
        return response;
    }

    private ChatResponse fromCache(String digest) {
        try {
            var bytes = cache.get(digest);
            if (bytes.isEmpty()) {
                note("model call " + digest.substring(0, 12) + ", completed by an earlier attempt, is not in the remote "
                        + "cache " + cache.settings().url() + " (evicted?): it is sent and paid again");
                return null;
            }
            ChatResponse r = CallCodec.readResponse(bytes.get());
            heartbeats.completed(digest);
            return r;
        } catch (RemoteValues.Unavailable | IllegalArgumentException e) {
            note("model call " + digest.substring(0, 12) + ", completed by an earlier attempt, cannot be answered from "
                    + "the remote cache (" + e.getMessage() + "): it is sent and paid again");
            return null;
        }
    }

    private void settle(String callId, double usd) {
        run.settle(new Settle(callId, usd));
    }

    private void note(String text) {
        synchronized (notes) {
            notes.add(text);
        }
    }

    /** Calls answered from the remote cache (completed by an earlier attempt), so far. */
    public int answeredFromCache() {
        return answered.get();
    }

    /** Calls sent to the provider, so far. */
    public int sent() {
        return sent.get();
    }

    /** What did not go as planned, one sentence each, for the activity's events; empty when all did. */
    public List<String> notes() {
        synchronized (notes) {
            return List.copyOf(notes);
        }
    }

    /** One line for the activity's events: how many calls were sent and how many answered from the cache. */
    public String summary() {
        return String.format(Locale.ROOT, "%d model call(s) sent, %d answered from the remote cache (completed by an "
                + "earlier attempt)", sent.get(), answered.get());
    }
}
