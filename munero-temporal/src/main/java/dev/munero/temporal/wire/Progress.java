package dev.munero.temporal.wire;

import java.util.List;

/**
 * The workflow's state as its query returns it.
 *
 * @param state       the run's state label ({@code Planning}, {@code Building}, ...)
 * @param iteration   the current iteration
 * @param spentUsd    settled spend, USD
 * @param reservedUsd open reservations, USD
 * @param events      the events from the asked index on (at most a page)
 * @param nextEvent   the index to ask from next
 */
public record Progress(String state, int iteration, double spentUsd, double reservedUsd, List<EventLine> events,
                       int nextEvent) { }
