package dev.munero.agent.tools;

import dev.munero.agent.safety.Sandbox;
import dev.munero.engine.Workspace;
import dev.munero.engine.build.BuildEngine;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildOptions;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.exec.ProcessLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runs {@code munero build} in-process through the engine, as the CLI does: {@code munero.yaml} or the detected
 * build, the cache in {@code settings.cacheDir} or {@code .munero/cache}, reports and logs in {@code .munero/},
 * {@code settings.jobs} or one job per processor. Unlike the CLI it keeps going after a failure unless
 * {@code settings.keepGoing} says otherwise, so that the model sees every failure of one build at once.
 *
 * <p>The text it returns: one line with the status, duration and counts; then, for each failed step, its exit
 * code, its log file and the last {@value #LOG_TAIL_LINES} lines of the log; missing verify artifacts; the skipped
 * steps with the reason.
 *
 * <p>Every step starts through the launcher (the agent's sandbox, with the environment scrubbed of secrets): a step
 * the agent wrote into {@code munero.yaml} is as contained as {@code run_command}.
 *
 * <p>Thread-safe: each call opens the workspace and builds with its own engine.
 */
public final class EngineBuildRunner implements BuildRunner {
    /** Lines of a failed step's log in the text. */
    public static final int LOG_TAIL_LINES = 40;
    private final Path workspace;
    private final Map<String, String> environment;
    private final String profile;
    private final ProcessLauncher launcher;

    /**
     * @param workspace   the repository root
     * @param environment what the steps inherit (the launcher scrubs it of secrets again)
     * @param profile     the profile to apply, e.g. {@code development}
     * @param launcher    how each step starts: the agent's sandbox ({@link Sandbox#launcher(Path)})
     */
    public EngineBuildRunner(Path workspace, Map<String, String> environment, String profile, ProcessLauncher launcher) {
        this.workspace = workspace.toAbsolutePath().normalize();
        this.environment = Map.copyOf(environment);
        this.profile = profile;
        this.launcher = java.util.Objects.requireNonNull(launcher, "launcher");
    }

    /** A runner with the {@code development} profile whose steps start in {@code sandbox}. */
    public EngineBuildRunner(Path workspace, Map<String, String> environment, Sandbox sandbox) {
        this(workspace, environment, ConfigLoader.DEFAULT_PROFILE, sandbox.launcher(workspace));
    }

    @Override
    public BuildOutcome build(List<String> targets) throws InterruptedException {
        Workspace ws;
        try {
            ws = Workspace.open(workspace, profile);
        } catch (ConfigException e) {
            return new BuildOutcome.Invalid("the build cannot start; fix munero.yaml:\n" + e.getMessage());
        }
        Path root = ws.project().root();
        BuildSettings settings = ws.project().settings();
        Path cache = settings.cacheDir().map(d -> root.resolve(d).normalize()).orElse(root.resolve(".munero/cache"));
        BuildOptions options = new BuildOptions(targets, settings.jobs().orElse(Runtime.getRuntime().availableProcessors()),
                settings.keepGoing().orElse(true), false, true, false, cache, root.resolve(".munero"), environment);
        BuildEngine engine;
        try {
            engine = new BuildEngine(ws.project(), ws.graph(), options, BuildListener.NONE, launcher);
        } catch (ConfigException e) {
            return new BuildOutcome.Invalid(e.getMessage() + "\nthe steps are: "
                    + ws.graph().steps().stream().map(StepSpec::name).collect(Collectors.joining(", ")));
        }
        BuildReport report;
        try {
            report = engine.build();
        } catch (IOException e) {
            return new BuildOutcome.Failed("the build could not write its report or state in " + root.resolve(".munero")
                    + ": " + e.getMessage());
        }
        if (Thread.interrupted() || report.status() == BuildStatus.CANCELLED) {
            throw new InterruptedException("the build was cancelled");
        }
        String text = describe(report, root);
        return report.status() == BuildStatus.PASSED ? new BuildOutcome.Passed(text) : new BuildOutcome.Failed(text);
    }

    private static String describe(BuildReport report, Path root) {
        BuildReport.Counts c = report.counts();
        StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT,
                "build %s in %.1f s: %d steps, %d passed, %d failed, %d cached, %d skipped%n", report.status(),
                report.durationMillis() / 1000.0, c.total(), c.passed(), c.failed(), c.cached(), c.skipped()));
        for (StepResult step : report.steps()) {
            if (step.status() != StepStatus.FAILED) {
                continue;
            }
            out.append('\n').append("FAILED ").append(step.name());
            if (step.exitCode() != null) {
                out.append(" (exit code ").append(step.exitCode()).append(')');
            }
            if (!step.reasons().isEmpty()) {
                out.append(": ").append(String.join("; ", step.reasons()));
            }
            out.append('\n');
            if (step.logFile() != null) {
                Path log = root.resolve(step.logFile());
                out.append("log ").append(step.logFile()).append(", last ").append(LOG_TAIL_LINES).append(" lines:\n");
                try {
                    OutputCap.lastLines(log, LOG_TAIL_LINES).forEach(line -> out.append("  ").append(line).append('\n'));
                } catch (IOException e) {
                    out.append("  (cannot read the log: ").append(e.getMessage()).append(")\n");
                }
            }
        }
        if (!report.verifyMissing().isEmpty()) {
            out.append("\nverify artifacts missing after the build: ").append(String.join(", ", report.verifyMissing()))
                    .append('\n');
        }
        List<String> skipped = report.steps().stream().filter(s -> s.status() == StepStatus.SKIPPED)
                .map(s -> s.name() + " (" + String.join("; ", s.reasons()) + ")").toList();
        if (!skipped.isEmpty()) {
            out.append("\nskipped: ").append(String.join(", ", skipped)).append('\n');
        }
        return out.toString();
    }
}
