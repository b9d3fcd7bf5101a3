package dev.munero.cli;

import dev.munero.core.BuildManager;
import dev.munero.core.RunHistory;
import dev.munero.core.RunLimits;
import dev.munero.core.RunState;
import dev.munero.engine.config.Durations;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ProviderException;
import dev.munero.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code munero resume ID}: continues a paused, interrupted or killed run. */
@Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a paused, interrupted or killed run from its last completed step: finished tasks are "
                + "not redone, and model calls that completed are answered from .munero/munero.db instead of being "
                + "sent (and paid for) again. The run keeps its model and settings; the flags below change them.", ""},
        footer = {"", "Exit codes: as munero run: 0 checks pass, 1 failed, 2 usage, 3 paused again, 130 interrupted."})
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
        Path repo = RunStore.repo(invocation, run.directory);
        if (events != null && !events.equals("jsonl")) {
            invocation.err().println("munero: error: --events takes jsonl, not " + events);
            return ExitCodes.USAGE;
        }
        Store store;
        try {
            store = RunStore.open(repo, false);
        } catch (RunStore.Missing e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try (store) {
            var stored = RunStore.run(store, run.id);
            if (RunState.ofLabel(stored.state()).isFinal()) {
                invocation.err().println("munero: error: " + BuildManager.endedMessage(stored, "resume"));
                return ExitCodes.USAGE;
            }
            if (budgetUsd != null && addBudgetUsd != null) {
                invocation.err().println("munero: error: give --budget-usd (a new total) or --add-budget-usd (an "
                        + "increase), not both");
                return ExitCodes.USAGE;
            }
            if (budgetUsd != null && !(budgetUsd > 0) || addBudgetUsd != null && !(addBudgetUsd > 0)) {
                invocation.err().println("munero: error: a budget must be more than 0 USD, was "
                        + (budgetUsd != null ? budgetUsd : addBudgetUsd));
                return ExitCodes.USAGE;
            }
            double spent = stored.summary().path("cost_usd").asDouble(0);
            RunHistory history = RunHistory.fold(store.events(run.id, 0));
            ChatModel chat;
            java.time.Duration newTimeout;
            dev.munero.agent.safety.SandboxMode mode;
            try {
                mode = dev.munero.agent.safety.SandboxMode.parse(dev.munero.core.config.RunSettingsResolver.resolve(repo,
                        invocation.env(), sandbox == null ? java.util.Map.of() : java.util.Map.of("sandbox", sandbox),
                        dev.munero.llm.UserConfig.load(invocation.env())).sandbox().value());
                newTimeout = timeout == null ? null : Durations.parse(timeout);
                chat = RunDriver.model(invocation, history.model(), repo.toRealPath(), replay, record);
                RunConsole.level(logLevel);
            } catch (IllegalArgumentException | ProviderException | dev.munero.core.config.SettingsException e) {
                invocation.err().println("munero: error: " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (IOException e) {
                invocation.err().println("munero: error: " + repo + ": " + e.getMessage());
                return ExitCodes.USAGE;
            }
            return RunDriver.drive(invocation, store, repo, chat, mode, events, logLevel, true,
                    session -> BuildManager.resume(store, run.id, l -> new RunLimits(
                            budget(l.budgetUsd(), spent),
                            newTimeout == null ? l.timeout() : newTimeout,
                            maxIterations == null ? l.maxIterations() : maxIterations, l.agents(), l.maxTurns(),
                            l.maxOutputTokens(), l.permissionMode(), l.allow()), session));
        } catch (RunStore.Missing e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    /** The budget the resumed run gets: the new total, or the stored one (else what was spent) plus the increase. */
    private OptionalDouble budget(OptionalDouble stored, double spentUsd) {
        if (budgetUsd != null) {
            return OptionalDouble.of(budgetUsd);
        }
        if (addBudgetUsd != null) {
            return OptionalDouble.of((stored.isPresent() ? stored.getAsDouble() : spentUsd) + addBudgetUsd);
        }
        return stored;
    }
}
