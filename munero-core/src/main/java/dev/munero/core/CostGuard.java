package dev.munero.core;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.StreamListener;
import dev.munero.llm.TokenEstimator;
import dev.munero.llm.pricing.ModelInfo;
import java.util.OptionalDouble;

/**
 * The run's cost service and hard budget, shared by every scope of a run. Before each call it takes the call's
 * worst case ({@link ModelInfo#worstCaseCost}, from the estimated input and the max output) as a
 * {@link Reservation} and refuses the call with {@link BudgetExceededException} when the money spent plus the
 * worst cases of the calls in flight plus this one would pass the budget; after the call the worst case is
 * replaced by the real cost ({@link ModelInfo#cost} of the reported usage).
 *
 * <p>A call that is cut off (the thread interrupted by a pause or Ctrl-C, a timeout or a malformed answer after
 * the request was sent) may still be billed by the provider, so it counts as spent at its worst case, marked as an
 * estimate ({@link #estimatedUsd()}); a call the provider refused with an error status counts nothing. Calls cut
 * off by a crash are counted by the next session: it starts the guard with them in {@code spentUsd}
 * ({@link StoredChatModel} writes each reservation to the store before the call is sent).
 *
 * <p>Calls answered from the store ({@link StoredChatModel} sits in front of this) never reach it and cost
 * nothing. Without a budget nothing is refused. With a budget and a model without a price every call is
 * refused: the run cannot know what it spends.
 *
 * <p>A run whose agent profiles name other models (issue 14) has one guard per model ({@link #withModel}), all
 * sharing one account: each call is reserved at its own model's worst case and priced at its own model's prices,
 * and the budget covers them all.
 *
 * <p>Thread-safe: parallel agents share one guard (one account).
 */
public final class CostGuard implements ChatModel {
    /** What the run has spent and holds in flight, shared by the guards of all its models; guarded by itself. */
    private static final class Account {
        private double spentUsd;
        private double estimatedUsd;
        private double inFlightUsd;
        private boolean unknownCost;
    }

    private final ChatModel delegate;
    private final ModelInfo prices;
    private final OptionalDouble budgetUsd;
    private final Account account;

    /**
     * A call's worst-case cost, held from before the call is sent until it completes.
     *
     * @param worstCaseUsd the most the call can cost, USD; empty when the model's price is unknown
     * @param heldUsd      what the guard counts as in flight for it, USD (0 without a budget)
     */
    public record Reservation(OptionalDouble worstCaseUsd, double heldUsd) { }

    /**
     * @param delegate     the provider
     * @param prices       its prices
     * @param budgetUsd    the run's budget, USD; empty for none
     * @param spentUsd     what earlier sessions of the run spent, USD, calls they left cut off included
     */
    public CostGuard(ChatModel delegate, ModelInfo prices, OptionalDouble budgetUsd, double spentUsd) {
        this(delegate, prices, budgetUsd, new Account());
        this.account.spentUsd = spentUsd;
    }

    private CostGuard(ChatModel delegate, ModelInfo prices, OptionalDouble budgetUsd, Account account) {
        this.delegate = delegate;
        this.prices = prices;
        this.budgetUsd = budgetUsd;
        this.account = account;
    }

    /**
     * A guard of another model with its own prices over this guard's account and budget: what either spends or
     * holds in flight counts for both (issue 14, a profile's own model).
     *
     * @param delegate the other model's provider
     * @param prices   its prices
     */
    public CostGuard withModel(ChatModel delegate, ModelInfo prices) {
        return new CostGuard(delegate, prices, budgetUsd, account);
    }

    /** The prices this guard charges its calls at. */
    public ModelInfo prices() {
        return prices;
    }

    @Override
    public ModelRef model() {
        return delegate.model();
    }

    /** USD spent by the run so far (every session), calls cut off counted at their worst case. */
    public double spentUsd() {
        synchronized (account) {
            return account.spentUsd;
        }
    }

    /** USD of {@link #spentUsd()} that are worst-case estimates of calls this session cut off. */
    public double estimatedUsd() {
        synchronized (account) {
            return account.estimatedUsd;
        }
    }

    /** True when some call's cost was unknown (a model without a price): {@link #spentUsd()} is then too low. */
    public boolean costUnknown() {
        synchronized (account) {
            return account.unknownCost;
        }
    }

    /** {@link #reserve}, then {@link #send}. */
    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        return send(reserve(request), request, listener);
    }

    /**
     * Takes a call's worst case before it is sent.
     *
     * @throws BudgetExceededException when the call could take the run past its budget, or there is a budget and the
     *                                 model has no price
     */
    public Reservation reserve(ChatRequest request) {
        OptionalDouble worst = prices.worstCaseCost(TokenEstimator.inputTokens(request), request.maxOutputTokens());
        if (budgetUsd.isEmpty()) {
            return new Reservation(worst, 0);
        }
        synchronized (account) {
            if (worst.isEmpty()) {
                throw BudgetExceededException.unpriced(delegate.model().toString(), account.spentUsd,
                        budgetUsd.getAsDouble());
            }
            double committed = account.spentUsd + account.inFlightUsd;
            if (committed + worst.getAsDouble() > budgetUsd.getAsDouble()) {
                throw new BudgetExceededException(committed, budgetUsd.getAsDouble(), worst.getAsDouble());
            }
            account.inFlightUsd += worst.getAsDouble();
        }
        return new Reservation(worst, worst.getAsDouble());
    }

    /**
     * Sends a reserved call and settles its reservation: the real cost when it completes, its worst case when it
     * is cut off ({@link #isCutOff}), nothing when the provider refused it.
     *
     * @throws InterruptedException when the thread is interrupted during the call
     * @throws ProviderException    as the provider throws it
     */
    public ChatResponse send(Reservation reservation, ChatRequest request, StreamListener listener)
            throws InterruptedException {
        ChatResponse response;
        try {
            response = delegate.chat(request, listener);
        } catch (InterruptedException | RuntimeException e) {
            settle(reservation, isCutOff(e) ? reservation.worstCaseUsd() : OptionalDouble.of(0), isCutOff(e));
            throw e;
        }
        settle(reservation, prices.cost(response.usage()), false);
        return response;
    }

    /**
     * Reserves the budget of a CLI worker's task before it starts (issue 15): a share of what is left, {@code
     * (budget − spent − in flight) / shares}, which the worker gets as its limit; without a budget nothing is held.
     *
     * @param shares how many tasks may run at once (the run's agents), at least 1
     * @throws BudgetExceededException when less than a cent of the budget is left
     */
    public Reservation reserveShare(int shares) {
        if (budgetUsd.isEmpty()) {
            return new Reservation(OptionalDouble.empty(), 0);
        }
        synchronized (account) {
            double committed = account.spentUsd + account.inFlightUsd;
            double left = budgetUsd.getAsDouble() - committed;
            if (left < 0.01) {
                throw new BudgetExceededException(committed, budgetUsd.getAsDouble(), 0.01);
            }
            double share = left / Math.max(1, shares);
            account.inFlightUsd += share;
            return new Reservation(OptionalDouble.of(share), share);
        }
    }

    /**
     * Settles a worker's reservation with what it spent; an empty cost (unpriced) marks the run's cost unknown.
     */
    public void settleSpent(Reservation reservation, OptionalDouble spentUsd) {
        settle(reservation, spentUsd, false);
    }

    /** Whether the budget is (nearly, within half a cent) used up; false without a budget. */
    public boolean exhausted() {
        synchronized (account) {
            return budgetUsd.isPresent() && account.spentUsd + account.inFlightUsd >= budgetUsd.getAsDouble() - 0.005;
        }
    }

    /** Releases a reservation whose call was never sent. */
    public void cancel(Reservation reservation) {
        settle(reservation, OptionalDouble.of(0), false);
    }

    /**
     * Whether a call that ended with {@code failure} may have been billed: an interruption, a timeout or a
     * malformed answer came after the request was sent; an error status (4xx, 5xx) or a refused connection was
     * not billed.
     */
    public static boolean isCutOff(Throwable failure) {
        return failure instanceof InterruptedException || failure instanceof ProviderException p
                && (p.kind() == ProviderException.Kind.TIMEOUT || p.kind() == ProviderException.Kind.MALFORMED_RESPONSE);
    }

    private void settle(Reservation reservation, OptionalDouble actual, boolean estimate) {
        synchronized (account) {
            account.inFlightUsd -= reservation.heldUsd();
            if (actual.isPresent()) {
                account.spentUsd += actual.getAsDouble();
                if (estimate) {
                    account.estimatedUsd += actual.getAsDouble();
                }
            } else {
                account.unknownCost = true;
            }
        }
    }
}
