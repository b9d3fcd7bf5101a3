package dev.munero.temporal.wire;

import java.util.List;

/**
 * One task of the plan as an activity: an agent works on {@code taskJson} in a checkout of the run's branch at
 * {@code commit}, commits its work and pushes it to the task branch.
 *
 * @param taskJson    the {@code PlanTask} as JSON
 * @param lessonsJson the task's lessons, each one {@code Lesson} as JSON
 */
public record TaskInput(RunInput run, int iteration, String taskJson, String commit, List<String> lessonsJson) { }
