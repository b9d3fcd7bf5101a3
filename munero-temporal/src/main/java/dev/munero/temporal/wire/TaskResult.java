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
 *                   {@code munero/<runId>-tasks/<iteration>/<task>} (not under {@code munero/<runId>/}: git
 *                   cannot hold refs below the run's own branch)
 * @param commit     the task's commit on it, or null when the task changed nothing
 * @param events     what the task recorded, in order: {@code task_started}, its {@code model_call}s and
 *                   {@code tool_call}s, and {@code task_finished} with {@code commit}
 */
public record TaskResult(String task, String condition, String summary, String taskBranch, String commit,
                         List<EventLine> events) { }
