package dev.munero.core.app;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.safety.SandboxMode;
import dev.munero.agent.safety.SandboxSettings;
import dev.munero.agent.safety.SandboxUnavailableException;
import dev.munero.core.BuildManager;
import dev.munero.core.RunLimits;
import dev.munero.core.config.RunSettings;
import dev.munero.core.config.RunSettingsResolver;
import dev.munero.core.config.SettingsException;
import dev.munero.core.events.EventBus;
import dev.munero.core.swarm.AgentProfile;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ModelRef;
import dev.munero.llm.ProviderException;
import dev.munero.llm.Providers;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.llm.pricing.ModelTable;
import dev.munero.llm.record.RecordingChatModel;
import dev.munero.llm.record.ReplayChatModel;
import dev.munero.llm.resilience.RateLimits;
import dev.munero.llm.resilience.RetrySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the sessions of {@link Runs#start} and {@link Runs#resume} are made, the same way for every front end: the
 * run's settings and limits (flags, {@code MUNERO_*}, {@code munero.yaml}, the user config), the model (the
 * provider from a {@code provider:model} name, or a {@link ReplayChatModel} of a recording, optionally wrapped in a
 * {@link RecordingChatModel}), its prices (Munero's model table and the user's {@code models.toml} beside the user
 * config), the sandbox, whose lessons the run sees ({@link BuildManager.Learning}), and the MCP servers its agents
 * get ({@link McpSettings}).
 *
 * <p>Every failure a user can fix is an {@link AppException}: INVALID for settings, model names, a missing API
 * key, an unreadable recording, {@code permission_mode: ask}, or a budget on a model without a price; UNAVAILABLE
 * for a sandbox that cannot start (bubblewrap with {@code --sandbox on}).
 *
 * <p>Stateless; thread-safe.
 */
public final class RunSessions {
    private RunSessions() {
    }

    /**
     * The user config the environment points at ({@code MUNERO_CONFIG}, {@code XDG_CONFIG_HOME}, {@code HOME}; see
     * {@link UserConfig#load}); empty when there is none.
     *
     * @throws AppException INVALID when the file is not valid TOML (the message names it)
     */
    public static UserConfig userConfig(Map<String, String> env) {
        try {
            return UserConfig.load(env);
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        }
    }

    /**
     * The run's settings with their sources: {@code flags} (by {@code munero.yaml} key, e.g. {@code budget_usd},
     * values as typed), then {@code MUNERO_*} in {@code env}, then {@code repo}'s {@code munero.yaml} {@code run:}
     * section, then the user config's model, then the defaults (see {@link RunSettingsResolver#resolve}).
     *
     * @throws AppException INVALID naming the value, where it came from and what to write
     */
    public static RunSettings settings(Path repo, Map<String, ?> flags, Map<String, String> env, UserConfig config) {
        try {
            return RunSettingsResolver.resolve(repo, env, flags, config);
        } catch (SettingsException | IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        }
    }

    /**
     * Checks before anything starts that every CLI worker the run would use (issue 15: {@code worker} of the settings,
     * and of each profile) is installed, and that a replay does not meet one (a recording holds Munero's own model
     * calls, not a CLI's).
     *
     * @throws AppException INVALID naming the worker, where it was chosen, and how to install it
     */
    public static void requireWorkers(RunSettings settings, List<dev.munero.core.swarm.AgentProfile> profiles,
                                      Path replay, Map<String, String> env) {
        Map<String, String> used = new java.util.LinkedHashMap<>();
        used.put(settings.worker().value(), settings.worker().source());
        for (var p : profiles) {
            if (p.worker() != null) {
                used.putIfAbsent(p.worker(), p.source() + ": agents: profile " + p.name());
            }
        }
        used.remove(dev.munero.agent.worker.Workers.AGENT);
        for (var e : used.entrySet()) {
            if (replay != null) {
                throw AppException.invalid("worker " + e.getKey() + " (" + e.getValue() + ") cannot run in a replay: "
                        + "the recording holds Munero's own model calls, not the CLI's; replay with --worker agent");
            }
            if (!dev.munero.agent.worker.Workers.available(env).contains(e.getKey())) {
                throw AppException.invalid("worker " + e.getKey() + " (" + e.getValue() + ") needs its CLI, and it is "
                        + "not on the PATH (nor named by " + dev.munero.agent.worker.Workers.executableVariable(
                        e.getKey()) + "); install it (npm install -g " + dev.munero.agent.worker.Workers.npmPackage(
                        e.getKey()) + ") or run with --worker agent");
            }
        }
    }

    /**
     * The agent profiles a run of {@code repo} would have (munero.yaml {@code agents:}, issue 14), checked before
     * anything starts so that a bad list fails the command, not the run's first dispatch. A profile's own
     * {@code model} is opened by {@link #withProfileModels}.
     *
     * @throws AppException INVALID with munero.yaml:LINE, the profile and what to do
     */
    public static List<AgentProfile> profiles(Path repo) {
        try {
            return dev.munero.core.swarm.AgentProfiles.load(repo);
        } catch (SettingsException e) {
            throw AppException.invalid(e.getMessage());
        }
    }

    /**
     * {@code made} with the models {@code profiles} name other than the session's (issue 14), each opened as the
     * run's is: from a replay, the same recording answers it ({@link ReplayChatModel#forModel}); when recording,
     * the same file records it ({@link RecordingChatModel#alongside}); else its provider, its key from {@code env}
     * or the user config. Each is priced from the same tables; one without a price is refused under a budget and
     * otherwise noted.
     *
     * @param budget where the run's budget came from, or null when the run has none
     * @throws AppException INVALID naming the profile's munero.yaml line, the model and what is wrong: a model name
     *                      that does not parse, a missing key or set-up of its provider, no price under a budget
     */
    public static Made withProfileModels(Made made, List<AgentProfile> profiles, Map<String, String> env,
                                         UserConfig config, dev.munero.core.config.Sourced<?> budget) {
        ChatModel run = made.session().provider();
        Map<String, BuildManager.PricedModel> models = new LinkedHashMap<>();
        List<String> notices = new ArrayList<>(made.notices());
        for (AgentProfile p : profiles) {
            boolean cli = p.worker() != null && !p.worker().equals(dev.munero.agent.worker.Workers.AGENT);
            if (p.model() == null || cli || p.model().equals(run.model().toString()) || models.containsKey(p.model())) {
                // a CLI worker's profile model is the CLI's to open and price (issue 15)
                continue;
            }
            String where = p.source() + ": agents: profile " + p.name() + " has model " + p.model();
            ChatModel chat;
            try {
                ModelRef ref = ModelRef.parse(p.model());
                chat = switch (run) {
                    case ReplayChatModel replay -> replay.forModel(ref);
                    case RecordingChatModel recording -> recording.alongside(open(ref, env, config));
                    default -> open(ref, env, config);
                };
            } catch (ProviderException | IllegalArgumentException e) {
                throw AppException.invalid(where + ", which cannot be used: " + e.getMessage()
                        + "; or remove the profile's model to use the run's (" + run.model() + ")");
            }
            ModelInfo prices = prices(chat, config);
            if (!prices.priced()) {
                if (budget != null) {
                    throw AppException.invalid(where + "; a budget (" + budget.source() + ") needs its price, and "
                            + "Munero has none: add it to " + userPrices(config) + " (same format as Munero's "
                            + "models.toml, see README), remove the profile's model, or run without a budget");
                }
                notices.add(unpricedWarning(chat, userPrices(config), "the cost of profile " + p.name()
                        + "'s calls will be shown as unknown (" + p.source() + ")"));
            }
            models.put(p.model(), new BuildManager.PricedModel(chat, prices));
        }
        return models.isEmpty() ? made : new Made(made.session().withProfileModels(models), notices);
    }

    private static ChatModel open(ModelRef ref, Map<String, String> env, UserConfig config) {
        return Providers.open(ref, env, config, new Providers.Options(false, Duration.ofMinutes(10),
                RetrySettings.DEFAULTS, RateLimits.NONE, r -> { }));
    }

    /**
     * The limits of a new run from its settings.
     *
     * @throws AppException INVALID for permission mode {@code ask} from any source (issue 11.7: a run's agents have no
     *                      terminal, so no one could be asked), or a value {@link RunLimits} refuses
     */
    public static RunLimits limits(RunSettings s) {
        RunLimits limits;
        try {
            limits = new RunLimits(s.budgetUsd().value(), s.timeout().value(), s.maxIterations().value(),
                    s.agents().value(), s.maxTurns().value(), s.maxOutputTokens().value(),
                    PermissionMode.parse(s.permissionMode().value()), s.allow().value(),
                    "on".equals(s.leases().value()), s.reviewRounds().value(),
                    s.worker().value(), s.workerInactivity().value(), s.workerGrace().value());
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        }
        if (limits.permissionMode() == PermissionMode.ASK) {
            throw AppException.invalid("permission mode ask (" + s.permissionMode().source() + ") cannot work in "
                    + "munero run: its agents work without a terminal, so no one could be asked. Use "
                    + "--permission-mode auto-edit (the default) with --allow 'PATTERN' for the commands they need, "
                    + "or full; or use munero agent on a terminal to approve each step.");
        }
        return limits;
    }

    /**
     * The model of a session: a replay of {@code replay} when given (no network, no key), else the provider,
     * wrapped in a recording to {@code record} when given. Digests mask the repository's path (as {@code <repo>}),
     * so a recording replays in another directory. Close a {@link RecordingChatModel} when the session ends
     * ({@link Made#close()} does).
     *
     * @param model  {@code provider:model}; with a replay, the model the recording must be of
     * @param repo   the repository, as the run's worktree paths start (symbolic links resolved)
     * @param replay an absolute recording to answer from, or null
     * @param record an absolute file to record to, or null (not with {@code replay})
     * @throws AppException INVALID when the model name does not parse, the provider's key or set-up is missing,
     *                      the recording cannot be read or is not a recording, or both replay and record are given
     */
    public static ChatModel model(String model, Path repo, Path replay, Path record, Map<String, String> env,
                                  UserConfig config) {
        if (replay != null && record != null) {
            throw AppException.invalid("--record and --replay cannot be used together");
        }
        Map<String, String> substitutions = Map.of(repo.toString(), "<repo>");
        try {
            if (replay != null) {
                return new ReplayChatModel(readable(replay, "the recording"), ModelRef.parse(model), substitutions);
            }
            ChatModel chat = open(ModelRef.parse(model), env, config);
            return record == null ? chat : new RecordingChatModel(chat, record, substitutions);
        } catch (ProviderException | IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        }
    }

    private static Path readable(Path file, String what) {
        String why = Files.isDirectory(file) ? "it is a directory" : !Files.exists(file) ? "no such file"
                : !Files.isReadable(file) ? "permission denied" : null;
        if (why != null) {
            throw AppException.invalid("cannot read " + what + " " + file + ": " + why);
        }
        return file;
    }

    /** The model's prices from Munero's table and the user's {@link #userPrices} file; unpriced when unknown. */
    public static ModelInfo prices(ChatModel model, UserConfig config) {
        return ModelTable.withUserFile(userPrices(config)).lookup(model.model());
    }

    /** The user's own price file, {@code models.toml} beside the user config. */
    public static Path userPrices(UserConfig config) {
        return config.sibling("models.toml");
    }

    /**
     * Refuses a budget on a model without a price before any call (issue 11.10): {@code CostGuard} would refuse
     * every call of it.
     *
     * @throws AppException INVALID naming where the budget came from and where to add the price
     */
    public static void requirePrice(RunSettings settings, RunLimits limits, ChatModel model, UserConfig config) {
        if (limits.budgetUsd().isPresent() && !prices(model, config).priced()) {
            throw AppException.invalid("a budget (" + settings.budgetUsd().source() + ") needs the price of "
                    + model.model() + ", and Munero has none: add it to " + userPrices(config) + " (same format as "
                    + "Munero's models.toml, see README), or run without a budget");
        }
    }

    /**
     * The sandbox for {@code mode} with the user config's {@code [sandbox]} caches.
     *
     * @throws AppException UNAVAILABLE for {@code on} where bubblewrap cannot start; INVALID when the user config's
     *                      {@code [sandbox]} table is invalid
     */
    public static Sandbox sandbox(SandboxMode mode, UserConfig config) {
        try {
            return Sandbox.select(mode, SandboxSettings.fromConfig(config.tree(), config.file().toString()));
        } catch (SandboxUnavailableException e) {
            throw AppException.unavailable(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        }
    }

    /** The line to show once when commands are not contained; empty in the sandbox. */
    public static Optional<String> sandboxNotice(Sandbox sandbox) {
        return switch (sandbox) {
            case Sandbox.Bubblewrap b -> Optional.empty();
            case Sandbox.None n -> Optional.of("munero: commands run unsandboxed, as you (--sandbox off): they can read "
                    + "and change what you can");
            case Sandbox.Unavailable u -> Optional.of("munero: no sandbox: " + u.reason() + ". Only read-only commands "
                    + "on the allow list run; builds and checks run unsandboxed, as you. --sandbox off runs every "
                    + "command unsandboxed.");
        };
    }

    /**
     * Whose lessons a session with {@code model} sees: a replay sees only its own (issue 11.6: lessons of other
     * runs would change the recorded requests), any other model the repository's.
     */
    public static BuildManager.Learning learning(ChatModel model) {
        return model instanceof ReplayChatModel ? BuildManager.Learning.RUN_ONLY : BuildManager.Learning.SHARED;
    }

    /**
     * The warning for a model with no known price, said at the start of a session: what is unknown and where the
     * user can add the price; {@code consequence} says what that means for this command.
     */
    public static String unpricedWarning(ChatModel model, Path userPrices, String consequence) {
        return "munero: warning: " + model.model() + " has no known price (neither in Munero's table nor in "
                + userPrices + "): " + consequence;
    }

    /**
     * A session and what to tell its user before it starts. Closing it closes a {@link RecordingChatModel} (which
     * finishes its file); call it once the session has ended.
     *
     * @param notices lines for the user, in order: where commands run when they are not contained, that a replay
     *                sees only its own lessons, that the model (or an agent profile's own model) has no known
     *                price
     */
    public record Made(BuildManager.Session session, List<String> notices) implements AutoCloseable {
        public Made {
            notices = List.copyOf(notices);
        }

        @Override
        public void close() {
            if (session.provider() instanceof RecordingChatModel recording) {
                recording.close();
            }
        }
    }

    /**
     * The session of a run with {@code model}: its prices, the sandbox for {@code mode}, the learning choice, the
     * environment agents and checks get (scrubbed of secrets by the agent), {@code clock} and {@code bus}.
     *
     * @throws AppException UNAVAILABLE for a sandbox that cannot start; INVALID for a bad {@code [sandbox]} table
     */
    public static Made session(ChatModel model, SandboxMode mode, Map<String, String> env, UserConfig config,
                               Clock clock, EventBus bus) {
        Sandbox sandbox = sandbox(mode, config);
        List<String> notices = new ArrayList<>();
        sandboxNotice(sandbox).ifPresent(notices::add);
        BuildManager.Learning learning = learning(model);
        if (learning == BuildManager.Learning.RUN_ONLY) {
            notices.add("replay: this run sees only its own lessons; it does not read or add to the repository's "
                    + "learning store, so its requests match the recording");
        }
        ModelInfo prices = prices(model, config);
        if (!prices.priced()) {
            notices.add(unpricedWarning(model, userPrices(config), "its cost will be shown as unknown, and a budget "
                    + "cannot be enforced (every call under one is refused)"));
        }
        return new Made(new BuildManager.Session(model, prices, env, sandbox, clock, bus, learning), notices);
    }

    /**
     * A new run's request and session as {@code munero run} makes them: settings ({@link #settings}), limits
     * ({@link #limits}), the agent profiles ({@link #profiles}), the model ({@link #model}), the budget's price
     * check ({@link #requirePrice}), then the
     * session ({@link #session}) with the settings' sandbox and the profiles' own models ({@link #withProfileModels}).
     *
     * @param spec     the spec's text
     * @param specPath where it came from, for the log
     * @param flags    settings by {@code munero.yaml} key, as typed (see {@link #settings})
     * @param replay   an absolute recording, or null
     * @param record   an absolute file to record to, or null
     * @throws AppException as the steps above; nothing is made when one fails
     */
    public static Planned start(Path repo, String spec, String specPath, Map<String, ?> flags, Path replay,
                                Path record, Map<String, String> env, UserConfig config, Clock clock, EventBus bus) {
        RunSettings settings = settings(repo, flags, env, config);
        RunLimits limits = limits(settings);
        List<AgentProfile> profiles = profiles(repo);
        requireWorkers(settings, profiles, replay, env);
        ChatModel model = model(settings.model().value(), realPath(repo), replay, record, env, config);
        requirePrice(settings, limits, model, config);
        List<dev.munero.agent.mcp.McpServerSpec> mcp = mcpServers(repo, env, config);
        Made made = withProfileModels(withMcpServers(session(model, sandboxMode(settings), env, config, clock, bus),
                mcp), profiles, env, config, limits.budgetUsd().isPresent() ? settings.budgetUsd() : null);
        return new Planned(settings, new Runs.Start(spec, specPath, limits, settings.metricsEnabled().value()), made);
    }

    /**
     * The session to resume {@code run} with as {@code munero resume} makes it: the run's model and the agent
     * profiles' own models ({@link #withProfileModels}; their prices are not checked against the run's stored
     * budget here), the sandbox of the settings now ({@code sandbox} as the flag, else {@code MUNERO_SANDBOX}, {@code munero.yaml}, auto).
     *
     * @param repo    the repository ({@link Runs#repo()}): its {@code munero.yaml} has a say in the sandbox
     * @param run     the run, from {@link Runs#resumable}
     * @param sandbox {@code auto}, {@code on} or {@code off}, or null for the settings' choice
     * @throws AppException INVALID for a bad sandbox value; as {@link #model} and {@link #session}
     */
    public static Made resume(Path repo, Runs.Summary run, String sandbox, Path replay, Path record,
                              Map<String, String> env, UserConfig config, Clock clock, EventBus bus) {
        SandboxMode mode = sandboxMode(settings(repo, sandbox == null ? Map.of() : Map.of("sandbox", sandbox), env,
                config));
        List<AgentProfile> profiles = profiles(repo);
        List<dev.munero.agent.mcp.McpServerSpec> mcp = mcpServers(repo, env, config);
        ChatModel model = model(run.model(), realPath(repo), replay, record, env, config);
        return withProfileModels(withMcpServers(session(model, mode, env, config, clock, bus), mcp), profiles, env,
                config, null);
    }

    /**
     * The session of a run whose settings a front end resolved itself (from a REST or MCP request,
     * {@code munero.yaml} and the user config), made as {@code munero run} makes it: the settings' model from its
     * provider (its key from {@code env}) or a replay, the budget's price check ({@link #requirePrice}), the
     * settings' sandbox, the learning choice and the repository's MCP servers ({@link #mcpServers}).
     *
     * @param replay an absolute recording every run replays, or null
     * @return the session and what the CLI would print before the run (sandbox notice, unknown price)
     * @throws AppException INVALID for a bad model, sandbox, budget without a price, MCP server entry or agent profile;
     *                      UNAVAILABLE when the provider or sandbox cannot be set up
     */
    public static Made forSettings(Path repo, RunSettings settings, Path replay, Map<String, String> env,
                                   Clock clock, EventBus bus) {
        UserConfig config = userConfig(env);
        List<AgentProfile> profiles = profiles(repo);
        requireWorkers(settings, profiles, replay, env);
        ChatModel model = model(settings.model().value(), realPath(repo), replay, null, env, config);
        RunLimits limits = limits(settings);
        requirePrice(settings, limits, model, config);
        List<dev.munero.agent.mcp.McpServerSpec> mcp = mcpServers(repo, env, config);
        return withProfileModels(withMcpServers(session(model, sandboxMode(settings), env, config, clock, bus), mcp),
                profiles, env, config, limits.budgetUsd().isPresent() ? settings.budgetUsd() : null);
    }

    /**
     * The MCP servers a session of a run on {@code repo} starts for its task agents: {@code run.mcpServers} in its
     * {@code munero.yaml}, then the user's ({@link McpSettings#forRun}).
     *
     * @throws AppException INVALID naming the file (and line), server and key of an entry that cannot be used
     */
    public static List<dev.munero.agent.mcp.McpServerSpec> mcpServers(Path repo, Map<String, String> env,
                                                                       UserConfig config) {
        return new McpSettings(repo, env, config).forRun();
    }

    /** {@code made} whose session starts {@code servers}. */
    public static Made withMcpServers(Made made, List<dev.munero.agent.mcp.McpServerSpec> servers) {
        return new Made(made.session().withMcpServers(servers), made.notices());
    }

    private static SandboxMode sandboxMode(RunSettings settings) {
        try {
            return SandboxMode.parse(settings.sandbox().value());
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(settings.sandbox().source() + ": " + e.getMessage());
        }
    }

    /** A new run's settings (with their sources), its request and its session, ready for {@link Runs#start}. */
    public record Planned(RunSettings settings, Runs.Start request, Made made) { }

    /** @throws AppException INVALID when the repository cannot be read */
    public static Path realPath(Path repo) {
        try {
            return repo.toRealPath();
        } catch (IOException e) {
            throw AppException.invalid(repo + ": " + e.getMessage());
        }
    }
}
