package dev.munero.temporal.wire;

import java.util.List;

/**
 * How a task ended.
 *
 * @param task       the task's id
 * @param condition  why its agent stopped, as {@code task_finished}'s condition ({@code finished}, {@code turns},
 *                   ...)
 * @param summary    the agent's summary
 * @param taskBranch the branch on the run's remote holding the task's commit,
 *                   {@code munero/<runId>/<iteration>/<task>}
 * @param commit     the task's commit on it, or null when the task changed nothing
 * @param events     what the task recorded, in order
 */
public record TaskResult(String task, String condition, String summary, String taskBranch, String commit,
                         List<EventLine> events) { }
