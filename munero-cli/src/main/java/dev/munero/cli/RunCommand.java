package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Distributed;
import dev.munero.core.app.RunSessions;
import dev.munero.core.app.Runs;
import dev.munero.core.config.RunSettingsResolver;
import dev.munero.core.events.EventBus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code munero run}: the build manager's feedback loop, from a spec to passing acceptance checks. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drive coding agents from a spec to passing acceptance checks: plan a task graph, run agents "
                + "on the tasks, build the checks with the engine, reflect on failures and replan, until the checks "
                + "pass or a limit stops the run.",
                "",
                "The run works on its own branch munero/ID in the worktree .munero/worktrees/ID (your checkout is "
                + "never touched); each finished task and iteration is a checkpoint commit there. Every step is "
                + "kept in .munero/munero.db: a paused, interrupted or killed run continues with munero resume ID "
                + "without redoing finished tasks or re-sending completed model calls.",
                "",
                "Settings come from these flags, then MUNERO_* environment variables, then the run: section of "
                + "munero.yaml (see munero config).",
                ""},
        footer = {"", "Exit codes: 0 every check passed, 1 the checks still fail after the last iteration (or, before "
                + "the run could start, git, the run database or the sandbox failed), 2 bad "
                + "usage or configuration, 3 paused (budget, timeout, munero pause, provider failure: resumable), "
                + "130 interrupted (resumable)."})
final class RunCommand implements Callable<Integer> {
    private final Invocation invocation;

    RunCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--spec", paramLabel = "FILE", required = true,
            description = "The spec: the goal in prose with its acceptance criteria (Markdown).")
    Path spec;

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "The repository (a git repository with at least one commit; default: the current directory).")
    Path directory;

    @Option(names = {"-m", "--model"}, paramLabel = "PROVIDER:MODEL",
            description = "anthropic:MODEL, openai:MODEL or ollama:MODEL (default " + RunSettingsResolver.DEFAULT_MODEL + ").")
    String model;

    @Option(names = "--budget-usd", paramLabel = "USD",
            description = "Hard budget: a model call whose worst-case cost would pass it is not made; the run pauses.")
    String budgetUsd;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Pause the run after this long (default 1h).")
    String timeout;

    @Option(names = "--max-iterations", paramLabel = "N",
            description = "Execute → observe → reflect rounds before the run fails (default 5).")
    String maxIterations;

    @Option(names = "--agents", paramLabel = "N",
            description = "Tasks run in parallel, each in its own git worktree (default 1).")
    String agents;

    @Option(names = "--max-turns", paramLabel = "N", description = "Model calls per task agent (default 50).")
    String maxTurns;

    @Option(names = "--max-output-tokens", paramLabel = "N", description = "Per model call (default 8192).")
    String maxOutputTokens;

    @Option(names = "--permission-mode", paramLabel = "MODE",
            description = "What agents may run: auto-edit (edits and builds; other commands only if allowed) or full "
                    + "(anything not denied); default auto-edit. ask is refused: a run's agents have no terminal, so "
                    + "no one is asked during a run.")
    String permissionMode;

    @Option(names = "--allow", paramLabel = "PATTERN", description = "Also allow commands matching PATTERN (repeatable).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--sandbox", paramLabel = "MODE", arity = "0..1", fallbackValue = "on",
            description = SandboxChoice.HELP)
    String sandbox;

    @Option(names = "--worker", paramLabel = "NAME", completionCandidates = CliWorkerRun.Found.class,
            description = "Who does each task: agent (built in, the default), claude-code, codex or gemini. A CLI "
                    + "runs headless and supervised on the run's budget and must be on the PATH (found: "
                    + "${COMPLETION-CANDIDATES}); resume continues its session. A profile's worker: wins for its "
                    + "tasks.")
    String worker;

    @Option(names = "--temporal", paramLabel = "HOST:PORT",
            description = "Run distributed over Temporal: the run is a workflow on the Temporal server at HOST:PORT "
                    + "and munero worker processes, on any machines, do its planning, tasks, merges, checks and "
                    + "reflections; this process follows it with the same console, events and exit codes. Needs "
                    + "--git-remote and the optional module (MUNERO_WITH=temporal ./munero run ...).")
    String temporal;

    @Option(names = "--task-queue", paramLabel = "QUEUE",
            description = "With --temporal: the task queue the run's workers poll (default munero).")
    String taskQueue;

    @Option(names = "--git-remote", paramLabel = "URL",
            description = "With --temporal: the git remote (any URL git takes) the run's branch is pushed to; "
                    + "workers fetch from it and push their work to it.")
    String gitRemote;

    @Option(names = "--replay", paramLabel = "FILE",
            description = "Answer model calls from a recording (no network, no key); fail if a request differs.")
    Path replay;

    @Option(names = "--record", paramLabel = "FILE", description = "Write every model exchange to FILE (JSON lines).")
    Path record;

    @Option(names = "--events", paramLabel = "FORMAT",
            description = "jsonl: stream every event as a JSON line on stdout (the summary goes to stderr).")
    String events;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "error, warn, info or debug (default info).")
    String logLevel;

    @Option(names = "--metrics", negatable = true, description = "Keep metrics in the run report (default on).")
    Boolean metrics;

    @Override
    public Integer call() {
        Path repo = RunDriver.repo(invocation, directory);
        if (events != null && !events.equals("jsonl")) {
            invocation.err().println("munero: error: --events takes jsonl, not " + events);
            return ExitCodes.USAGE;
        }
        if (record != null && replay != null) {
            invocation.err().println("munero: error: --record and --replay cannot be used together");
            return ExitCodes.USAGE;
        }
        Distributed temporalModule = null;
        if (temporal == null && (taskQueue != null || gitRemote != null)) {
            invocation.err().println("munero: error: --task-queue and --git-remote go with --temporal HOST:PORT");
            return ExitCodes.USAGE;
        }
        if (temporal != null) {
            if (gitRemote == null) {
                invocation.err().println("munero: error: --temporal needs --git-remote URL: the run's workers fetch "
                        + "its branch from there and push their work there (any git remote; e.g. a bare repository: "
                        + "git init --bare /srv/run.git)");
                return ExitCodes.USAGE;
            }
            if (replay != null || record != null) {
                invocation.err().println("munero: error: --record and --replay cannot be used with --temporal: the "
                        + "model calls are made on the workers");
                return ExitCodes.USAGE;
            }
            temporalModule = Distributed.find("temporal").orElse(null);
            if (temporalModule == null) {
                return RunDriver.error(invocation, Distributed.missing("temporal", "run --temporal " + temporal
                        + " ..."));
            }
        }
        String specText;
        Path specFile = invocation.cwd().resolve(spec).toAbsolutePath().normalize();
        try {
            specText = FileErrors.read(specFile, "the spec");
        } catch (IllegalArgumentException e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (specText.isBlank()) {
            invocation.err().println("munero: error: the spec " + specFile + " is empty");
            return ExitCodes.USAGE;
        }
        EventBus bus = new EventBus();
        RunSessions.Planned planned;
        try {
            planned = RunSessions.start(repo, specText, repo.relativize(specFile).toString(), flags(),
                    replay == null ? null : invocation.cwd().resolve(replay).toAbsolutePath().normalize(),
                    record == null ? null : invocation.cwd().resolve(record).toAbsolutePath().normalize(),
                    invocation.env(), RunSessions.userConfig(invocation.env()), Clock.systemUTC(), bus);
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
        try (RunSessions.Made made = planned.made(); Runs runs = RunDriver.open(invocation, repo, true)) {
            Distributed.Follower follower = null;
            if (temporalModule != null) {
                Distributed module = temporalModule;
                Distributed.Target target = new Distributed.Target(temporal, taskQueue == null ? "munero" : taskQueue,
                        gitRemote, null, null, 60);
                PrintStream notes = "jsonl".equals(events) ? invocation.err() : invocation.out();
                follower = r -> module.follow(r, target, notes);
            }
            Distributed.Follower follow = follower;
            return RunDriver.drive(invocation, runs, made, bus, events, planned.settings().logLevel().value(),
                    () -> runs.start(planned.request(), made.session(), follow));
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
    }

    private Map<String, Object> flags() {
        Map<String, Object> f = new HashMap<>();
        put(f, "model", model);
        put(f, "sandbox", sandbox);
        put(f, "budget_usd", budgetUsd);
        put(f, "timeout", timeout);
        put(f, "max_iterations", maxIterations);
        put(f, "agents", agents);
        put(f, "max_turns", maxTurns);
        put(f, "max_output_tokens", maxOutputTokens);
        put(f, "permission_mode", permissionMode);
        put(f, "log_level", logLevel);
        put(f, "metrics_enabled", metrics);
        put(f, "worker", worker);
        if (!allow.isEmpty()) {
            f.put("allow", List.copyOf(allow));
        }
        return f;
    }

    private static void put(Map<String, Object> f, String key, Object value) {
        if (value != null) {
            f.put(key, value);
        }
    }
}
