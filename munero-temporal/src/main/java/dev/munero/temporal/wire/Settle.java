package dev.munero.temporal.wire;

/**
 * What a reserved call cost: it replaces the reservation's worst case in the workflow's account.
 *
 * @param callId the reservation's {@link Reserve#callId()}
 * @param usd    the call's cost in USD (its worst case when it was cut off and its usage is unknown)
 */
public record Settle(String callId, double usd) { }
