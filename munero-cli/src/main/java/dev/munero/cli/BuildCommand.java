package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.NullBuild;
import dev.munero.engine.build.PlannedStep;
import dev.munero.engine.build.Reports;
import dev.munero.engine.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
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
        footer = {"", "Every build writes .munero/reports/<run-id>.json and .munero/reports/latest.json, except a null "
                + "build: when nothing changed since the last passing build of the same command here (same arguments "
                + "and environment), the launcher answers from .munero/state/null-build/ without starting Java and "
                + "says so (MUNERO_NULL_BUILD=0 turns this off; =explain says why a build was not one).",
                "The remote cache's token is read from the environment variable MUNERO_REMOTE_CACHE_TOKEN (or TURBO_TOKEN "
                        + "for a Turborepo cache), else from cache.remote.token.",
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

    @Option(names = "--remote-cache", paramLabel = "URL",
            description = "A remote cache behind the local one: a Bazel HTTP cache (/ac/, /cas/), or a Turborepo "
                    + "remote cache with cache.remote.protocol: turborepo (default: cache.remote.url of munero.yaml, "
                    + "else of the user config).")
    String remoteCache;

    @Override
    public Integer call() {
        Trace.mark("command line parsed");
        PrintWriter err = spec.commandLine().getErr();
        Builds.Snapshot ws;
        Builds builds;
        // the file system's clock before anything is read: a null build's manifest trusts nothing changed after it
        java.nio.file.attribute.FileTime start = NullBuild.stamp(workspace.locate(invocation.cwd()).root()
                .resolve(".munero"));
        try {
            builds = Builds.of(workspace.locate(invocation.cwd()), workspace.profile, caches(invocation));
            ws = builds.snapshot();
        } catch (AppException e) {
            return printError(err, e);
        }
        ws.warnings().forEach(w -> err.println("munero: warning: " + w));
        Trace.mark("workspace opened");
        if (jobs != null && jobs < 1) {
            err.println("munero: error: --jobs must be at least 1, was " + jobs);
            return ExitCodes.USAGE;
        }
        Builds.BuildRequest request = new Builds.BuildRequest(explain != null ? List.of() : requested(), jobs, keepGoing,
                force, !noCache, verbose, cacheDir, invocation.env(), remoteCache);
        if (explain != null) {
            try {
                return explain(ws.explain(explain, request), builds.root());
            } catch (AppException e) {
                if (e.kind() == AppException.Kind.INVALID && !(e.getCause() instanceof ConfigException)) {
                    err.println("munero: error: --explain " + e.getMessage()); // a task of several steps
                    return ExitCodes.USAGE;
                }
                return printError(err, e);
            } catch (Exception e) {
                err.println("munero: error: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
        Builds.Prepared prepared;
        try {
            prepared = ws.prepare(request);
        } catch (AppException e) {
            return printError(err, e);
        }
        Path root = builds.root();
        boolean interactive = !json && invocation.interactive();
        PrintStream human = json ? invocation.err() : invocation.out();
        BuildConsole console = new BuildConsole(human, root, interactive && !verbose, !json, invocation.columns(),
                prepared.description()).shownFrom(invocation.cwd());
        try {
            List<String> header = List.of(
                    String.format("munero: workspace %s, %s, profile %s, %d jobs", workspace.describe(invocation.cwd()),
                            prepared.origin(), prepared.profile(), prepared.jobs()),
                    String.format("munero: %s %s (%d of %d steps)", dryRun ? "planning" : "building", what(prepared),
                            prepared.selectedSteps(), prepared.totalSteps()));
            header.forEach(human::println);
            if (!dryRun && !json && !verbose && !force && !noCache && start != null) {
                prepared.recordNullBuild(nullBuild(header, builds.root(), start));
            }
            if (dryRun) {
                return plan(prepared.plan(console), human);
            }
            BuildReport report;
            try (AutoCloseable ignored = invocation.interrupts().register(() -> {
                prepared.cancel();
                try {
                    // returns as soon as the tree is killed and the report written; generous for a loaded machine,
                    // where 10 s let the JVM exit before the kill (InterruptTest under the full suite, issue 11)
                    prepared.awaitFinished(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            })) {
                report = prepared.run(console);
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

    /**
     * What the launcher needs to answer this same command again without Java while nothing changes (issue 9, see
     * {@link NullBuild}): the command line as typed, the environment, what was printed first, and the paths the
     * result depends on beyond what the build reads: the user's configuration file, the folders from the one the
     * search for the root started in ({@code -C}, else the working directory) up to the root (a new
     * {@code munero.yaml} or workspace marker in one moves the root), Munero's jar.
     */
    private NullBuild.Request nullBuild(List<String> header, Path root, java.nio.file.attribute.FileTime start) {
        List<String> args = spec.root().commandLine().getParseResult() == null ? List.of()
                : spec.root().commandLine().getParseResult().originalArgs();
        List<Path> watched = new ArrayList<>();
        watched.add(dev.munero.llm.UserConfig.location(invocation.env()));
        for (Path d = workspace.locate(invocation.cwd()).start(); d != null; d = d.getParent()) {
            watched.add(d);
            if (d.equals(root)) {
                break;
            }
        }
        Path jar = DaemonProtocol.ownJar();
        if (java.nio.file.Files.isRegularFile(jar)) { // not classes on a directory path, as in tests
            watched.add(jar);
        }
        return new NullBuild.Request(NullBuild.requestDigest(invocation.cwd(), args),
                NullBuild.envDigest(invocation.env()), invocation.cwd(), header, watched, start);
    }

    /** The daemon's warm caches, or none in a one-off process. */
    static Builds.Caches caches(Invocation invocation) {
        return invocation.warm() == null ? null : new Builds.Caches(invocation.warm().workspaces(), invocation.warm().hashes());
    }

    /**
     * Prints an application error as the CLI always has: each configuration problem on its own
     * {@code munero: error:} line, and returns its exit code.
     */
    static int printError(PrintWriter err, AppException e) {
        if (e.getCause() instanceof ConfigException problems) {
            WorkspaceOptions.printProblems(err, problems);
        } else {
            err.println("munero: error: " + e.getMessage());
            err.flush();
        }
        return e.kind() == AppException.Kind.UNAVAILABLE ? ExitCodes.FAILED : ExitCodes.USAGE;
    }

    /** "b:build and its dependencies", "build: a:build, b:build", "every step": what is built, in words. */
    private static String what(Builds.Prepared prepared) {
        List<String> t = prepared.targets();
        String names = t.size() <= 3 ? String.join(", ", t) : t.size() + " targets";
        String head = prepared.description().equals(String.join(" ", t)) ? names : prepared.description() + ": " + names;
        if (prepared.selectedSteps() == t.size()) {
            return head;
        }
        return head + (t.size() == 1 ? " and its dependencies" : " and their dependencies");
    }

    private int explain(Builds.Explanation e, Path root) throws IOException {
        PrintStream human = json ? invocation.err() : invocation.out();
        if (!e.warnings().isEmpty()) {
            BuildConsole console = new BuildConsole(human, root, false, !json, invocation.columns(), e.step())
                    .shownFrom(invocation.cwd());
            e.warnings().forEach(console::warning);
        }
        if (json) {
            PlannedStep p = new PlannedStep(e.step(), e.action(), e.cacheKey(), e.command(), e.cwd(), e.reasons());
            invocation.out().println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(List.of(p)));
            return ExitCodes.OK;
        }
        String state = switch (e.action()) {
            case RUN -> "is NOT up to date: it would run";
            case RESTORE -> "is up to date: it would be restored from the cache";
            case SKIP -> "would be skipped";
        };
        human.printf("%s %s%n", e.step(), state);
        human.printf("  command: %s%n  cwd:     %s%n", e.command(), e.cwd());
        if (e.cacheKey() != null) {
            human.printf("  key:     %s%n", e.cacheKey());
        }
        e.reasons().forEach(r -> human.printf("  - %s%n", r));
        return ExitCodes.OK;
    }

    private int plan(List<PlannedStep> plan, PrintStream human) throws IOException {
        if (json) {
            invocation.out().println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(plan));
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
