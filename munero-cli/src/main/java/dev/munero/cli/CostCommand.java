package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import dev.munero.core.events.RunEvents;
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
        footer = {"", "Exit codes: 0 ok, 1 the run database failed, 2 no such run."})
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
        try (Runs runs = RunDriver.open(invocation, RunDriver.repo(invocation, run.directory), false)) {
            Runs.Cost c = runs.cost(run.id);
            if (json) {
                ObjectNode o = RunEvents.JSON.createObjectNode();
                o.put("run", run.id).put("state", c.state()).put("cost_usd", c.costUsd())
                        .put("estimated_usd", c.estimatedUsd()).put("model_calls", c.modelCalls())
                        .put("model_calls_from_store", c.modelCallsFromStore()).put("unpriced_calls", c.unpricedCalls())
                        .put("interrupted_calls", c.interruptedCalls()).put("unanswered_calls", c.unansweredCalls())
                        .put("unanswered_worst_case_usd", c.unansweredWorstCaseUsd());
                o.set("by_phase", RunEvents.JSON.valueToTree(c.byPhase()));
                o.set("by_agent", RunEvents.JSON.valueToTree(c.byAgent()));
                o.set("by_task", RunEvents.JSON.valueToTree(c.byTask()));
                o.set("by_model", RunEvents.JSON.valueToTree(c.byModel()));
                out.println(RunEvents.JSON.writeValueAsString(o));
                return ExitCodes.OK;
            }
            out.printf(Locale.ROOT, "run %s (%s): $%.4f over %d model calls (%d more answered from the store)%n",
                    run.id, c.state(), c.costUsd(), c.modelCalls() + c.interruptedCalls(), c.modelCallsFromStore());
            if (c.interruptedCalls() > 0) {
                out.printf(Locale.ROOT, "  $%.4f of it is an estimate (call interrupted): %d call%s cut off after %s "
                        + "sent, counted at %s worst case%n", c.estimatedUsd(), c.interruptedCalls(),
                        c.interruptedCalls() == 1 ? "" : "s", c.interruptedCalls() == 1 ? "it was" : "they were",
                        c.interruptedCalls() == 1 ? "its" : "their");
            }
            if (c.unpricedCalls() > 0) {
                // a CLI worker's attempt counts here too (issue 15): Codex and Gemini report no cost
                out.println("  " + c.unpricedCalls() + " model call(s) or CLI worker attempt(s) had no known price "
                        + "and are not counted; add the model's price to ~/.config/munero/models.toml");
            }
            if (c.unansweredCalls() > 0) {
                out.printf(Locale.ROOT, "  %d call%s without an answer (in flight, or cut off by a crash): up to "
                        + "$%.4f more, counted as spent when the run resumes%n", c.unansweredCalls(),
                        c.unansweredCalls() == 1 ? "" : "s", c.unansweredWorstCaseUsd());
            }
            print(out, "by phase", c.byPhase(), c.costUsd());
            print(out, "by agent", c.byAgent(), c.costUsd());
            print(out, "by task", c.byTask(), c.costUsd());
            print(out, "by model", c.byModel(), c.costUsd());
            if (c.endedMessage() != null) {
                out.println(c.endedMessage());
            }
            return ExitCodes.OK;
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
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
