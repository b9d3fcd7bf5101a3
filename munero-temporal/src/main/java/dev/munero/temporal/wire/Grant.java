package dev.munero.temporal.wire;

/**
 * The workflow's answer to a {@link Reserve}.
 *
 * @param granted whether the call may be sent
 * @param leftUsd the budget left after this reservation (USD), or null without a budget
 * @param reason  why it was refused (names the budget, what is spent and reserved), or null
 */
public record Grant(boolean granted, Double leftUsd, String reason) { }
