package dev.munero.temporal.wire;

/**
 * The plan's checks as an activity: a build of the run's branch at {@code commit}.
 *
 * @param checksJson the plan's checks as JSON (the {@code checks} of {@code PlanJson})
 */
public record CheckInput(RunInput run, int iteration, String commit, String checksJson) { }
