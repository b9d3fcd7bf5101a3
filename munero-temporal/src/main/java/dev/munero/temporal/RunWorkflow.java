package dev.munero.temporal;

import dev.munero.temporal.wire.Grant;
import dev.munero.temporal.wire.Progress;
import dev.munero.temporal.wire.Reserve;
import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.RunResult;
import dev.munero.temporal.wire.Settle;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A run of {@code munero run} as a Temporal workflow (issue 16.2), id {@link RunInput#workflowId}: it plans, runs
 * the ready tasks (at most {@link RunInput#agents()} at once), merges each, builds the checks, and reflects, each step
 * an activity of {@link RunActivities}; it holds the run's budget account and its event list.
 *
 * <p>Workflow code is deterministic (Temporal's rule: no clocks, threads, I/O or randomness but through
 * {@code io.temporal.workflow.Workflow}); everything else happens in activities.
 */
@WorkflowInterface
public interface RunWorkflow {
    /** Runs the run to its end: completed, failed, or paused (resumable). */
    @WorkflowMethod
    RunResult run(RunInput input);

    /**
     * Reserves a model call's worst case on the run's budget before the call is sent, so that calls of activities
     * on many machines never overshoot the budget together (the local {@code CostGuard}'s rule). Idempotent per
     * {@link Reserve#callId()}.
     */
    @UpdateMethod
    Grant reserve(Reserve request);

    /**
     * Rejects a malformed {@link #reserve} (no call id, a worst case that is negative or not finite) before it is
     * written to the workflow's history; the caller gets Temporal's {@code WorkflowUpdateException}. A default
     * method, so that every implementation (tests' included) validates alike.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    @UpdateValidatorMethod(updateName = "reserve")
    default void validateReserve(Reserve request) {
        String problem = BudgetAccount.invalid(request);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** Replaces a reservation's worst case with what the call cost. An unknown call id is ignored. */
    @SignalMethod
    void settle(Settle settlement);

    /** Asks the run to pause after the activities running now end ({@code munero pause}); {@code by} says who. */
    @SignalMethod
    void pause(String by);

    /** The run's state and its events from index {@code fromEvent} on (0 for all). */
    @QueryMethod
    Progress progress(int fromEvent);
}
