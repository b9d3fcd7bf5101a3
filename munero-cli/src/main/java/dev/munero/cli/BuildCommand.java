package dev.munero.cli;

import dev.munero.engine.Workspace;
import dev.munero.engine.build.BuildEngine;
import dev.munero.engine.build.BuildOptions;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.PlannedStep;
import dev.munero.engine.build.Reports;
import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.graph.TargetSelection;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code munero build}: runs the task graph incrementally and in parallel. */
@Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Build the repository: run steps in dependency order, in parallel, restoring unchanged steps "
                + "from the cache.", ""},
        footer = {"", "Every build writes .munero/reports/<run-id>.json and .munero/reports/latest.json.",
                "Exit codes: 0 ok, 1 build failed, 2 usage or configuration error, 130 interrupted."})
class BuildCommand implements Callable<Integer> {
    private final Invocation invocation;

    BuildCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    /** The names to resolve: the STEP parameters ({@code munero test} adds its task). */
    List<String> requested() {
        return targets;
    }

    @Spec
    CommandSpec spec;

    @Mixin
    WorkspaceOptions workspace;

    @Parameters(paramLabel = "TARGET", arity = "0..*",
            description = {"Steps (web:build) or tasks (test: that task in every package) to build, with everything "
                    + "they depend on. Without one, 'munero build' builds the build task of a detected graph (not "
                    + "its tests) or every step of a munero.yaml, and 'munero test' the test task. Inside a "
                    + "package, tasks and defaults mean that package's steps."})
    List<String> targets = new ArrayList<>();

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Steps to run at once (default: settings.jobs, else the number of processors).")
    Integer jobs;

    @Option(names = {"-k", "--keep-going"},
            description = "After a failure, keep running every step that does not depend on it (default: stop starting new steps).")
    Boolean keepGoing;

    @Option(names = {"-n", "--dry-run"}, description = "Print what would run, in order, with the reason for each step; run nothing.")
    boolean dryRun;

    @Option(names = "--explain", paramLabel = "STEP", description = "Say why STEP is or is not up to date; run nothing.")
    String explain;

    @Option(names = "--json", description = "Print the JSON run report (or dry-run plan) to stdout; progress goes to stderr.")
    boolean json;

    @Option(names = {"-v", "--verbose"}, description = "Stream every step's output, each line prefixed with the step name.")
    boolean verbose;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Cache directory (default: settings.cacheDir, else .munero/cache).")
    Path cacheDir;

    @Option(names = "--force", description = "Run every step even when it is up to date (results are still cached).")
    boolean force;

    @Option(names = "--no-cache", description = "Neither restore from nor store into the cache.")
    boolean noCache;

    @Override
    public Integer call() {
        Trace.mark("command line parsed");
        PrintWriter err = spec.commandLine().getErr();
        Workspace ws = workspace.open(invocation, err);
        Trace.mark("workspace opened");
        if (ws == null) {
            return ExitCodes.USAGE;
        }
        if (jobs != null && jobs < 1) {
            err.println("munero: error: --jobs must be at least 1, was " + jobs);
            return ExitCodes.USAGE;
        }
        BuildSettings settings = ws.project().settings();
        Path root = ws.project().root();
        Path cache = cacheDir != null ? cacheDir.toAbsolutePath().normalize()
                : settings.cacheDir().map(d -> root.resolve(d).normalize()).orElse(root.resolve(".munero/cache"));
        int effectiveJobs = jobs != null ? jobs : settings.jobs().orElse(Runtime.getRuntime().availableProcessors());
        boolean effectiveKeepGoing = keepGoing != null ? keepGoing : settings.keepGoing().orElse(false);
        String scope = TargetSelection.packageAt(ws.graph(), workspace.locate(invocation.cwd()).startRelative());
        TargetSelection selection;
        try {
            selection = TargetSelection.resolve(ws.graph(), explain != null ? List.of(explain) : requested(), scope,
                    ws.defaultTasks());
        } catch (ConfigException e) {
            WorkspaceOptions.printProblems(err, e);
            return ExitCodes.USAGE;
        }
        if (explain != null && selection.targets().size() != 1) {
            err.println("munero: error: --explain " + explain + " names " + selection.targets().size() + " steps ("
                    + String.join(", ", selection.targets()) + "); name one of them");
            return ExitCodes.USAGE;
        }
        BuildOptions options = new BuildOptions(selection.targets(), effectiveJobs, effectiveKeepGoing, force, !noCache, verbose,
                cache, root.resolve(".munero"), invocation.env(),
                invocation.warm() == null ? null : invocation.warm().hashes());

        boolean interactive = !json && invocation.interactive();
        PrintStream human = json ? invocation.err() : invocation.out();
        BuildConsole console = new BuildConsole(human, root, interactive && !verbose, !json, invocation.columns(),
                selection.description()).shownFrom(invocation.cwd());
        BuildEngine engine;
        try {
            engine = new BuildEngine(ws.project(), ws.graph(), options, console);
        } catch (ConfigException e) {
            WorkspaceOptions.printProblems(err, e);
            return ExitCodes.USAGE;
        }
        try {
            if (explain != null) {
                return plan(engine, human, selection.targets().get(0));
            }
            human.printf("munero: workspace %s, %s, profile %s, %d jobs%n", workspace.describe(invocation.cwd()),
                    ws.project().origin(), ws.project().profile(), effectiveJobs);
            human.printf("munero: %s %s (%d of %d steps)%n", dryRun ? "planning" : "building", what(selection, engine),
                    engine.graph().size(), ws.graph().size());
            if (dryRun) {
                return plan(engine, human, null);
            }
            BuildReport report;
            try (AutoCloseable ignored = invocation.interrupts().register(() -> {
                engine.cancel();
                try {
                    // returns as soon as the tree is killed and the report written; generous for a loaded machine,
                    // where 10 s let the JVM exit before the kill (InterruptTest under the full suite, issue 11)
                    engine.awaitFinished(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })) {
                report = engine.build();
            }
            Trace.mark("build finished");
            if (json) {
                invocation.out().println(Reports.toJson(report));
            }
            return switch (report.status()) {
                case PASSED -> ExitCodes.OK;
                case FAILED -> ExitCodes.FAILED;
                case CANCELLED -> ExitCodes.INTERRUPTED;
            };
        } catch (Exception e) {
            err.println("munero: error: " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    /** "b:build and its dependencies", "build: a:build, b:build", "every step": what is built, in words. */
    private static String what(TargetSelection selection, BuildEngine engine) {
        List<String> t = selection.targets();
        String names = t.size() <= 3 ? String.join(", ", t) : t.size() + " targets";
        String head = selection.description().equals(String.join(" ", t)) ? names : selection.description() + ": " + names;
        if (engine.graph().size() == t.size()) {
            return head;
        }
        return head + (t.size() == 1 ? " and its dependencies" : " and their dependencies");
    }

    private int plan(BuildEngine engine, PrintStream human, String explain) throws IOException {
        List<PlannedStep> plan = engine.plan();
        if (explain != null) {
            plan = plan.stream().filter(p -> p.name().equals(explain)).toList();
        }
        if (json) {
            invocation.out().println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(plan));
            return ExitCodes.OK;
        }
        if (explain != null) {
            PlannedStep p = plan.get(0);
            String state = switch (p.action()) {
                case RUN -> "is NOT up to date: it would run";
                case RESTORE -> "is up to date: it would be restored from the cache";
                case SKIP -> "would be skipped";
            };
            human.printf("%s %s%n", p.name(), state);
            human.printf("  command: %s%n  cwd:     %s%n", p.command(), p.cwd());
            if (p.cacheKey() != null) {
                human.printf("  key:     %s%n", p.cacheKey());
            }
            p.reasons().forEach(r -> human.printf("  - %s%n", r));
            return ExitCodes.OK;
        }
        int w = plan.stream().mapToInt(p -> p.name().length()).max().orElse(4);
        int run = 0;
        for (int i = 0; i < plan.size(); i++) {
            PlannedStep p = plan.get(i);
            if (p.action() == PlannedStep.Action.RUN) {
                run++;
            }
            human.printf("%3d. %-7s %-" + w + "s  %s%n", i + 1, p.action(), p.name(), String.join("; ", p.reasons()));
        }
        human.printf("dry run: %d of %d steps would run; nothing was run%n", run, plan.size());
        return ExitCodes.OK;
    }
}
