package dev.munero.cli;

import dev.munero.core.app.Agents;
import dev.munero.core.app.AppException;
import dev.munero.core.events.RunEvents;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code munero agents}: the agent profiles of munero run with their measured success rate, cost and time. */
@Command(name = "agents", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the agent profiles of munero run (munero.yaml agents:, or the default profile) with "
                + "what they did across every run of the repository: tasks, the share whose checks passed, cost and "
                + "time per task. Profiles only in the history (renamed or removed since) are listed last, marked "
                + "so.", ""},
        footer = {"", "Exit codes: 0 ok, 1 the run database failed, 2 munero.yaml is invalid."})
final class AgentsCommand implements Callable<Integer> {
    private final Invocation invocation;

    AgentsCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "The repository (default: the current directory).")
    Path directory;

    @Option(names = "--json", description = "Print JSON: an array of profiles.")
    boolean json;

    @Override
    public Integer call() {
        PrintStream out = invocation.out();
        List<Agents.Profile> profiles;
        try {
            profiles = Agents.list(RunDriver.repo(invocation, directory));
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
        if (json) {
            out.println(RunEvents.JSON.writeValueAsString(profiles));
            return ExitCodes.OK;
        }
        out.printf(Locale.ROOT, "%-16s %-10s %6s %9s %12s %10s  %s%n", "PROFILE", "ROLE", "TASKS", "SUCCESS",
                "COST/TASK", "TIME/TASK", "MODEL, SKILLS");
        for (Agents.Profile p : profiles) {
            String success = p.successRate() == null ? "-" : String.format(Locale.ROOT, "%.0f%% (%d/%d)",
                    100 * p.successRate(), p.passed(), p.judged());
            String cost = p.costPerTaskUsd() == null ? "-" : String.format(Locale.ROOT, "$%.4f", p.costPerTaskUsd());
            String time = p.secondsPerTask() == null ? "-" : String.format(Locale.ROOT, "%.1f s", p.secondsPerTask());
            String about = !p.configured() ? "(not configured now: only in the history)"
                    : (p.model() == null ? "run's model" : p.model()) + (p.skills().isEmpty() ? ""
                    : "; " + String.join(", ", p.skills()));
            out.printf(Locale.ROOT, "%-16s %-10s %6d %9s %12s %10s  %s%n", p.name(), p.role(), p.tasks(), success,
                    cost, time, about);
        }
        return ExitCodes.OK;
    }
}
