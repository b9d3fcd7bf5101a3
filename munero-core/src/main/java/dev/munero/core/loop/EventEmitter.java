package dev.munero.core.loop;

import dev.munero.core.CostGuard;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.store.RunRecord;
import dev.munero.store.Store;
import java.util.List;
import java.util.function.IntSupplier;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where a session's events go: each persisted event is appended to the run's event log together with its
 * projection on the run's row (state and summary: iteration, cost, tasks done and total, last checkpoint, checks
 * passed, pause reason), in one store transaction, and then published on the session's {@link EventBus}.
 *
 * <p>Invariant: subscribers see events in the order of the log, and a published persisted event is already stored.
 *
 * <p>Thread-safe: {@link #emit} and {@link #settle} hold this object's lock while they append and publish, so
 * events from the session's thread and from agents' threads are stored and published in one order.
 */
public final class EventEmitter {
    private final Store store;
    private final String runId;
    private final EventBus bus;
    private final CostGuard guard;
    private final IntSupplier tasksDone;

    /**
     * @param guard     the run's cost guard: its spent total is the summary's {@code cost_usd}
     * @param tasksDone the tasks of the current plan that are done, for the summary's {@code tasks_done}; called
     *                  under this object's lock, on the thread that emits
     */
    public EventEmitter(Store store, String runId, EventBus bus, CostGuard guard, IntSupplier tasksDone) {
        this.store = store;
        this.runId = runId;
        this.bus = bus;
        this.guard = guard;
        this.tasksDone = tasksDone;
    }

    /**
     * Appends the event (with its projection) unless it is not persisted, and publishes it.
     *
     * @throws dev.munero.store.StoreException when the store cannot be written
     */
    public synchronized void emit(RunEvent event) {
        if (event.persisted()) {
            ObjectNode payload = RunEvents.payload(event);
            store.append(runId, event.type(), payload, r -> project(r, event));
        }
        bus.publish(event);
    }

    /**
     * Appends the event, settling the cost reservation of the call it reports in the same transaction, and
     * publishes it.
     *
     * @throws dev.munero.store.StoreException when the store cannot be written
     */
    public synchronized void settle(long reservationId, RunEvent event) {
        store.appendSettling(reservationId, runId, event.type(), RunEvents.payload(event), r -> project(r, event));
        bus.publish(event);
    }

    private RunRecord project(RunRecord r, RunEvent event) {
        ObjectNode s = r.summary().deepCopy();
        String nextState = r.state();
        switch (event) {
            case RunEvent.StateChanged c -> nextState = c.to();
            case RunEvent.SessionStarted started -> {
                // a request made on a run no process was running is stale when a resumed session starts; but a
                // new run can be asked to pause between Runs.start and Started.run (a fast API client): keep that
                if (!"start".equals(started.reason())) {
                    s.put("pause_requested", false);
                }
                s.remove("paused_reason");
            }
            case RunEvent.IterationStarted i -> s.put("iteration", i.iteration());
            case RunEvent.ModelCalled ignored -> s.put("cost_usd", guard.spentUsd());
            case RunEvent.ModelCallInterrupted ignored -> s.put("cost_usd", guard.spentUsd());
            case RunEvent.WorkerFinished ignored -> s.put("cost_usd", guard.spentUsd());
            case RunEvent.PlanAccepted p -> s.put("tasks_total", ((List<?>) p.plan().get("tasks")).size())
                    .put("tasks_done", tasksDone.getAsInt());
            case RunEvent.TaskFinished ignored -> s.put("tasks_done", tasksDone.getAsInt());
            case RunEvent.Checkpoint c -> s.put("last_checkpoint", c.commit());
            case RunEvent.ChecksFinished c -> s.put("checks_passed", c.passed());
            case RunEvent.RunPaused p -> s.put("paused_reason", p.reason());
            default -> { }
        }
        return r.withState(nextState).withSummary(s);
    }
}
