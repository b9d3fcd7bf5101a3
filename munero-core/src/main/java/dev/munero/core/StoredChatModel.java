package dev.munero.core;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.llm.record.Recordings;
import dev.munero.store.ModelCallRecord;
import dev.munero.store.Store;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.time.Duration;

/**
 * Resume without paying twice: the model calls of one scope of a run (the planner, one task's agent, one
 * reflection) numbered 0, 1, 2, ... and kept in the {@link Store} as they complete. On a resumed run, call
 * number {@code i} whose request has the digest of the kept call {@code i} is answered from the store, with no
 * network and no cost; the first call that differs (or has no kept answer) goes to the model, and from then on
 * every call does.
 *
 * <p>Not thread-safe: one instance per scope, used by one agent at a time.
 */
public final class StoredChatModel implements ChatModel {
    private final ChatModel delegate;
    private final Store store;
    private final String runId;
    private final String scope;
    private final ModelInfo prices;
    private final Map<String, String> substitutions;
    private final Clock clock;
    private final CallObserver observer;
    private int next;
    private boolean diverged;
    private int answeredFromStore;

    /**
     * @param delegate      the model to call when the store has no matching answer
     * @param store         where completed calls are kept
     * @param runId         the run
     * @param scope         who calls, e.g. {@code task:3}
     * @param prices        prices of the model, for the kept cost
     * @param substitutions masked in tool results before digesting (the workspace path)
     * @param clock         when calls complete
     */
    public StoredChatModel(ChatModel delegate, Store store, String runId, String scope, ModelInfo prices,
                           Map<String, String> substitutions, Clock clock) {
        this(delegate, store, runId, scope, prices, substitutions, clock, (i, r, c, f, d) -> { });
    }

    /** Sees each completed call: its index, response, cost (0 when from the store), and whether it came from the store. */
    @FunctionalInterface
    public interface CallObserver {
        void onCall(int index, ChatResponse response, OptionalDouble costUsd, boolean fromStore, Duration duration);
    }

    /** Like the other constructor, telling {@code observer} about every call. */
    public StoredChatModel(ChatModel delegate, Store store, String runId, String scope, ModelInfo prices,
                           Map<String, String> substitutions, Clock clock, CallObserver observer) {
        this.observer = observer;
        this.delegate = delegate;
        this.store = store;
        this.runId = runId;
        this.scope = scope;
        this.prices = prices;
        this.substitutions = Map.copyOf(substitutions);
        this.clock = clock;
    }

    @Override
    public ModelRef model() {
        return delegate.model();
    }

    /** How many calls so far were answered from the store. */
    public int answeredFromStore() {
        return answeredFromStore;
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        int index = next++;
        String digest = Recordings.digest(model(), request, substitutions);
        if (!diverged) {
            Optional<ModelCallRecord> kept = store.modelCall(runId, scope, index);
            if (kept.isPresent() && kept.get().digest().equals(digest)) {
                answeredFromStore++;
                ChatResponse stored = Recordings.readResponse(kept.get().response(), kept.get().usage());
                observer.onCall(index, stored, OptionalDouble.of(0), true, Duration.ZERO);
                return stored;
            }
            diverged = true;
        }
        java.time.Instant start = clock.instant();
        ChatResponse response = delegate.chat(request, listener);
        OptionalDouble cost = prices.cost(response.usage());
        store.putModelCall(new ModelCallRecord(runId, scope, index, digest, Recordings.responseJson(response),
                Recordings.usageJson(response.usage()), cost, clock.instant()));
        observer.onCall(index, response, cost, false, Duration.between(start, clock.instant()));
        return response;
    }
}
