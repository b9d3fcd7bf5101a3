package dev.munero.temporal.wire;

/**
 * How the workflow ended.
 *
 * @param status     {@code completed}, {@code failed} or {@code paused} (budget, a pause request, a provider or git
 *                   failure: the run can be resumed)
 * @param message    why, for the user
 * @param iterations iterations run
 * @param head       the run branch's last head on the remote
 * @param spentUsd   the run's spend in USD, settled reservations plus still-open ones at their worst case
 * @param neededUsd  for a budget pause, what the refused call needed, else null
 */
public record RunResult(String status, String message, int iterations, String head, double spentUsd,
                        Double neededUsd) { }
