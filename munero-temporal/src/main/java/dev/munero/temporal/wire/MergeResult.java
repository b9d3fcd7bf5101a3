package dev.munero.temporal.wire;

import java.util.List;

/**
 * A merge's result.
 *
 * @param merged    whether the task's commit is now in the run's branch
 * @param head      the run branch's head afterwards (pushed to the remote)
 * @param conflicts the files in conflict when not merged (the workflow makes a follow-up task of them, as a local
 *                  run does)
 * @param events    what the merge recorded: {@code checkpoint} ({@code task:<id>}, the merge commit) when merged;
 *                  nothing on a conflict (the workflow records {@code merge_conflict} with its follow-up)
 */
public record MergeResult(boolean merged, String head, List<String> conflicts, List<EventLine> events) { }
