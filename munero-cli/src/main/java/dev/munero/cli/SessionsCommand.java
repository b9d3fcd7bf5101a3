package dev.munero.cli;

import dev.munero.core.RunHistory;
import dev.munero.core.RunMetrics;
import dev.munero.core.events.RunEvents;
import dev.munero.core.git.Git;
import dev.munero.core.git.GitException;
import dev.munero.core.plan.PlanTask;
import dev.munero.engine.config.Durations;
import dev.munero.store.RunRecord;
import dev.munero.store.Store;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code munero sessions list|show|cleanup}: the runs kept in a repository's {@code .munero/munero.db}. */
@Command(name = "sessions", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List, show and clean up the runs (sessions) of munero run kept in .munero/munero.db.", ""},
        subcommands = {SessionsCommand.ListRuns.class, SessionsCommand.Show.class, SessionsCommand.Cleanup.class},
        footer = {"", "Exit codes: 0 ok, 2 usage error (no such run, no database)."})
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

    /** Options every subcommand shares. */
    static class Common {
        @picocli.CommandLine.ParentCommand
        SessionsCommand parent;

        @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
                description = "The repository (default: the current directory).")
        Path directory;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        Invocation invocation() {
            return parent.invocation;
        }

        Path repo() {
            return RunStore.repo(invocation(), directory);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the runs, newest first.")
    static final class ListRuns extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            PrintStream out = invocation().out();
            try (Store store = RunStore.open(repo(), false)) {
                List<RunRecord> runs = store.runs();
                if (json) {
                    ArrayNode array = RunEvents.JSON.createArrayNode();
                    runs.forEach(r -> array.add(row(r)));
                    out.println(RunEvents.JSON.writeValueAsString(array));
                    return ExitCodes.OK;
                }
                if (runs.isEmpty()) {
                    out.println("no runs yet; start one with munero run --spec SPEC.md");
                    return ExitCodes.OK;
                }
                out.printf(Locale.ROOT, "%-20s %-14s %-20s %5s %7s %10s  %s%n", "RUN", "STATE", "STARTED", "ITER",
                        "TASKS", "COST", "BRANCH");
                for (RunRecord r : runs) {
                    ObjectNode s = r.summary();
                    out.printf(Locale.ROOT, "%-20s %-14s %-20s %5d %7s %10s  %s%n", r.id(), r.state(),
                            r.createdAt().toString().substring(0, 19).replace('T', ' '), s.path("iteration").asInt(),
                            s.path("tasks_done").asInt() + "/" + s.path("tasks_total").asInt(),
                            String.format(Locale.ROOT, "$%.4f", s.path("cost_usd").asDouble()),
                            s.path("branch").asString(""));
                }
                return ExitCodes.OK;
            } catch (RunStore.Missing e) {
                invocation().err().println("munero: error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
    }

    static ObjectNode row(RunRecord r) {
        ObjectNode o = RunEvents.JSON.createObjectNode();
        o.put("id", r.id());
        o.put("state", r.state());
        o.put("created_at", r.createdAt().toString());
        o.put("updated_at", r.updatedAt().toString());
        o.setAll(r.summary());
        return o;
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show a run: state, plan and tasks, iterations and their checkpoint commits, cost.")
    static final class Show extends Common implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "The run id (see munero sessions list).")
        String id;

        @Override
        public Integer call() {
            PrintStream out = invocation().out();
            try (Store store = RunStore.open(repo(), false)) {
                RunRecord r = RunStore.run(store, id);
                var events = store.events(id, 0);
                RunHistory h = RunHistory.fold(events);
                RunMetrics m = RunMetrics.of(events);
                if (json) {
                    ObjectNode o = row(r);
                    o.set("iteration_commits", RunEvents.JSON.valueToTree(h.iterationCommits()));
                    o.set("done", RunEvents.JSON.valueToTree(h.done()));
                    h.plan().ifPresent(p -> o.set("plan", RunEvents.JSON.valueToTree(p.tasks().stream()
                            .map(PlanTask::id).toList())));
                    o.set("metrics", RunEvents.JSON.valueToTree(m));
                    out.println(RunEvents.JSON.writeValueAsString(o));
                    return ExitCodes.OK;
                }
                ObjectNode s = r.summary();
                out.println("run " + r.id() + ": " + r.state()
                        + (s.has("paused_reason") ? " (" + s.path("paused_reason").asString() + ")" : ""));
                out.println("  repository  " + h.repo());
                out.println("  spec        " + s.path("spec_path").asString(""));
                out.println("  model       " + h.model());
                out.println("  branch      " + h.branch() + "  (worktree " + h.worktree() + ")");
                out.println("  started     " + r.createdAt() + ", last event " + r.updatedAt() + ", " + h.sessions()
                        + " session" + (h.sessions() == 1 ? "" : "s"));
                out.printf(Locale.ROOT, "  cost        $%.4f over %d model calls (%d answered from the store)%s%n",
                        m.costUsd(), m.modelCalls(), m.modelCallsFromStore(), m.interruptedCalls() == 0 ? ""
                                : String.format(Locale.ROOT, "; $%.4f estimated for %d call%s cut off",
                                m.estimatedUsd(), m.interruptedCalls(), m.interruptedCalls() == 1 ? "" : "s"));
                h.plan().ifPresent(plan -> {
                    out.println("  tasks:");
                    for (PlanTask t : plan.tasks()) {
                        out.println("    [" + (h.done().contains(t.id()) ? "x" : " ") + "] " + t.id() + ": "
                                + t.description().strip().lines().findFirst().orElse(""));
                    }
                    out.println("  checks: " + String.join(", ", plan.checks().stream().map(c -> c.name()).toList()));
                });
                out.println("  checkpoints (iteration: commit):");
                h.iterationCommits().forEach((i, c) -> out.println("    " + i + ": " + c
                        + (i == 0 ? "  (where the run started)" : "")));
                if (dev.munero.core.RunState.ofLabel(r.state()).isFinal()) {
                    out.println(dev.munero.core.BuildManager.endedMessage(r, "show"));
                }
                return ExitCodes.OK;
            } catch (RunStore.Missing e) {
                invocation().err().println("munero: error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            description = {"Delete runs whose last event is older than --max-age: their rows in the database and "
                    + "their worktrees. Their branches (munero/ID) and the lessons they taught are kept."})
    static final class Cleanup extends Common implements Callable<Integer> {
        @Option(names = "--max-age", paramLabel = "DURATION", required = true,
                description = "e.g. 7d, 12h, 30m: runs idle for longer are deleted.")
        String maxAge;

        @Option(names = "--dry-run", description = "Only list what would be deleted.")
        boolean dryRun;

        @Override
        public Integer call() {
            PrintStream out = invocation().out();
            Duration age;
            try {
                age = Durations.parse(maxAge);
            } catch (IllegalArgumentException e) {
                invocation().err().println("munero: error: --max-age " + maxAge + ": " + e.getMessage());
                return ExitCodes.USAGE;
            }
            Instant cutoff = Instant.now().minus(age);
            try (Store store = RunStore.open(repo(), false)) {
                ArrayNode deleted = RunEvents.JSON.createArrayNode();
                for (RunRecord r : store.runs()) {
                    if (!r.updatedAt().isBefore(cutoff)) {
                        continue;
                    }
                    deleted.add(r.id());
                    if (!json) {
                        out.println((dryRun ? "would delete " : "deleted ") + r.id() + " (" + r.state() + ", idle since "
                                + r.updatedAt() + "); branch " + r.summary().path("branch").asString("") + " kept");
                    }
                    if (dryRun) {
                        continue;
                    }
                    RunHistory h = RunHistory.fold(store.events(r.id(), 0));
                    removeWorktrees(repo(), r.id(), h.worktree());
                    store.deleteRun(r.id());
                }
                if (json) {
                    out.println(RunEvents.JSON.writeValueAsString(RunEvents.JSON.createObjectNode()
                            .put("dry_run", dryRun).set("runs", deleted)));
                } else if (deleted.isEmpty()) {
                    out.println("no run is idle for more than " + maxAge);
                }
                return ExitCodes.OK;
            } catch (RunStore.Missing e) {
                invocation().err().println("munero: error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
    }

    private static void removeWorktrees(Path repo, String runId, String worktree) {
        try {
            Git git = Git.open(repo);
            Path dir = repo.resolve(".munero").resolve("worktrees");
            if (!worktree.isEmpty()) {
                git.removeWorktree(Path.of(worktree));
            }
            if (Files.isDirectory(dir)) {
                try (var list = Files.list(dir)) {
                    for (Path p : list.filter(p -> p.getFileName().toString().startsWith(runId + "-")).toList()) {
                        git.removeWorktree(p);
                    }
                }
            }
        } catch (GitException | java.io.IOException e) {
            // the rows go anyway; a stale worktree is visible in git worktree list
        }
    }
}
