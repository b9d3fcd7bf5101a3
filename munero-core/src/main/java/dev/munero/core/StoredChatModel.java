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
 * <p>Every call sent is accounted write-ahead: its worst case is reserved with the {@link CostGuard} and written
 * to the store ({@link Store#reserveModelCall}, committed) before the request leaves; the kept call replaces the
 * reservation in one transaction when it completes. A call cut off ({@link CostGuard#isCutOff}) is reported to
 * the {@link CallObserver}, which settles its reservation; a process killed mid-call leaves the reservation for
 * the next session to settle. A call the provider refused drops its reservation.
 *
 * <p>Not thread-safe: one instance per scope, used by one agent at a time.
 */
public final class StoredChatModel implements ChatModel {
    private final CostGuard guard;
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
     * @param delegate      the model to call when the store has no matching answer: the run's {@link CostGuard}, or
     *                      any model (then wrapped in a guard without a budget)
     * @param store         where completed calls are kept
     * @param runId         the run
     * @param scope         who calls, e.g. {@code task:3}; the key of the kept calls
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

        /**
         * A sent call was cut off and may have been billed. The default leaves its reservation open, so the next
         * session of the run counts it; an observer may settle it now ({@link Store#appendSettling}).
         *
         * @param reservationId the call's reservation in the store
         * @param worstCaseUsd  its worst-case cost, USD; empty when the price is unknown
         * @param failure       what cut it off
         */
        default void onCutOff(int index, long reservationId, OptionalDouble worstCaseUsd, Throwable failure) {
        }
    }

    /** Like the other constructor, telling {@code observer} about every call. */
    public StoredChatModel(ChatModel delegate, Store store, String runId, String scope, ModelInfo prices,
                           Map<String, String> substitutions, Clock clock, CallObserver observer) {
        this.observer = observer;
        this.guard = delegate instanceof CostGuard g ? g : new CostGuard(delegate, prices, OptionalDouble.empty(), 0);
        this.store = store;
        this.runId = runId;
        this.scope = scope;
        this.prices = prices;
        this.substitutions = Map.copyOf(substitutions);
        this.clock = clock;
    }

    @Override
    public ModelRef model() {
        return guard.model();
    }

    /** How many calls so far were answered from the store. */
    public int answeredFromStore() {
        return answeredFromStore;
    }

    /**
     * Answers from the store, or reserves, sends and keeps the call.
     *
     * @throws BudgetExceededException when the guard refuses the call (nothing is reserved or sent)
     * @throws dev.munero.store.StoreException when the store cannot be written (a reservation that cannot be
     *                                         written stops the call before it is sent)
     */
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
        CostGuard.Reservation reservation = guard.reserve(request);
        long reservationId;
        try {
            reservationId = store.reserveModelCall(runId, scope, index, reservation.worstCaseUsd());
        } catch (RuntimeException e) {
            guard.cancel(reservation);
            throw e;
        }
        java.time.Instant start = clock.instant();
        ChatResponse response;
        try {
            response = guard.send(reservation, request, listener);
        } catch (InterruptedException | RuntimeException e) {
            if (CostGuard.isCutOff(e)) {
                observer.onCutOff(index, reservationId, reservation.worstCaseUsd(), e);
            } else {
                store.cancelReservation(reservationId);
            }
            throw e;
        }
        OptionalDouble cost = prices.cost(response.usage());
        store.putModelCall(new ModelCallRecord(runId, scope, index, digest, Recordings.responseJson(response),
                Recordings.usageJson(response.usage()), cost, clock.instant()), reservationId);
        observer.onCall(index, response, cost, false, Duration.between(start, clock.instant()));
        return response;
    }
}
