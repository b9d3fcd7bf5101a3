package dev.munero.temporal.wire;

import java.util.List;

/**
 * Planning as an activity: plan {@code run.spec()} on the run's branch at {@code commit}.
 *
 * @param lessonsJson the lessons the planner is given, each one {@code Lesson} as JSON
 */
public record PlanInput(RunInput run, String commit, List<String> lessonsJson) { }
