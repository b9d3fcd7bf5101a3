package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.RunSessions;
import dev.munero.core.app.Runs;
import dev.munero.core.events.EventBus;
import dev.munero.engine.config.Durations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code munero resume ID}: continues a paused, interrupted or killed run. */
@Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a paused, interrupted or killed run from its last completed step: finished tasks are "
                + "not redone, and model calls that completed are answered from .munero/munero.db instead of being "
                + "sent (and paid for) again. The run keeps its model and settings; the flags below change them.", ""},
        footer = {"", "Exit codes: as munero run: 0 checks pass, 1 failed (or git, the run database or the sandbox "
                + "failed), 2 usage, no such run or it has ended, 3 paused again, 130 interrupted."})
final class ResumeCommand implements Callable<Integer> {
    private final Invocation invocation;

    ResumeCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Mixin
    RunIdOptions run;

    @Option(names = "--budget-usd", paramLabel = "USD",
            description = "A new budget for the whole run: a total, what is already spent included.")
    Double budgetUsd;

    @Option(names = "--add-budget-usd", paramLabel = "USD",
            description = "Raise the run's budget by USD (a run without a budget gets what it spent plus USD).")
    Double addBudgetUsd;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "A new time limit for this session.")
    String timeout;

    @Option(names = "--max-iterations", paramLabel = "N", description = "A new iteration limit.")
    Integer maxIterations;

    @Option(names = "--sandbox", paramLabel = "MODE", arity = "0..1", fallbackValue = "on",
            description = SandboxChoice.HELP + " Default: as munero run would choose now.")
    String sandbox;

    @Option(names = "--replay", paramLabel = "FILE", description = "Answer new model calls from a recording.")
    Path replay;

    @Option(names = "--record", paramLabel = "FILE", description = "Write new model exchanges to FILE.")
    Path record;

    @Option(names = "--events", paramLabel = "FORMAT", description = "jsonl: stream events as JSON lines on stdout.")
    String events;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = "error, warn, info or debug (default info).")
    String logLevel;

    @Override
    public Integer call() {
        Path repo = RunDriver.repo(invocation, run.directory);
        if (events != null && !events.equals("jsonl")) {
            invocation.err().println("munero: error: --events takes jsonl, not " + events);
            return ExitCodes.USAGE;
        }
        try (Runs runs = RunDriver.open(invocation, repo, false)) {
            // an ended run or a bad budget is said before any model set-up (no key is asked for a completed run)
            Runs.Summary stored = runs.resumable(run.id, new Runs.Resume(budgetUsd, addBudgetUsd, null, maxIterations));
            Duration newTimeout;
            try {
                newTimeout = timeout == null ? null : Durations.parse(timeout);
                RunConsole.level(logLevel);
            } catch (IllegalArgumentException e) {
                invocation.err().println("munero: error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
            Runs.Resume request = new Runs.Resume(budgetUsd, addBudgetUsd, newTimeout, maxIterations);
            EventBus bus = new EventBus();
            try (RunSessions.Made made = RunSessions.resume(repo, stored, sandbox, absolute(replay), absolute(record),
                    invocation.env(), RunSessions.userConfig(invocation.env()), Clock.systemUTC(), bus)) {
                return RunDriver.drive(invocation, runs, made, bus, events, logLevel,
                        () -> runs.resume(run.id, request, made.session()));
            }
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
    }

    private Path absolute(Path file) {
        return file == null ? null : invocation.cwd().resolve(file).toAbsolutePath().normalize();
    }
}
