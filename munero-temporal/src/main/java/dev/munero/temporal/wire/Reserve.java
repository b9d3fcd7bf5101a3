package dev.munero.temporal.wire;

/**
 * A model call's reservation asked of the workflow before the call is sent.
 *
 * @param callId       unique per call and attempt: {@code <activity id>/<attempt>/<scope>/<index>}
 * @param worstCaseUsd the most the call can cost, USD (its input plus its maximum output at the model's prices)
 */
public record Reserve(String callId, double worstCaseUsd) { }
