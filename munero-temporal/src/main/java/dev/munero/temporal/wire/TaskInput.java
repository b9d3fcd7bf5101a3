package dev.munero.temporal.wire;

import java.util.List;

/**
 * One task of the plan as an activity: an agent works on {@code taskJson} in a checkout of the run's branch at
 * {@code commit}, commits its work and pushes it to the task branch.
 *
 * @param taskJson    the {@code PlanTask} as JSON
 * @param lessonsJson the task's lessons, each one {@code Lesson} as JSON
 * @param planJson    the plan the task is of, as {@code PlanJson} writes it: the task's prompt names the plan's
 *                    checks (as a local run's does); required
 */
public record TaskInput(RunInput run, int iteration, String taskJson, String commit, List<String> lessonsJson,
                        String planJson) {
    /**
     * The input without the plan, as the first contract had it: {@code runTask} refuses it (the prompt needs the
     * plan's checks). Kept so that code written against that contract compiles.
     */
    public TaskInput(RunInput run, int iteration, String taskJson, String commit, List<String> lessonsJson) {
        this(run, iteration, taskJson, commit, lessonsJson, null);
    }
}
