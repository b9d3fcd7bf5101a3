package dev.munero.temporal;

import dev.munero.temporal.wire.CheckInput;
import dev.munero.temporal.wire.CheckResult;
import dev.munero.temporal.wire.MergeInput;
import dev.munero.temporal.wire.MergeResult;
import dev.munero.temporal.wire.PlanInput;
import dev.munero.temporal.wire.PlanResult;
import dev.munero.temporal.wire.ReflectInput;
import dev.munero.temporal.wire.ReflectResult;
import dev.munero.temporal.wire.TaskInput;
import dev.munero.temporal.wire.TaskResult;
import io.temporal.activity.ActivityInterface;

/**
 * The steps of a distributed run that do the work, executed by {@code munero worker} processes (issue 16.2). Each
 * works in the worker's own checkout of the run's git remote ({@link dev.munero.temporal.wire.RunInput#gitRemote()}),
 * fetches the commit it is given, and hands its result back through the remote (a pushed branch) and its small
 * return value (ids, commits, events; never a transcript: Temporal limits a payload to 2 MB).
 *
 * <p>Every method heartbeats ({@link Heartbeats}) while it works; a worker that dies is noticed after
 * {@link dev.munero.temporal.wire.RunInput#heartbeatSeconds()} and its activity runs again on another worker, which
 * answers the model calls the dead attempt completed from the remote cache instead of paying for them again.
 */
@ActivityInterface
public interface RunActivities {
    /** Plans the run's spec on the run's branch at the given commit. */
    PlanResult plan(PlanInput input);

    /** Runs one task's agent and pushes its commit to the task's branch. */
    TaskResult runTask(TaskInput input);

    /** Merges a task's branch into the run's branch and pushes it. */
    MergeResult merge(MergeInput input);

    /** Builds the plan's checks at the given commit. */
    CheckResult check(CheckInput input);

    /** Reflects on failed checks: lessons and the next tasks. */
    ReflectResult reflect(ReflectInput input);
}
