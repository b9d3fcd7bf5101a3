package dev.munero.cli;

import dev.munero.agent.Agent;
import dev.munero.agent.AgentLimits;
import dev.munero.agent.AgentResult;
import dev.munero.agent.safety.Approver;
import dev.munero.agent.safety.CommandPolicy;
import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.safety.SandboxUnavailableException;
import dev.munero.agent.tools.Tool;
import dev.munero.agent.tools.ToolContext;
import dev.munero.agent.tools.Tools;
import dev.munero.core.BuildManager;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.Durations;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.Providers;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.llm.record.RecordingChatModel;
import dev.munero.llm.record.ReplayChatModel;
import dev.munero.memory.Author;
import dev.munero.memory.MemoryBank;
import dev.munero.memory.embed.Embedder;
import dev.munero.memory.embed.Embedders;
import dev.munero.memory.tools.MemoryTools;
import dev.munero.store.StoreException;
import java.io.BufferedReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code munero agent}: one coding agent on one task in one repository. */
@Command(name = "agent", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a coding agent on a task: it reads and edits files, runs commands and builds, stores and "
                + "searches notes in the repository's memory bank (munero memory), and stops when it calls finish or "
                + "a limit is hit.",
                "",
                "Keys come from ANTHROPIC_API_KEY / OPENAI_API_KEY (base URLs from ANTHROPIC_BASE_URL, OPENAI_BASE_URL, "
                + "OLLAMA_HOST) or the user config file (~/.config/munero/config.toml).",
                ""},
        footer = {"", "Exit codes: 0 the agent finished, 1 a limit or a provider error stopped it, 2 bad usage or "
                + "configuration (missing key, permission needed without a terminal), 130 interrupted."})
final class AgentCommand implements Callable<Integer> {
    static final String DEFAULT_MODEL = dev.munero.llm.ModelRef.DEFAULT;
    /** The agent the memory bank's entries this command's agent stores are attributed to. */
    static final String MEMORY_AUTHOR = "munero-agent";

    private final Invocation invocation;

    AgentCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    static final class TaskSource {
        @Option(names = {"-t", "--task"}, paramLabel = "TEXT", required = true, description = "The task, in words.")
        String text;

        @Option(names = "--task-file", paramLabel = "FILE", required = true, description = "Read the task from FILE.")
        Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    TaskSource task;

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "The workspace: the repository the agent works in (default: the current directory).")
    Path directory;

    @Option(names = {"-m", "--model"}, paramLabel = "PROVIDER:MODEL",
            description = "anthropic:MODEL, openai:MODEL or ollama:MODEL (default: $MUNERO_MODEL, else model in the "
                    + "user config, else " + DEFAULT_MODEL + ").")
    String model;

    @Option(names = "--max-turns", paramLabel = "N", defaultValue = "50", description = "Stop after N model calls (default: ${DEFAULT-VALUE}).")
    int maxTurns;

    @Option(names = "--max-cost", paramLabel = "USD",
            description = "Stop before a model call whose worst-case cost would take the run past USD.")
    Double maxCost;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "Stop after this long, e.g. 90s, 30m, 2h (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--max-output-tokens", paramLabel = "N", defaultValue = "8192",
            description = "Max output tokens per model call (default: ${DEFAULT-VALUE}).")
    int maxOutputTokens;

    @Option(names = "--permission-mode", paramLabel = "MODE", defaultValue = "auto-edit",
            description = "ask: confirm every edit and command; auto-edit: edits and builds run, other commands follow "
                    + "the allow list and ask otherwise; full: everything not denied runs (default: ${DEFAULT-VALUE}).")
    String permissionMode;

    @Option(names = "--allow", paramLabel = "PATTERN",
            description = "Also allow commands matching PATTERN without asking, e.g. 'npm run *' (repeatable).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "PATTERN", description = "Never run commands matching PATTERN (repeatable).")
    List<String> deny = new ArrayList<>();

    @Option(names = "--sandbox", paramLabel = "MODE", arity = "0..1", fallbackValue = "on",
            description = SandboxChoice.HELP)
    String sandbox;

    @Option(names = "--stream", description = "Stream the model's text as it is generated.")
    boolean stream;

    @Option(names = "--record", paramLabel = "FILE", description = "Write every model exchange to FILE (JSON lines).")
    Path record;

    @Option(names = "--replay", paramLabel = "FILE",
            description = "Answer model calls from a recording instead of the network; fail if a request differs.")
    Path replay;

    @Option(names = "--json", description = "Print events as JSON lines on stdout instead of a transcript.")
    boolean json;

    @Option(names = "--worker", paramLabel = "NAME", completionCandidates = CliWorkerRun.Found.class,
            description = "Who does the task: agent (built in, the default), claude-code, codex or gemini. A CLI "
                    + "runs headless and supervised with its own key (ANTHROPIC_API_KEY, OPENAI_API_KEY, "
                    + "GEMINI_API_KEY) and must be on the PATH (found: ${COMPLETION-CANDIDATES}).")
    String worker;

    @Option(names = "--inactivity", paramLabel = "DURATION", defaultValue = "10m",
            description = "With a CLI --worker: stop it as hung after this long without an event (default: "
                    + "${DEFAULT-VALUE}).")
    String inactivity;

    @Option(names = "--resume", paramLabel = "SESSION",
            description = "With a CLI --worker: continue that CLI session (printed at the end of a run) instead of "
                    + "starting a new one.")
    String resume;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Options of the built-in agent that a CLI worker has no use for. */
    private static final List<String> AGENT_ONLY = List.of("--max-turns", "--max-output-tokens", "--allow", "--deny",
            "--stream", "--record", "--replay");

    @Override
    public Integer call() {
        PrintStream err = invocation.err();
        Path workspace = invocation.cwd().resolve(directory).toAbsolutePath().normalize();
        if (!Files.isDirectory(workspace)) {
            err.println("munero: error: the workspace " + workspace + " is not a directory");
            return ExitCodes.USAGE;
        }
        if (record != null && replay != null) {
            err.println("munero: error: --record and --replay cannot be used together");
            return ExitCodes.USAGE;
        }
        if (worker != null && !worker.equals(dev.munero.agent.worker.Workers.AGENT)) {
            return runCliWorker(workspace);
        }
        if (resume != null) {
            err.println("munero: error: --resume continues a CLI worker's session; the built-in agent has none");
            return ExitCodes.USAGE;
        }
        AgentTranscript transcript = new AgentTranscript(invocation.out(), json);
        String taskText;
        AgentLimits limits;
        ToolContext context;
        Sandbox chosen;
        ChatModel chat;
        ModelInfo info;
        Path userPrices;
        try {
            taskText = task.text != null ? task.text
                    : FileErrors.read(invocation.cwd().resolve(task.file).toAbsolutePath().normalize(), "the task file");
            if (taskText.isBlank()) {
                err.println("munero: error: the task is empty");
                return ExitCodes.USAGE;
            }
            Duration limit = Durations.parse(timeout);
            limits = new AgentLimits(maxTurns, maxCost == null ? OptionalDouble.empty() : OptionalDouble.of(maxCost),
                    limit, AgentLimits.DEFAULTS.maxRepeatedFailures(), maxOutputTokens);
            PermissionMode mode = PermissionMode.parse(permissionMode);
            UserConfig config = UserConfig.load(invocation.env());
            userPrices = config.sibling("models.toml");
            context = ToolContext.builder(workspace).permissionMode(mode)
                    .commandPolicy(CommandPolicy.defaults().withAllowed(allow).withDenied(deny))
                    .sandbox(chosen = SandboxChoice.select(SandboxChoice.agentMode(sandbox, invocation.env(), config),
                            config))
                    .environment(invocation.env())
                    .approver(approver())
                    .build();
            Map<String, String> substitutions = Map.of(workspace.toString(), "<workspace>");
            if (replay != null) {
                chat = new ReplayChatModel(FileErrors.readable(invocation.cwd().resolve(replay).toAbsolutePath()
                        .normalize(), "the recording"), model == null ? null : ModelRef.parse(model),
                        substitutions);
            } else {
                ModelRef ref = ModelRef.parse(model != null ? model
                        : invocation.env().getOrDefault("MUNERO_MODEL", config.model().orElse(DEFAULT_MODEL)));
                Providers.Options options = new Providers.Options(stream, Duration.ofMinutes(10),
                        dev.munero.llm.resilience.RetrySettings.DEFAULTS, dev.munero.llm.resilience.RateLimits.NONE,
                        r -> transcript.onEvent(new dev.munero.agent.AgentEvent.Retrying(0, r.attempt(), r.delay(),
                                r.failure().getMessage())));
                chat = Providers.open(ref, invocation.env(), config, options);
                if (record != null) {
                    chat = new RecordingChatModel(chat, invocation.cwd().resolve(record), substitutions);
                }
            }
            info = ModelTable.withUserFile(userPrices).lookup(chat.model());
        } catch (ProviderException | IllegalArgumentException | SandboxUnavailableException e) {
            err.println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }

        Agent agent;
        MemoryBank memory;
        Optional<Embedder> embedder;
        try {
            // memory: embeddings: in munero.yaml or the user config makes memory_search hybrid, as in munero run
            embedder = Embedders.forRepository(workspace, invocation.env(), UserConfig.load(invocation.env()));
        } catch (ConfigException | IllegalArgumentException | ProviderException e) {
            err.println("munero: error: memory embeddings: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            // the workspace's memory bank, shared with munero run's agents and munero memory (issue 14)
            memory = MemoryBank.open(BuildManager.databaseOf(workspace), java.time.Clock.systemUTC(), embedder);
        } catch (StoreException e) {
            err.println("munero: error: cannot open the memory bank: " + e.getMessage());
            return ExitCodes.FAILED;
        }
        try {
            List<Tool> tools = new ArrayList<>(Tools.standard());
            tools.addAll(MemoryTools.of(memory, new Author(MEMORY_AUTHOR, null, null)));
            agent = Agent.builder(chat, context).modelInfo(info).limits(limits).tools(tools).listener(transcript)
                    .build();
        } catch (IllegalArgumentException e) {
            memory.close();
            err.println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (!json) {
            invocation.out().printf("munero agent: %s in %s (permission mode %s%s%s)%n", chat.model(), workspace,
                    context.permissionMode().cliName(), chosen.contains() ? ", sandboxed" : "",
                    replay != null ? ", replaying " + replay : "");
        }
        SandboxChoice.notice(chosen).ifPresent(invocation.err()::println);
        if (!info.priced()) {
            // issue 11.10: said at the start, not discovered in the summary
            invocation.err().println(RunDriver.unpricedWarning(chat, userPrices,
                    "its cost is shown as unknown; add its prices there to see it"));
        }
        Thread runner = Thread.currentThread();
        CountDownLatch done = new CountDownLatch(1);
        AgentResult result;
        try (AutoCloseable ignored = invocation.interrupts().register(() -> {
            runner.interrupt();
            try {
                done.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            result = agent.run(taskText);
            done.countDown();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            memory.close();
            if (chat instanceof RecordingChatModel recording) {
                recording.close();
            }
        }
        transcript.finish(result, chat.model().toString(), info);
        if (result.condition() == dev.munero.agent.StopCondition.PERMISSION_REQUIRED
                || result.condition() == dev.munero.agent.StopCondition.PROVIDER_ERROR) {
            err.println("munero: error: " + result.detail()); // also for --json users who only read stderr
        }
        return switch (result.condition()) {
            case FINISHED, END_TURN -> ExitCodes.OK;
            case PERMISSION_REQUIRED -> ExitCodes.USAGE;
            case INTERRUPTED -> ExitCodes.INTERRUPTED;
            default -> ExitCodes.FAILED;
        };
    }

    /** {@code --worker claude-code|codex|gemini}: the task goes to that CLI ({@link CliWorkerRun}). */
    private int runCliWorker(Path workspace) {
        PrintStream err = invocation.err();
        if (!dev.munero.agent.worker.Workers.NAMES.contains(worker)) {
            err.println("munero: error: unknown worker '" + worker + "'; valid: "
                    + String.join(", ", dev.munero.agent.worker.Workers.NAMES));
            return ExitCodes.USAGE;
        }
        for (String option : AGENT_ONLY) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                err.println("munero: error: " + option + " applies to the built-in agent only, not to --worker "
                        + worker);
                return ExitCodes.USAGE;
            }
        }
        try {
            String taskText = task.text != null ? task.text
                    : FileErrors.read(invocation.cwd().resolve(task.file).toAbsolutePath().normalize(), "the task file");
            if (taskText.isBlank()) {
                err.println("munero: error: the task is empty");
                return ExitCodes.USAGE;
            }
            UserConfig config = UserConfig.load(invocation.env());
            Sandbox chosen = SandboxChoice.select(SandboxChoice.agentMode(sandbox, invocation.env(), config), config);
            SandboxChoice.notice(chosen).ifPresent(err::println);
            return CliWorkerRun.run(invocation, worker, workspace, taskText, model,
                    maxCost == null ? OptionalDouble.empty() : OptionalDouble.of(maxCost), Durations.parse(timeout),
                    Durations.parse(inactivity), PermissionMode.parse(permissionMode), chosen, resume, json);
        } catch (IllegalArgumentException | SandboxUnavailableException e) {
            err.println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    /** Asks on the terminal when there is one (a process run, not a daemon run), else fails at once. */
    private Approver approver() {
        java.io.Console console = System.console();
        if (invocation.warm() != null || console == null || !Terminal.isInteractive(invocation.env())) {
            return Approver.noTerminal();
        }
        return Approver.console(new BufferedReader(console.reader()), invocation.err());
    }
}
