package dev.munero.core;

/**
 * A model call was not made because its worst-case cost would take the run past its budget. The run pauses with
 * its state saved; resuming with a total budget of at least {@link #resumeBudgetUsd()} (what is spent or in
 * flight plus the call's worst case, rounded up to the cent) lets the call go.
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
        this(String.format(java.util.Locale.ROOT, "the next model call could cost up to $%.4f and $%.4f of the "
                + "$%.4f budget is spent; resume with a total budget of at least $%.2f (spent $%.4f + the next "
                + "call's worst case $%.4f)", callUsd, spentUsd, budgetUsd, roundUpToCent(spentUsd + callUsd),
                spentUsd, callUsd), spentUsd, budgetUsd, callUsd);
    }

    /**
     * {@code usd} rounded up to the next cent, strictly above {@code usd} when it is a whole number of cents, so
     * that floating-point sums compared with it never fall on the wrong side.
     */
    public static double roundUpToCent(double usd) {
        return Math.floor(usd * 100 + 1e-6) / 100 + 0.01;
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

    /** How much more budget the refused call needs, USD (NaN when the model has no price). */
    public double neededUsd() {
        return spentUsd + callUsd - budgetUsd;
    }

    /**
     * The smallest total budget, rounded up to the cent, that lets the refused call through: spent (and in flight)
     * plus the call's worst case. {@code munero resume --budget-usd} takes a total. NaN when the model has no price.
     */
    public double resumeBudgetUsd() {
        return roundUpToCent(spentUsd + callUsd);
    }

    /** What to add to the budget to reach {@link #resumeBudgetUsd()}, rounded up to the cent, USD. */
    public double addBudgetUsd() {
        return roundUpToCent(spentUsd + callUsd - budgetUsd);
    }
}
