package dev.munero.core;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.llm.TokenEstimator;
import dev.munero.llm.pricing.ModelInfo;
import java.util.OptionalDouble;

/**
 * The run's cost service and hard budget, as a decorator of the provider shared by every scope of a run.
 * Before each call it takes the call's worst case ({@link ModelInfo#worstCaseCost}, from the estimated input and
 * the max output) and refuses the call with {@link BudgetExceededException} when the money spent plus the
 * worst cases of the calls in flight plus this one would pass the budget; after the call the worst case is
 * replaced by the real cost ({@link ModelInfo#cost} of the reported usage).
 *
 * <p>Calls answered from the store ({@link StoredChatModel} sits in front of this) never reach it and cost
 * nothing. Without a budget nothing is refused. With a budget and a model without a price every call is
 * refused: the run cannot know what it spends.
 *
 * <p>Thread-safe: parallel agents share one guard.
 */
public final class CostGuard implements ChatModel {
    private final ChatModel delegate;
    private final ModelInfo prices;
    private final OptionalDouble budgetUsd;
    private double spentUsd;
    private double inFlightUsd;
    private boolean unknownCost;

    /**
     * @param delegate     the provider
     * @param prices       its prices
     * @param budgetUsd    the run's budget, USD; empty for none
     * @param spentUsd     what earlier sessions of the run spent, USD
     */
    public CostGuard(ChatModel delegate, ModelInfo prices, OptionalDouble budgetUsd, double spentUsd) {
        this.delegate = delegate;
        this.prices = prices;
        this.budgetUsd = budgetUsd;
        this.spentUsd = spentUsd;
    }

    @Override
    public ModelRef model() {
        return delegate.model();
    }

    /** USD spent by the run so far (every session). */
    public synchronized double spentUsd() {
        return spentUsd;
    }

    /** True when some call's cost was unknown (a model without a price): {@link #spentUsd()} is then too low. */
    public synchronized boolean costUnknown() {
        return unknownCost;
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
        double worst = reserve(request);
        ChatResponse response;
        try {
            response = delegate.chat(request, listener);
        } catch (InterruptedException | RuntimeException e) {
            release(worst, OptionalDouble.of(0));
            throw e;
        }
        release(worst, prices.cost(response.usage()));
        return response;
    }

    private synchronized double reserve(ChatRequest request) {
        if (budgetUsd.isEmpty()) {
            return 0;
        }
        OptionalDouble worst = prices.worstCaseCost(TokenEstimator.inputTokens(request), request.maxOutputTokens());
        if (worst.isEmpty()) {
            throw BudgetExceededException.unpriced(delegate.model().toString(), spentUsd, budgetUsd.getAsDouble());
        }
        double committed = spentUsd + inFlightUsd;
        if (committed + worst.getAsDouble() > budgetUsd.getAsDouble()) {
            throw new BudgetExceededException(committed, budgetUsd.getAsDouble(), worst.getAsDouble());
        }
        inFlightUsd += worst.getAsDouble();
        return worst.getAsDouble();
    }

    private synchronized void release(double worst, OptionalDouble actual) {
        inFlightUsd -= worst;
        if (actual.isPresent()) {
            spentUsd += actual.getAsDouble();
        } else {
            unknownCost = true;
        }
    }
}
