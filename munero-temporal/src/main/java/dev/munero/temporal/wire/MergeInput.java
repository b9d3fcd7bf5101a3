package dev.munero.temporal.wire;

/**
 * Merging a task's commit into the run's branch as an activity (the workflow runs one merge at a time).
 *
 * @param head       the run branch's head the merge starts from
 * @param taskBranch the task's branch on the remote
 * @param taskCommit its commit
 */
public record MergeInput(RunInput run, int iteration, String task, String head, String taskBranch,
                         String taskCommit) { }
