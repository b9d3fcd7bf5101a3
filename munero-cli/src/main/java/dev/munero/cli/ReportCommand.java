package dev.munero.cli;

import dev.munero.core.RunMetrics;
import dev.munero.core.app.AppException;
import dev.munero.core.app.Runs;
import dev.munero.core.events.RunEvents;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code munero report ID}: a run's metrics. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print a run's metrics: time per phase, model calls, tokens by kind, cost, tool calls, check "
                + "runs, peak memory, and the size of its event log. The same numbers are in "
                + ".munero/reports/run-ID.json.", ""},
        footer = {"", "Exit codes: 0 ok, 1 the run database failed, 2 no such run."})
final class ReportCommand implements Callable<Integer> {
    private final Invocation invocation;

    ReportCommand(Invocation invocation) {
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
            Runs.Detail d = runs.show(run.id);
            if (json) {
                out.println(RunEvents.JSON.writeValueAsString(RunEvents.JSON.valueToTree(d.metrics())));
                return ExitCodes.OK;
            }
            print(out, run.id, d.summary().state(), d.metrics());
            if (d.endedMessage() != null) {
                out.println(d.endedMessage());
            }
            return ExitCodes.OK;
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
    }

    static void print(PrintStream out, String id, String state, RunMetrics m) {
        out.printf(Locale.ROOT, "run %s: %s after %d iteration%s, %d session%s, %.1f s of wall time%n", id, state,
                m.iterations(), m.iterations() == 1 ? "" : "s", m.sessions(), m.sessions() == 1 ? "" : "s",
                m.wallMillis() / 1000.0);
        out.println("time by phase:");
        m.phaseMillis().forEach((k, v) -> out.printf(Locale.ROOT, "  %-12s %8.1f s%n", k, v / 1000.0));
        out.printf(Locale.ROOT, "model calls: %d sent, %d answered from the store%n", m.modelCalls(),
                m.modelCallsFromStore());
        out.printf(Locale.ROOT, "tokens: %,d input, %,d output, %,d cache write, %,d cache read%n", m.inputTokens(),
                m.outputTokens(), m.cacheWriteTokens(), m.cacheReadTokens());
        out.printf(Locale.ROOT, "cost: $%.4f%s%s%n", m.costUsd(), m.interruptedCalls() > 0 ? String.format(Locale.ROOT,
                " ($%.4f of it an estimate: %d call%s interrupted, at the worst case)", m.estimatedUsd(),
                m.interruptedCalls(), m.interruptedCalls() == 1 ? "" : "s") : "", m.unpricedCalls() > 0 ? " (+" + m.unpricedCalls()
                + " calls without a known price)" : "");
        out.printf(Locale.ROOT, "tasks finished: %d; tool calls: %d (%d errors)%n", m.tasksFinished(), m.toolCalls(),
                m.toolErrors());
        out.printf(Locale.ROOT, "check runs: %d (%d passed), %.1f s, %d cache hits%n", m.checkRuns(),
                m.checkRunsPassed(), m.checkMillis() / 1000.0, m.checkCacheHits());
        out.printf(Locale.ROOT, "peak heap: %.1f MiB; event log: %d events, %,d bytes%n",
                m.peakHeapBytes() / 1048576.0, m.events(), m.eventBytes());
    }
}
