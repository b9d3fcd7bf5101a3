package dev.munero.core.app;

import dev.munero.core.BudgetExceededException;
import dev.munero.core.BuildManager;
import dev.munero.core.CostGuard;
import dev.munero.core.RunLimits;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.core.loop.EventEmitter;
import dev.munero.store.Store;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A run made like a local run (its row, {@code run_started}, branch and worktree) that a {@link Distributed}
 * engine drives instead of the local loop (issue 16.2). What the follower needs of it: the run's identity, spec,
 * limits and model, and {@link #mirror} / {@link #emit}, which append events to the run's store with the local
 * run's projection (state, iteration, cost, tasks) and publish them on the session's bus, so the console,
 * {@code munero sessions show}, {@code munero cost}, the REST API and the dashboard show it like a local run.
 *
 * <p>Cost: the run's spend in the store's summary is what the mirrored {@code model_call},
 * {@code model_call_interrupted} and {@code worker_finished} events say the calls cost.
 *
 * <p>Made by {@link BuildManager.Prepared#follow}. Thread-safe: {@link #emit} holds the emitter's lock.
 */
public final class DistributedRun {
    /** Each {@link RunEvent} record by its {@link RunEvent#type()}: how a mirrored event line is decoded. */
    private static final Map<String, Class<? extends RunEvent>> TYPES = types();

    private final Store store;
    private final String runId;
    private final String spec;
    private final RunLimits limits;
    private final BuildManager.Session session;
    private final Path repo;
    private final Path worktree;
    private final String branch;
    private final String baseCommit;
    private final CostGuard spend;
    private final EventEmitter events;
    private final Set<String> tasks = new HashSet<>();
    private final Set<String> done = new HashSet<>();

    /**
     * @param spentUsd what the run spent before (0 for a new run)
     */
    public DistributedRun(Store store, String runId, String spec, RunLimits limits, BuildManager.Session session,
                          Path repo, Path worktree, String branch, String baseCommit, double spentUsd) {
        this.store = store;
        this.runId = runId;
        this.spec = spec;
        this.limits = limits;
        this.session = session;
        this.repo = repo;
        this.worktree = worktree;
        this.branch = branch;
        this.baseCommit = baseCommit;
        // no budget here: the workflow holds the run's budget; this guard only adds up what the events say was spent
        this.spend = new CostGuard(session.provider(), session.prices(), OptionalDouble.empty(), spentUsd);
        this.events = new EventEmitter(store, runId, session.bus(), spend, this::tasksDone);
    }

    public String runId() {
        return runId;
    }

    /** The run's spec, as given. */
    public String spec() {
        return spec;
    }

    public RunLimits limits() {
        return limits;
    }

    /** The run's model, {@code provider:model}. */
    public String model() {
        return session.provider().model().toString();
    }

    /** Where the starter's session runs commands (its {@code --sandbox}), which the run's workers follow. */
    public dev.munero.agent.safety.Sandbox sandbox() {
        return session.sandbox();
    }

    /** The session's environment (the starter's). */
    public Map<String, String> env() {
        return session.env();
    }

    /** The user's repository (the root of its work tree). */
    public Path repo() {
        return repo;
    }

    /** The run's worktree, {@code .munero/worktrees/<run>}, on {@link #branch()}. */
    public Path worktree() {
        return worktree;
    }

    /** The run's branch, {@code munero/<run>}. */
    public String branch() {
        return branch;
    }

    /** The commit the run starts from. */
    public String baseCommit() {
        return baseCommit;
    }

    /** USD the run has spent, as the mirrored events say. */
    public double spentUsd() {
        return spend.spentUsd();
    }

    /** Whether {@code munero pause} (or the REST API) asked this run to pause: {@code pause_requested}. */
    public boolean pauseRequested() {
        return store.run(runId).map(r -> r.summary().path("pause_requested").asBoolean()).orElse(false);
    }

    /**
     * Appends an event made here (with its projection) and publishes it.
     *
     * @throws dev.munero.store.StoreException when the store cannot be written
     */
    public void emit(RunEvent event) {
        synchronized (tasks) {
            count(event);
        }
        events.emit(event);
    }

    /**
     * Decodes an event line of the engine ({@code type} and its payload as {@link RunEvents#payload} wrote it) and
     * {@link #emit emits} it.
     *
     * @return the event, or null when {@code type} is no event this Munero knows (a newer worker's); nothing is
     *         appended then
     * @throws IllegalArgumentException when the payload is not the JSON of that event
     * @throws dev.munero.store.StoreException when the store cannot be written
     */
    public RunEvent mirror(String type, String payloadJson) {
        Class<? extends RunEvent> cls = TYPES.get(type);
        if (cls == null) {
            return null;
        }
        RunEvent event;
        try {
            JsonNode payload = RunEvents.JSON.readTree(payloadJson);
            event = RunEvents.JSON.treeToValue(payload instanceof ObjectNode ? payload
                    : RunEvents.JSON.createObjectNode(), cls);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the " + type + " event of run " + runId + " is not valid: "
                    + e.getOriginalMessage());
        }
        emit(event);
        return event;
    }

    /**
     * The outcome of the run as the engine ended it.
     *
     * @param neededUsd for a budget pause: how much more budget the refused call needed (USD), else null
     */
    public BuildManager.Outcome outcome(BuildManager.Status status, String message, int iterations, Double neededUsd) {
        Double resume = null;
        Double add = null;
        if (neededUsd != null && limits.budgetUsd().isPresent()) {
            resume = BudgetExceededException.roundUpToCent(limits.budgetUsd().getAsDouble() + neededUsd);
            add = BudgetExceededException.roundUpToCent(neededUsd);
        }
        return new BuildManager.Outcome(runId, status, message, spentUsd(), iterations, branch, worktree.toString(),
                neededUsd, resume, add);
    }

    /** Counts the tasks of the current plan and those done, for the summary; adds what a call cost. */
    private void count(RunEvent event) {
        switch (event) {
            case RunEvent.PlanAccepted p -> {
                tasks.clear();
                if (p.plan().get("tasks") instanceof List<?> list) {
                    for (Object t : list) {
                        if (t instanceof Map<?, ?> m && m.get("id") != null) {
                            tasks.add(m.get("id").toString());
                        }
                    }
                }
                p.redo().forEach(done::remove);
            }
            case RunEvent.TaskFinished t -> done.add(t.task());
            case RunEvent.ModelCalled c -> spent(c.fromStore() ? null : c.costUsd());
            case RunEvent.ModelCallInterrupted c -> spent(c.worstCaseUsd());
            case RunEvent.WorkerFinished w -> spent(w.costUsd());
            default -> { }
        }
    }

    private void spent(Double usd) {
        if (usd != null) {
            spend.settleSpent(new CostGuard.Reservation(OptionalDouble.empty(), 0), OptionalDouble.of(usd));
        }
    }

    private int tasksDone() {
        synchronized (tasks) {
            int n = 0;
            for (String t : done) {
                if (tasks.contains(t)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** The event records by type: each permitted record made with default arguments once, to ask its type. */
    @SuppressWarnings("unchecked")
    private static Map<String, Class<? extends RunEvent>> types() {
        Map<String, Class<? extends RunEvent>> m = new HashMap<>();
        for (Class<?> c : RunEvent.class.getPermittedSubclasses()) {
            if (!c.isRecord()) {
                continue;
            }
            RecordComponent[] parts = c.getRecordComponents();
            Class<?>[] params = new Class<?>[parts.length];
            Object[] args = new Object[parts.length];
            for (int i = 0; i < parts.length; i++) {
                params[i] = parts[i].getType();
                args[i] = defaultOf(params[i]);
            }
            try {
                Constructor<?> k = c.getDeclaredConstructor(params);
                m.put(((RunEvent) k.newInstance(args)).type(), (Class<? extends RunEvent>) c);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("cannot learn the type of event " + c.getSimpleName() + ": " + e, e);
            }
        }
        return Map.copyOf(m);
    }

    private static Object defaultOf(Class<?> type) {
        if (type == boolean.class) {
            return false;
        } else if (type == int.class) {
            return 0;
        } else if (type == long.class) {
            return 0L;
        } else if (type == double.class) {
            return 0.0;
        } else if (type == List.class) {
            return List.of();
        } else if (type == Map.class) {
            return Map.of();
        }
        return null;
    }
}
