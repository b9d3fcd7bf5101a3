package dev.munero.agent.worker;

import java.util.Locale;

/** Where a worker's cost figure comes from. */
public enum CostSource {
    /** The CLI reported it (Claude Code's {@code total_cost_usd}). */
    REPORTED,
    /** Munero priced the reported token usage with its model table ({@code dev.munero.llm.pricing.ModelTable}). */
    PRICED,
    /** Neither: the CLI reports no cost and the model is not in the table, so the cost is unknown. */
    UNPRICED;

    /** The lower-case name used in JSON and the transcript. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
