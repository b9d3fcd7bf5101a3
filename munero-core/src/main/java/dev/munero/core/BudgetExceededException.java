package dev.munero.core;

/**
 * A model call was not made because its worst-case cost would take the run past its budget. The run pauses with
 * its state saved; resuming with a budget of at least {@link #neededUsd()} more lets the call go.
 *
 * <p>Unchecked so that it passes through the agent loop and the planner unchanged.
 */
public final class BudgetExceededException extends RuntimeException {
    private final double spentUsd;
    private final double budgetUsd;
    private final double callUsd;

    /**
     * @param spentUsd  what the run has spent, USD
     * @param budgetUsd the budget, USD
     * @param callUsd   the worst-case cost of the call that was not made, USD
     */
    public BudgetExceededException(double spentUsd, double budgetUsd, double callUsd) {
        this(String.format(java.util.Locale.ROOT, "the next model call could cost up to $%.4f; $%.4f of the "
                + "$%.4f budget is spent, so it needs $%.4f more", callUsd, spentUsd, budgetUsd,
                spentUsd + callUsd - budgetUsd), spentUsd, budgetUsd, callUsd);
    }

    /** The budget cannot be kept because the model has no known price; {@link #neededUsd()} is NaN. */
    static BudgetExceededException unpriced(String model, double spentUsd, double budgetUsd) {
        return new BudgetExceededException("a budget needs a known price for " + model + ", and it has none; add it "
                + "to your models.toml (see README) or run without a budget", spentUsd, budgetUsd, Double.NaN);
    }

    private BudgetExceededException(String message, double spentUsd, double budgetUsd, double callUsd) {
        super(message);
        this.spentUsd = spentUsd;
        this.budgetUsd = budgetUsd;
        this.callUsd = callUsd;
    }

    /** USD spent when the call was refused. */
    public double spentUsd() {
        return spentUsd;
    }

    /** The budget, USD. */
    public double budgetUsd() {
        return budgetUsd;
    }

    /** How much more budget the refused call needs, USD. */
    public double neededUsd() {
        return spentUsd + callUsd - budgetUsd;
    }
}
