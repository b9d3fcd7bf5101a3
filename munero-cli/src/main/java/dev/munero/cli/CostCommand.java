package dev.munero.cli;

import dev.munero.core.BuildManager;
import dev.munero.core.RunMetrics;
import dev.munero.core.RunState;
import dev.munero.store.ReservationRecord;
import dev.munero.store.RunRecord;
import java.util.List;
import dev.munero.core.events.RunEvents;
import dev.munero.store.Store;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

/** {@code munero cost ID}: what a run spent, by phase, agent, task and model. */
@Command(name = "cost", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Break a run's cost down by phase, agent, task and model (USD, from the usage each model call "
                + "reported and the model's prices). Calls a resumed run answered from its store cost nothing. A call "
                + "cut off after it was sent (a kill, a pause or Ctrl-C mid-call) may have been billed: it counts at "
                + "its worst case and is marked as an estimate.", ""},
        footer = {"", "Exit codes: 0 ok, 2 no such run."})
final class CostCommand implements Callable<Integer> {
    private final Invocation invocation;

    CostCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    RunIdOptions run;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override
    public Integer call() {
        PrintStream out = invocation.out();
        try (Store store = RunStore.open(RunStore.repo(invocation, run.directory), false)) {
            RunRecord record = RunStore.run(store, run.id);
            RunMetrics m = RunMetrics.of(store.events(run.id, 0));
            List<ReservationRecord> open = store.openReservations(run.id);
            double openUsd = open.stream().mapToDouble(r -> r.worstCaseUsd().orElse(0)).sum();
            if (json) {
                ObjectNode o = RunEvents.JSON.createObjectNode();
                o.put("run", run.id).put("state", record.state()).put("cost_usd", m.costUsd())
                        .put("estimated_usd", m.estimatedUsd()).put("model_calls", m.modelCalls())
                        .put("model_calls_from_store", m.modelCallsFromStore()).put("unpriced_calls", m.unpricedCalls())
                        .put("interrupted_calls", m.interruptedCalls()).put("unanswered_calls", open.size())
                        .put("unanswered_worst_case_usd", openUsd);
                o.set("by_phase", RunEvents.JSON.valueToTree(m.costByPhase()));
                o.set("by_agent", RunEvents.JSON.valueToTree(m.costByAgent()));
                o.set("by_task", RunEvents.JSON.valueToTree(m.costByTask()));
                o.set("by_model", RunEvents.JSON.valueToTree(m.costByModel()));
                out.println(RunEvents.JSON.writeValueAsString(o));
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "run %s (%s): $%.4f over %d model calls (%d more answered from the store)%n",
                    run.id, record.state(), m.costUsd(), m.modelCalls() + m.interruptedCalls(),
                    m.modelCallsFromStore());
            if (m.interruptedCalls() > 0) {
                out.printf(Locale.ROOT, "  $%.4f of it is an estimate (call interrupted): %d call%s cut off after %s "
                        + "sent, counted at %s worst case%n", m.estimatedUsd(), m.interruptedCalls(),
                        m.interruptedCalls() == 1 ? "" : "s", m.interruptedCalls() == 1 ? "it was" : "they were",
                        m.interruptedCalls() == 1 ? "its" : "their");
            }
            if (m.unpricedCalls() > 0) {
                out.println("  " + m.unpricedCalls() + " calls had no known price and are not counted");
            }
            if (!open.isEmpty()) {
                out.printf(Locale.ROOT, "  %d call%s without an answer (in flight, or cut off by a crash): up to "
                        + "$%.4f more, counted as spent when the run resumes%n", open.size(),
                        open.size() == 1 ? "" : "s", openUsd);
            }
            print(out, "by phase", m.costByPhase(), m.costUsd());
            print(out, "by agent", m.costByAgent(), m.costUsd());
            print(out, "by task", m.costByTask(), m.costUsd());
            print(out, "by model", m.costByModel(), m.costUsd());
            if (RunState.ofLabel(record.state()).isFinal()) {
                out.println(BuildManager.endedMessage(record, "cost"));
            }
            return ExitCodes.OK;
        } catch (RunStore.Missing e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    static void print(PrintStream out, String title, Map<String, Double> costs, double total) {
        if (costs.isEmpty()) {
            return;
        }
        out.println(title + ":");
        costs.forEach((k, v) -> out.printf(Locale.ROOT, "  %-32s $%10.4f  %5.1f %%%n", k, v,
                total == 0 ? 0 : 100 * v / total));
    }
}
