package dev.munero.core.loop;

import dev.munero.core.BuildManager;
import dev.munero.core.CostGuard;
import dev.munero.core.StoredChatModel;
import dev.munero.core.swarm.AgentProfile;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.core.events.RunEvent;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The model of each scope of a run ({@code plan}, {@code task:<iteration>:<id>}, {@code reflect:<iteration>}):
 * a {@link StoredChatModel} over the run's cost guard (or, for an agent profile with a model of its own, a guard of
 * that model over the same account) whose observer records every call ({@code model_call},
 * and {@code cost_update} with the projected final cost for each call sent to the provider) and settles a call
 * that was cut off ({@code model_call_interrupted}, counted at its worst case).
 *
 * <p>After a rollback the calls are kept under a new key ({@code scope@N}, N the rollbacks so far): the work
 * after the checkpoint was rolled back, so its answers are not replayed. Events name the plain scope.
 *
 * <p>Thread-safe: agents on several threads each use their own scope's model; the observer only emits.
 */
final class ScopedModels {
    /** The role of the profile whose model plans and reflects. */
    static final String PLANNER = "planner";

    private final RunContext ctx;

    ScopedModels(RunContext ctx) {
        this.ctx = ctx;
    }

    /** The run's model for a scope whose requests mention the run's worktree. */
    ChatModel forScope(String scope) {
        return forScope(scope, ctx.worktree, null);
    }

    /**
     * The model {@code profile} names (the run's for null or one without a model) for a scope whose requests
     * mention the run's worktree.
     */
    ChatModel forScope(String scope, AgentProfile profile) {
        return forScope(scope, ctx.worktree, profile);
    }

    /**
     * The first agent profile of role {@code planner} (issue 14): its model plans and reflects; null when there is
     * none (the run's model does).
     */
    AgentProfile planner() {
        return ctx.profiles().stream().filter(p -> p.role().equals(PLANNER)).findFirst().orElse(null);
    }

    /** The prices of the model {@code profile} names (the run's for null or one without a model). */
    ModelInfo prices(AgentProfile profile) {
        return ctx.session.model(profile == null ? null : profile.model()).prices();
    }

    /**
     * The model for a scope: the run's, or the model {@code profile} names (issue 14), behind a guard of its own
     * prices over the run's one account, so the budget covers every model and each call is priced at its model's
     * prices; the replay digest includes the model, so a call is only answered from the store by the same model.
     *
     * @param workspace the directory its requests mention, kept in the store as {@code <workspace>} so that the
     *                  same work in another worktree has the same digests
     * @param profile   the agent profile whose model to use; null (or a profile without a model) for the run's
     */
    ChatModel forScope(String scope, Path workspace, AgentProfile profile) {
        BuildManager.PricedModel priced = ctx.session.model(profile == null ? null : profile.model());
        CostGuard guard = priced.model() == ctx.session.provider() ? ctx.guard
                : ctx.guard.withModel(priced.model(), priced.prices());
        String model = guard.model().toString();
        String key = ctx.run.rollbacks == 0 ? scope : scope + "@" + ctx.run.rollbacks;
        return new StoredChatModel(guard, ctx.store, ctx.runId, key, priced.prices(),
                Map.of(workspace.toString(), "<workspace>"), ctx.session.clock(), new StoredChatModel.CallObserver() {
                    @Override
                    public void onCall(int index, ChatResponse response, OptionalDouble cost, boolean fromStore,
                                       Duration duration) {
                        onModelCall(scope, index, model, response, cost, fromStore, duration);
                    }

                    @Override
                    public void onCutOff(int index, long reservationId, OptionalDouble worstCaseUsd,
                                         Throwable failure) {
                        ctx.events.settle(reservationId, new RunEvent.ModelCallInterrupted(scope, index, model,
                                worstCaseUsd.isPresent() ? worstCaseUsd.getAsDouble() : null,
                                failure instanceof InterruptedException ? "interrupted" : failure.getMessage()));
                    }
                });
    }

    private void onModelCall(String scope, int index, String model, ChatResponse response, OptionalDouble cost,
                             boolean fromStore, Duration duration) {
        var u = response.usage();
        ctx.emit(new RunEvent.ModelCalled(scope, index, model, u.inputTokens(), u.outputTokens(),
                u.cacheWriteTokens(), u.cacheReadTokens(), cost.isPresent() ? cost.getAsDouble() : null, fromStore,
                duration.toMillis()));
        if (!fromStore) {
            double fraction = ctx.run.fraction();
            Double projected = fraction > 0.05 ? ctx.guard.spentUsd() / fraction : null;
            ctx.emit(new RunEvent.CostUpdated(ctx.guard.spentUsd(), projected,
                    ctx.limits.budgetUsd().isPresent() ? ctx.limits.budgetUsd().getAsDouble() : null));
        }
    }
}
