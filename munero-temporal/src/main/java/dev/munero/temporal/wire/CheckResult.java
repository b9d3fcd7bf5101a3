package dev.munero.temporal.wire;

import java.util.List;

/**
 * The checks' result.
 *
 * @param failuresJson the failures as a JSON array of {@code CheckFailure} (empty when passed)
 * @param events       what the check build recorded ({@code checks_finished} among them)
 */
public record CheckResult(boolean passed, String failuresJson, List<EventLine> events) { }
