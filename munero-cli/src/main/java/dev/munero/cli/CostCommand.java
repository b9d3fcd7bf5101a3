package dev.munero.cli;

import dev.munero.core.RunMetrics;
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
                + "reported and the model's prices). Calls a resumed run answered from its store cost nothing.", ""},
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
            RunStore.run(store, run.id);
            RunMetrics m = RunMetrics.of(store.events(run.id, 0));
            if (json) {
                ObjectNode o = RunEvents.JSON.createObjectNode();
                o.put("run", run.id).put("cost_usd", m.costUsd()).put("model_calls", m.modelCalls())
                        .put("model_calls_from_store", m.modelCallsFromStore()).put("unpriced_calls", m.unpricedCalls());
                o.set("by_phase", RunEvents.JSON.valueToTree(m.costByPhase()));
                o.set("by_agent", RunEvents.JSON.valueToTree(m.costByAgent()));
                o.set("by_task", RunEvents.JSON.valueToTree(m.costByTask()));
                o.set("by_model", RunEvents.JSON.valueToTree(m.costByModel()));
                out.println(RunEvents.JSON.writeValueAsString(o));
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "run %s: $%.4f over %d model calls (%d more answered from the store)%n", run.id,
                    m.costUsd(), m.modelCalls(), m.modelCallsFromStore());
            if (m.unpricedCalls() > 0) {
                out.println("  " + m.unpricedCalls() + " calls had no known price and are not counted");
            }
            print(out, "by phase", m.costByPhase(), m.costUsd());
            print(out, "by agent", m.costByAgent(), m.costUsd());
            print(out, "by task", m.costByTask(), m.costUsd());
            print(out, "by model", m.costByModel(), m.costUsd());
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
