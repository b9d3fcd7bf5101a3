package dev.munero.core;

import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.tools.OutputCap;
import dev.munero.core.plan.Check;
import dev.munero.core.plan.CheckFailure;
import dev.munero.core.plan.StepInfo;
import dev.munero.engine.Workspace;
import dev.munero.engine.build.BuildEngine;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildOptions;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.Command;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.graph.BuildGraph;
import dev.munero.engine.config.Project;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Observe: the acceptance checks of a plan built by the engine in a workspace. A check without a command is a
 * step of the repository's own build graph ({@code munero.yaml} or detected) and brings its dependencies; a
 * check with a command is an extra shell step. The engine's cache (shared across the run's worktrees) makes an
 * unchanged step a cache hit. Keeps going after a failure so that one observation sees every failing check.
 *
 * <p>Thread-safe: each call opens the workspace and builds with its own engine.
 */
public final class Checks {
    /** Lines of a failed step's log kept in a {@link CheckFailure}. */
    public static final int LOG_TAIL_LINES = 40;

    /** What a check run found. */
    public record Report(boolean passed, List<CheckFailure> failures, int stepsRun, int cacheHits,
                         long durationMillis) { }

    private static final List<Pattern> FAILING_TEST = List.of(
            Pattern.compile("^\\[ERROR]\\s+(?:Failures|Errors):\\s*$"), // marker only, names follow
            Pattern.compile("^\\[ERROR]\\s+([A-Za-z_$][\\w$.]*\\.[\\w$]+)(?::\\d+)?\\s"),       // Maven surefire
            Pattern.compile("^([\\w$.]+ > [^>]+?) FAILED$"),                                  // Gradle
            Pattern.compile("^FAILED ([^\\s]+::[^\\s]+)"),                                     // pytest
            Pattern.compile("^--- FAIL: (\\S+)"),                                              // go test
            Pattern.compile("^test (\\S+) \\.\\.\\. FAILED$"),                                 // cargo test
            Pattern.compile("^\\s*● (.+)$"),                                                   // jest
            Pattern.compile("^FAIL(?:ED)?:? (\\S.*)$"));                                      // plain checks

    private final Path cacheDir;
    private final Map<String, String> environment;
    private final Sandbox sandbox;

    /**
     * @param cacheDir    the engine cache shared by the run's worktrees, absolute
     * @param environment what check steps inherit (scrubbed of secrets when they start)
     * @param sandbox     where check steps run: the run's sandbox, as for its agents' commands (the checks' commands
     *                    and the build files come from models)
     */
    public Checks(Path cacheDir, Map<String, String> environment, Sandbox sandbox) {
        this.cacheDir = cacheDir;
        this.environment = Map.copyOf(environment);
        this.sandbox = java.util.Objects.requireNonNull(sandbox, "sandbox");
    }

    /**
     * The steps of a repository's build graph, for the planner; empty when it has no {@code munero.yaml} and no
     * detectable build.
     *
     * @throws ConfigException when {@code munero.yaml} is invalid
     */
    public static List<StepInfo> steps(Path root) throws ConfigException {
        Workspace ws;
        try {
            ws = Workspace.open(root, ConfigLoader.DEFAULT_PROFILE);
        } catch (ConfigException e) {
            if (java.nio.file.Files.isRegularFile(root.resolve(ConfigLoader.FILE_NAME))) {
                throw e;
            }
            return List.of();
        }
        return ws.graph().steps().stream()
                .map(s -> new StepInfo(s.name(), s.command().display(), s.dependsOn())).toList();
    }

    /**
     * Builds the checks in {@code root}.
     *
     * @throws ConfigException      when {@code munero.yaml} is invalid or a check names no step
     * @throws IOException          when the engine cannot write its report or state
     * @throws InterruptedException when interrupted (the engine cancels its steps)
     */
    public Report run(Path root, List<Check> checks) throws ConfigException, IOException, InterruptedException {
        List<StepSpec> steps = new ArrayList<>();
        BuildSettings settings = BuildSettings.DEFAULTS;
        Project base = null;
        try {
            Workspace ws = Workspace.open(root, ConfigLoader.DEFAULT_PROFILE);
            base = ws.project();
            steps.addAll(ws.graph().steps());
            settings = base.settings();
        } catch (ConfigException e) {
            if (java.nio.file.Files.isRegularFile(root.resolve(ConfigLoader.FILE_NAME))
                    || checks.stream().anyMatch(c -> c.run().isEmpty())) {
                throw e;
            }
        }
        for (Check check : checks) {
            check.run().ifPresent(script -> steps.add(StepSpec.of(check.name(), new Command.Shell(script), List.of())));
        }
        Path origin = root.resolve(ConfigLoader.FILE_NAME);
        BuildGraph graph = BuildGraph.of(steps, origin);
        Project project = new Project(root, steps, settings, base == null ? List.of() : base.verify(),
                ConfigLoader.DEFAULT_PROFILE, base == null ? "munero run checks" : base.origin());
        List<String> targets = checks.stream().map(Check::name).toList();
        BuildOptions options = new BuildOptions(targets,
                settings.jobs().orElse(Runtime.getRuntime().availableProcessors()), true, false, true, false,
                cacheDir, root.resolve(".munero"), environment);
        BuildReport report = new BuildEngine(project, graph, options, BuildListener.NONE, sandbox.launcher(root)).build();
        if (Thread.interrupted() || report.status() == BuildStatus.CANCELLED) {
            throw new InterruptedException("the checks were cancelled");
        }
        List<CheckFailure> failures = new ArrayList<>();
        for (StepResult step : report.steps()) {
            if (step.status() != StepStatus.FAILED) {
                continue;
            }
            List<String> tail = List.of();
            if (step.logFile() != null) {
                try {
                    tail = OutputCap.lastLines(root.resolve(step.logFile()), LOG_TAIL_LINES);
                } catch (IOException e) {
                    tail = List.of("(cannot read the log " + step.logFile() + ": " + e.getMessage() + ")");
                }
            }
            failures.add(new CheckFailure(step.name(),
                    step.exitCode() == null ? OptionalInt.empty() : OptionalInt.of(step.exitCode()),
                    String.join("\n", tail), failingTests(tail)));
        }
        for (String missing : report.verifyMissing()) {
            failures.add(new CheckFailure("verify", OptionalInt.empty(), "artifact missing after the build: " + missing,
                    List.of()));
        }
        BuildReport.Counts counts = report.counts();
        return new Report(report.status() == BuildStatus.PASSED, failures, counts.passed() + counts.failed(),
                counts.cached(), report.durationMillis());
    }

    /** Names of failing tests found in a log, in order, without repeats (common JVM, JS, Python, Go, Rust formats). */
    static List<String> failingTests(List<String> lines) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : lines) {
            String stripped = line.stripTrailing();
            for (Pattern p : FAILING_TEST) {
                Matcher m = p.matcher(stripped);
                if (m.find() && m.groupCount() >= 1) {
                    names.add(m.group(1).strip());
                    break;
                }
            }
        }
        return List.copyOf(names);
    }
}
