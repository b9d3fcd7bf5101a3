package dev.munero.core.loop;

import dev.munero.core.StoredChatModel;
import dev.munero.core.events.RunEvent;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The model of each scope of a run ({@code plan}, {@code task:<iteration>:<id>}, {@code reflect:<iteration>}):
 * a {@link StoredChatModel} over the run's cost guard whose observer records every call ({@code model_call},
 * and {@code cost_update} with the projected final cost for each call sent to the provider) and settles a call
 * that was cut off ({@code model_call_interrupted}, counted at its worst case).
 *
 * <p>After a rollback the calls are kept under a new key ({@code scope@N}, N the rollbacks so far): the work
 * after the checkpoint was rolled back, so its answers are not replayed. Events name the plain scope.
 *
 * <p>Thread-safe: agents on several threads each use their own scope's model; the observer only emits.
 */
final class ScopedModels {
    private final RunContext ctx;

    ScopedModels(RunContext ctx) {
        this.ctx = ctx;
    }

    /** The model for a scope whose requests mention the run's worktree. */
    ChatModel forScope(String scope) {
        return forScope(scope, ctx.worktree);
    }

    /**
     * The model for a scope.
     *
     * @param workspace the directory its requests mention, kept in the store as {@code <workspace>} so that the
     *                  same work in another worktree has the same digests
     */
    ChatModel forScope(String scope, Path workspace) {
        String model = ctx.guard.model().toString();
        String key = ctx.run.rollbacks == 0 ? scope : scope + "@" + ctx.run.rollbacks;
        return new StoredChatModel(ctx.guard, ctx.store, ctx.runId, key, ctx.session.prices(),
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
