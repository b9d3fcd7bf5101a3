package dev.munero.cli;

import dev.munero.core.RunMetrics;
import dev.munero.core.app.Runs;
import dev.munero.core.events.RunEvent;
import dev.munero.core.events.RunEvents;
import dev.munero.engine.config.Durations;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code munero sessions list|show|cleanup}: the runs kept in a repository's {@code .munero/munero.db}. */
@Command(name = "sessions", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List, show and clean up the runs (sessions) of munero run kept in .munero/munero.db.", ""},
        subcommands = {SessionsCommand.ListRuns.class, SessionsCommand.Show.class, SessionsCommand.Cleanup.class},
        footer = {"", "Exit codes: 0 ok, 1 the run database failed, 2 usage error (no such run, no database)."})
final class SessionsCommand implements Runnable {
    final Invocation invocation;

    SessionsCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What every subcommand shares. */
    abstract static class Common extends RepoSubcommand {
        @picocli.CommandLine.ParentCommand
        SessionsCommand parent;

        @Override
        Invocation invocation() {
            return parent.invocation;
        }

        Runs open() {
            return RunDriver.open(invocation(), repo(), false);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the runs, newest first.")
    static final class ListRuns extends Common {
        @Override
        int run() {
            PrintStream out = invocation().out();
            try (Runs runs = open()) {
                List<Runs.Summary> all = new ArrayList<>();
                Runs.Page<Runs.Summary> page;
                do {
                    page = runs.list(new Runs.Query(null, Runs.MAX_PAGE, all.size()));
                    all.addAll(page.items());
                } while (!page.items().isEmpty() && all.size() < page.total());
                if (json) {
                    ArrayNode array = RunEvents.JSON.createArrayNode();
                    all.forEach(r -> array.add(row(r)));
                    out.println(RunEvents.JSON.writeValueAsString(array));
                    return ExitCodes.OK;
                }
                if (all.isEmpty()) {
                    out.println("no runs yet; start one with munero run --spec SPEC.md");
                    return ExitCodes.OK;
                }
                out.printf(Locale.ROOT, "%-20s %-14s %-20s %5s %7s %10s  %s%n", "RUN", "STATE", "STARTED", "ITER",
                        "TASKS", "COST", "BRANCH");
                for (Runs.Summary r : all) {
                    out.printf(Locale.ROOT, "%-20s %-14s %-20s %5d %7s %10s  %s%n", r.id(), r.state(),
                            r.createdAt().toString().substring(0, 19).replace('T', ' '), r.iteration(),
                            r.tasksDone() + "/" + r.tasksTotal(), String.format(Locale.ROOT, "$%.4f", r.costUsd()),
                            r.branch());
                }
                return ExitCodes.OK;
            }
        }
    }

    /** A run as {@code --json} prints it: id, state, times, then its stored projection as it is. */
    static ObjectNode row(Runs.Summary r) {
        ObjectNode o = RunEvents.JSON.createObjectNode();
        o.put("id", r.id());
        o.put("state", r.state());
        o.put("created_at", r.createdAt().toString());
        o.put("updated_at", r.updatedAt().toString());
        o.setAll(r.stored());
        return o;
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a run: state, plan and tasks, iterations and their checkpoint commits, cost.")
    static final class Show extends Common {
        @Parameters(paramLabel = "ID", description = "The run id (see munero sessions list).")
        String id;

        @Override
        int run() {
            PrintStream out = invocation().out();
            try (Runs runs = open()) {
                Runs.Detail d = runs.show(id);
                Runs.Summary r = d.summary();
                RunMetrics m = d.metrics();
                if (json) {
                    ObjectNode o = row(r);
                    o.set("iteration_commits", RunEvents.JSON.valueToTree(d.iterationCommits()));
                    o.set("done", RunEvents.JSON.valueToTree(d.done()));
                    if (!d.tasks().isEmpty()) {
                        o.set("plan", RunEvents.JSON.valueToTree(d.tasks().stream().map(Runs.Task::id).toList()));
                    }
                    o.set("metrics", RunEvents.JSON.valueToTree(m));
                    o.set("assignments", RunEvents.JSON.valueToTree(runs.assignments(id)));
                    out.println(RunEvents.JSON.writeValueAsString(o));
                    return ExitCodes.OK;
                }
                out.println("run " + r.id() + ": " + r.state()
                        + (r.pausedReason() != null ? " (" + r.pausedReason() + ")" : ""));
                out.println("  repository  " + r.repo());
                out.println("  spec        " + r.specPath());
                out.println("  model       " + r.model());
                out.println("  branch      " + r.branch() + "  (worktree " + d.worktree() + ")");
                out.println("  started     " + r.createdAt() + ", last event " + r.updatedAt() + ", " + d.sessions()
                        + " session" + (d.sessions() == 1 ? "" : "s"));
                out.printf(Locale.ROOT, "  cost        $%.4f over %d model calls (%d answered from the store)%s%n",
                        m.costUsd(), m.modelCalls(), m.modelCallsFromStore(), m.interruptedCalls() == 0 ? ""
                                : String.format(Locale.ROOT, "; $%.4f estimated for %d call%s cut off",
                                m.estimatedUsd(), m.interruptedCalls(), m.interruptedCalls() == 1 ? "" : "s"));
                if (!d.tasks().isEmpty()) {
                    out.println("  tasks:");
                    for (Runs.Task t : d.tasks()) {
                        out.println("    [" + (t.done() ? "x" : " ") + "] " + t.id() + ": "
                                + t.description().strip().lines().findFirst().orElse(""));
                    }
                    out.println("  checks: " + String.join(", ", d.checks()));
                }
                List<RunEvent.TaskAssigned> assigned = runs.assignments(id).stream()
                        .filter(a -> RunConsole.assigned(a) != null).toList();
                if (!assigned.isEmpty()) {
                    out.println("  assignments (iteration: task → agent profile, why):");
                    for (RunEvent.TaskAssigned a : assigned) {
                        out.println("    " + a.iteration() + ": " + a.task() + " \u2192 " + a.profile() + " ("
                                + a.role() + "; " + RunConsole.why(a) + ")");
                    }
                }
                out.println("  checkpoints (iteration: commit):");
                d.iterationCommits().forEach((i, c) -> out.println("    " + i + ": " + c
                        + (i == 0 ? "  (where the run started)" : "")));
                if (d.endedMessage() != null) {
                    out.println(d.endedMessage());
                }
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = {"Delete runs whose last event is older than --max-age: their rows in the database and "
                    + "their worktrees. Their branches (munero/ID) and the lessons they taught are kept."})
    static final class Cleanup extends Common {
        @Option(names = "--max-age", paramLabel = "DURATION", required = true,
                description = "e.g. 7d, 12h, 30m: runs idle for longer are deleted.")
        String maxAge;

        @Option(names = "--dry-run", description = "Only list what would be deleted.")
        boolean dryRun;

        @Override
        int run() {
            PrintStream out = invocation().out();
            Duration age;
            try {
                age = Durations.parse(maxAge);
            } catch (IllegalArgumentException e) {
                invocation().err().println("munero: error: --max-age " + maxAge + ": " + e.getMessage());
                return ExitCodes.USAGE;
            }
            try (Runs runs = open()) {
                List<Runs.Summary> deleted = runs.cleanup(age, dryRun);
                if (json) {
                    ArrayNode ids = RunEvents.JSON.createArrayNode();
                    deleted.forEach(r -> ids.add(r.id()));
                    out.println(RunEvents.JSON.writeValueAsString(RunEvents.JSON.createObjectNode()
                            .put("dry_run", dryRun).set("runs", ids)));
                    return ExitCodes.OK;
                }
                for (Runs.Summary r : deleted) {
                    out.println((dryRun ? "would delete " : "deleted ") + r.id() + " (" + r.state() + ", idle since "
                            + r.updatedAt() + "); branch " + r.branch() + " kept");
                }
                if (deleted.isEmpty()) {
                    out.println("no run is idle for more than " + maxAge);
                }
                return ExitCodes.OK;
            }
        }
    }
}
