package dev.munero.temporal.calls;

import dev.munero.temporal.RunWorkflow;
import dev.munero.temporal.wire.Grant;
import dev.munero.temporal.wire.Progress;
import dev.munero.temporal.wire.Reserve;
import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.RunResult;
import dev.munero.temporal.wire.Settle;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A test workflow implementing RunWorkflow's budget account (reserve update, settle signal) the way the brief
 * describes it, around one {@link CallsActivity}: the account a real run's workflow keeps, with nothing else.
 * The result's message is the account's log, one {@code reserve <id> <usd>} / {@code settle <id> <usd>} /
 * {@code refused <id>} line per request, then {@code failure <type>} when the activity failed.
 */
public class AccountWorkflow implements RunWorkflow {
    private final Map<String, Double> open = new LinkedHashMap<>();
    private final List<String> log = new ArrayList<>();
    private double spent;
    private Double budget;

    @Override
    public RunResult run(RunInput input) {
        budget = input.budgetUsd();
        spent = input.spentUsd();
        CallsActivity calls = Workflow.newActivityStub(CallsActivity.class, ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofMinutes(5))
                .setHeartbeatTimeout(Duration.ofSeconds(input.heartbeatSeconds()))
                .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3)
                        .setInitialInterval(Duration.ofMillis(100)).build())
                .build());
        String status = "completed";
        try {
            log.add("answers " + String.join("|", calls.call(input, CallsActivity.PROMPTS)));
        } catch (ActivityFailure f) {
            status = "failed";
            log.add("failure " + (f.getCause() instanceof ApplicationFailure a ? a.getType() + " " + a.getOriginalMessage()
                    : String.valueOf(f.getCause())));
        }
        double held = open.values().stream().mapToDouble(Double::doubleValue).sum();
        return new RunResult(status, String.join("\n", log), 0, null, spent + held, null);
    }

    @Override
    public Grant reserve(Reserve request) {
        if (open.containsKey(request.callId())) {
            return new Grant(true, left(), null);
        }
        double committed = spent + open.values().stream().mapToDouble(Double::doubleValue).sum();
        if (budget != null && committed + request.worstCaseUsd() > budget) {
            log.add("refused " + request.callId());
            return new Grant(false, left(), String.format(Locale.ROOT, "the next model call could cost up to $%.4f "
                    + "and $%.4f of the $%.4f budget is spent or reserved", request.worstCaseUsd(), committed, budget));
        }
        open.put(request.callId(), request.worstCaseUsd());
        log.add(String.format(Locale.ROOT, "reserve %s %.6f", request.callId(), request.worstCaseUsd()));
        return new Grant(true, left(), null);
    }

    private Double left() {
        return budget == null ? null : budget - spent - open.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    @Override
    public void settle(Settle settlement) {
        if (open.remove(settlement.callId()) != null) {
            spent += settlement.usd();
            log.add(String.format(Locale.ROOT, "settle %s %.6f", settlement.callId(), settlement.usd()));
        }
    }

    @Override
    public void pause(String by) {
    }

    @Override
    public Progress progress(int fromEvent) {
        return new Progress("running", 0, spent, open.values().stream().mapToDouble(Double::doubleValue).sum(),
                List.of(), 0);
    }
}
