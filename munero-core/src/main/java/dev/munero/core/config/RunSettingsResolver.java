package dev.munero.core.config;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.SandboxMode;
import dev.munero.core.swarm.ScoringWeights;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigValue;
import dev.munero.engine.config.Durations;
import dev.munero.llm.ModelRef;
import dev.munero.llm.UserConfig;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Works out the settings of {@code munero run} from, in order of precedence: command-line flags, environment
 * variables, the {@code run:} section of the repository's munero.yaml, the user config file (only {@code model}, see
 * {@link UserConfig}, and {@code [sandbox] mode}), and the defaults. The first layer that sets a value wins, and that value is checked;
 * a bad value in a layer that would win is an error even when a lower layer holds a good one.
 *
 * <table>
 * <caption>The settings</caption>
 * <tr><th>key (munero.yaml, flags map)</th><th>environment</th><th>flag</th><th>default</th><th>valid</th></tr>
 * <tr><td>model</td><td>MUNERO_MODEL</td><td>--model</td><td>anthropic:claude-sonnet-4-6</td><td>{@link ModelRef#parse}</td></tr>
 * <tr><td>budget_usd</td><td>MUNERO_MAX_COST</td><td>--budget-usd</td><td>none</td><td>&gt; 0</td></tr>
 * <tr><td>timeout</td><td>MUNERO_TIMEOUT</td><td>--timeout</td><td>1h</td><td>{@link Durations#parse}, &gt; 0</td></tr>
 * <tr><td>max_iterations</td><td></td><td>--max-iterations</td><td>5</td><td>&ge; 1</td></tr>
 * <tr><td>agents</td><td></td><td>--agents</td><td>1</td><td>1 to 16</td></tr>
 * <tr><td>max_turns</td><td></td><td>--max-turns</td><td>50</td><td>&ge; 1</td></tr>
 * <tr><td>max_output_tokens</td><td></td><td>--max-output-tokens</td><td>8192</td><td>&ge; 1</td></tr>
 * <tr><td>permission_mode</td><td></td><td>--permission-mode</td><td>auto-edit</td><td>{@link PermissionMode#parse}</td></tr>
 * <tr><td>allow</td><td></td><td>--allow</td><td>[]</td><td>no blank pattern</td></tr>
 * <tr><td>log_level</td><td>MUNERO_LOG_LEVEL</td><td>--log-level</td><td>info</td><td>error, warn, info, debug</td></tr>
 * <tr><td>metrics_enabled</td><td>MUNERO_METRICS_ENABLED</td><td>--metrics</td><td>true</td><td>true/false, 1/0, yes/no</td></tr>
 * <tr><td>sandbox</td><td>MUNERO_SANDBOX</td><td>--sandbox</td><td>auto</td><td>{@link SandboxMode#parse}: auto, on, off</td></tr>
 * <tr><td>leases</td><td></td><td></td><td>on</td><td>on, off (true/false, yes/no, 1/0)</td></tr>
 * <tr><td>review_rounds</td><td></td><td></td><td>2</td><td>1 to 10</td></tr>
 * <tr><td>scheduler.weights</td><td></td><td></td><td>{@link ScoringWeights#DEFAULTS}</td><td>each &ge; 0, not all 0
 * (munero.yaml only; a factor left out keeps its default)</td></tr>
 * <tr><td>worker</td><td>MUNERO_WORKER</td><td>--worker</td><td>agent</td><td>agent, claude-code, codex, gemini</td></tr>
 * <tr><td>workers.inactivity</td><td></td><td></td><td>10m</td><td>{@link Durations#parse}, &gt; 0 (munero.yaml
 * only: {@code run: workers: inactivity:})</td></tr>
 * <tr><td>workers.grace</td><td></td><td></td><td>10s</td><td>{@link Durations#parse}, &gt; 0 (munero.yaml
 * only)</td></tr>
 * </table>
 *
 * <p>An environment variable set to a blank value counts as unset. Values are normalised: the model as
 * {@code provider:model}, the permission mode and the log level in lower case.
 *
 * <p>Stateless and thread-safe.
 */
public final class RunSettingsResolver {
    /** The model when no layer names one. */
    public static final String DEFAULT_MODEL = dev.munero.llm.ModelRef.DEFAULT;
    /** The most task agents a run may have at once. */
    public static final int MAX_AGENTS = 16;

    private static final Set<String> LOG_LEVELS = Set.of("error", "warn", "info", "debug");

    private static final Setting<String> MODEL = new Setting<>("model", "MUNERO_MODEL", "--model", DEFAULT_MODEL,
            text -> ModelRef.parse(text).toString());
    private static final Setting<OptionalDouble> BUDGET = new Setting<>("budget_usd", "MUNERO_MAX_COST", "--budget-usd",
            OptionalDouble.empty(), RunSettingsResolver::usd);
    private static final Setting<Duration> TIMEOUT = new Setting<>("timeout", "MUNERO_TIMEOUT", "--timeout",
            Duration.ofHours(1), RunSettingsResolver::duration);
    private static final Setting<Integer> MAX_ITERATIONS = new Setting<>("max_iterations", null, "--max-iterations",
            5, text -> integer(text, 1, Integer.MAX_VALUE));
    private static final Setting<Integer> AGENTS = new Setting<>("agents", null, "--agents",
            1, text -> integer(text, 1, MAX_AGENTS));
    private static final Setting<Integer> MAX_TURNS = new Setting<>("max_turns", null, "--max-turns",
            50, text -> integer(text, 1, Integer.MAX_VALUE));
    private static final Setting<Integer> MAX_OUTPUT_TOKENS = new Setting<>("max_output_tokens", null,
            "--max-output-tokens", 8192, text -> integer(text, 1, Integer.MAX_VALUE));
    private static final Setting<String> PERMISSION_MODE = new Setting<>("permission_mode", null, "--permission-mode",
            PermissionMode.AUTO_EDIT.cliName(), text -> PermissionMode.parse(text).cliName());
    private static final Setting<List<String>> ALLOW = new Setting<>("allow", null, "--allow", List.of(),
            RunSettingsResolver::pattern);
    private static final Setting<String> LOG_LEVEL = new Setting<>("log_level", "MUNERO_LOG_LEVEL", "--log-level",
            "info", RunSettingsResolver::logLevel);
    private static final Setting<Boolean> METRICS = new Setting<>("metrics_enabled", "MUNERO_METRICS_ENABLED",
            "--metrics", true, RunSettingsResolver::yesNo);

    private static final Setting<String> SANDBOX = new Setting<>("sandbox", "MUNERO_SANDBOX", "--sandbox",
            SandboxMode.AUTO.cliName(), text -> SandboxMode.parse(text).cliName());
    /** The most reviews a run may give one task. */
    public static final int MAX_REVIEW_ROUNDS = 10;
    private static final Setting<Integer> REVIEW_ROUNDS = new Setting<>("review_rounds", null, null,
            dev.munero.core.RunLimits.DEFAULT_REVIEW_ROUNDS, text -> integer(text, 1, MAX_REVIEW_ROUNDS));

    /** File leases (issue 14); munero.yaml only, or the flags map of a front end that offers it. */
    private static final Setting<String> LEASES = new Setting<>("leases", null, "flag leases", "on",
            RunSettingsResolver::onOff);

    /** Who executes tasks (issue 15). */
    private static final Setting<String> WORKER = new Setting<>("worker", "MUNERO_WORKER", "--worker",
            dev.munero.agent.worker.Workers.AGENT, RunSettingsResolver::worker);

    /** Every setting, in the order of {@link RunSettings}. */
    private static final List<Setting<?>> SETTINGS = List.of(MODEL, BUDGET, TIMEOUT, MAX_ITERATIONS, AGENTS, MAX_TURNS,
            MAX_OUTPUT_TOKENS, PERMISSION_MODE, ALLOW, LOG_LEVEL, METRICS, SANDBOX, LEASES,
            REVIEW_ROUNDS, WORKER);

    /**
     * One setting: its names in each layer, its default, and how its text becomes a value.
     *
     * @param envVar null when no environment variable sets it
     * @param flag   null when no command-line flag sets it
     * @param parse  text to value; throws {@link IllegalArgumentException} saying what is wrong and what to do.
     *               For {@code allow}, one pattern to a one-element list.
     */
    private record Setting<T>(String key, String envVar, String flag, T fallback, Function<String, T> parse) {
    }

    /** The text of a setting found in one layer; {@code subject} starts an error message about it. */
    private record Found(List<String> texts, String source, String subject) {
    }

    private final Map<String, String> env;
    private final Map<String, ?> flags;
    private final Map<String, ConfigValue> yaml;
    private final Map<String, ConfigValue> workers;
    private final UserConfig userConfig;

    private RunSettingsResolver(Map<String, String> env, Map<String, ?> flags, Map<String, ConfigValue> yaml,
                                Map<String, ConfigValue> workers, UserConfig userConfig) {
        this.env = env;
        this.flags = flags;
        this.yaml = yaml;
        this.workers = workers;
        this.userConfig = userConfig;
    }

    /** The keys of munero.yaml's {@code run:} section and of the flags map, in the order of {@link RunSettings}. */
    public static List<String> keys() {
        return SETTINGS.stream().map(Setting::key).toList();
    }

    /**
     * Resolves every setting (see the class doc for the layers, names, defaults and valid values).
     *
     * @param repo       the repository root; its munero.yaml may be absent
     * @param env        the environment ({@code MUNERO_*}; {@code HOME} to shorten the user config's path)
     * @param flags      what the command line set, by munero.yaml key (e.g. {@code budget_usd}; not
     *                   {@code review_rounds}, which has no flag); a null value or an
     *                   empty list means not given. Each value is the flag's text as typed ({@code "0.50"},
     *                   {@code "30m"}; a {@code Number} or {@code Boolean} is taken as its {@code toString()}),
     *                   except {@code allow}: the list of patterns of the repeated {@code --allow} flag
     * @param userConfig the user's config file; only its {@code model} is used
     * @return the settings with their sources
     * @throws SettingsException        when the value that would win is invalid (naming it, where it came from and
     *                                  what to write instead), or munero.yaml is invalid (the engine's problems)
     * @throws IllegalArgumentException when {@code flags} holds an unknown key or a value of the wrong type: a bug
     *                                  in the caller, not the user's mistake
     */
    public static RunSettings resolve(Path repo, Map<String, String> env, Map<String, ?> flags, UserConfig userConfig)
            throws SettingsException {
        List<String> keys = keys();
        for (String key : flags.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("unknown run setting '" + key + "' in flags; known: "
                        + String.join(", ", keys));
            }
            if (SETTINGS.stream().anyMatch(s -> s.key().equals(key) && s.flag() == null)) {
                throw new IllegalArgumentException("flags: '" + key + "' has no command-line flag; it is set in "
                        + "munero.yaml only");
            }
        }
        RunSettingsResolver r = new RunSettingsResolver(env, flags, runSection(repo), runSection(repo, "workers"),
                userConfig);
        return new RunSettings(r.single(MODEL), r.single(BUDGET), r.single(TIMEOUT), r.single(MAX_ITERATIONS),
                r.single(AGENTS), r.single(MAX_TURNS), r.single(MAX_OUTPUT_TOKENS), r.single(PERMISSION_MODE),
                r.list(ALLOW), r.single(LOG_LEVEL), r.single(METRICS), r.single(SANDBOX), r.single(LEASES),
                r.single(REVIEW_ROUNDS), r.weights(), r.single(WORKER),
                r.workerTime("inactivity", dev.munero.core.RunLimits.DEFAULT_WORKER_INACTIVITY),
                r.workerTime("grace", dev.munero.core.RunLimits.DEFAULT_WORKER_GRACE));
    }

    /**
     * Only the scheduler's weights ({@code run: scheduler: weights:} of {@code repo}'s munero.yaml over
     * {@link ScoringWeights#DEFAULTS}): what a session of {@code munero run} scores agent profiles with.
     *
     * @throws SettingsException as {@link #resolve} for munero.yaml and the weights
     */
    public static Sourced<ScoringWeights> schedulerWeights(Path repo) throws SettingsException {
        return new RunSettingsResolver(Map.of(), Map.of(), runSection(repo), Map.of(), null).weights();
    }

    /** The {@code run:} section of munero.yaml, or the mapping at {@code path} in it. */
    private static Map<String, ConfigValue> runSection(Path repo, String... path) throws SettingsException {
        Path file = repo.resolve(ConfigLoader.FILE_NAME);
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            return ConfigLoader.section(file, "run", path);
        } catch (ConfigException e) {
            throw new SettingsException(e.getMessage(), e);
        }
    }

    /** {@code scheduler: weights:} of munero.yaml over the defaults; the schema checked the keys and types. */
    private Sourced<ScoringWeights> weights() throws SettingsException {
        ConfigValue scheduler = yaml.get("scheduler");
        JsonNode given = scheduler == null ? null : scheduler.value().get("weights");
        if (given == null) {
            return new Sourced<>(ScoringWeights.DEFAULTS, "default");
        }
        String where = ConfigLoader.FILE_NAME + ":" + scheduler.location().line();
        Map<String, Double> values = new java.util.LinkedHashMap<>();
        given.properties().forEach(e -> values.put(e.getKey(), e.getValue().asDouble()));
        try {
            return new Sourced<>(ScoringWeights.DEFAULTS.with(values), where);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(where + ": run.scheduler.weights: " + e.getMessage(), e);
        }
    }

    /**
     * {@code run: workers: <key>:} of munero.yaml (issue 15), with the line of its key, else {@code fallback}; the
     * schema admitted only whole seconds and {@code 500ms}-style texts.
     */
    private Sourced<Duration> workerTime(String key, Duration fallback) throws SettingsException {
        ConfigValue given = workers.get(key);
        if (given == null) {
            return new Sourced<>(fallback, "default");
        }
        String where = ConfigLoader.FILE_NAME + ":" + given.location().line();
        String text = given.value().asString();
        try {
            Duration d = Durations.parse(text);
            if (d.isZero()) {
                throw new IllegalArgumentException("must be longer than 0; write e.g. " + Durations.format(fallback)
                        + " (the default)");
            }
            return new Sourced<>(d, where);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(where + ": run.workers." + key + "=" + text + ": " + e.getMessage(), e);
        }
    }

    private <T> Sourced<T> single(Setting<T> s) throws SettingsException {
        Optional<Found> found = find(s);
        if (found.isEmpty()) {
            return new Sourced<>(s.fallback(), "default");
        }
        return new Sourced<>(parse(s, found.get(), found.get().texts().getFirst()), found.get().source());
    }

    private Sourced<List<String>> list(Setting<List<String>> s) throws SettingsException {
        Optional<Found> found = find(s);
        if (found.isEmpty()) {
            return new Sourced<>(s.fallback(), "default");
        }
        List<String> values = new ArrayList<>();
        for (String text : found.get().texts()) {
            values.addAll(parse(s, found.get(), text));
        }
        return new Sourced<>(values, found.get().source());
    }

    private static <T> T parse(Setting<T> s, Found found, String text) throws SettingsException {
        try {
            return s.parse().apply(text);
        } catch (IllegalArgumentException e) {
            throw new SettingsException(found.subject() + "=" + text + ": " + e.getMessage(), e);
        }
    }

    /** The highest layer that sets {@code s}: flag, environment, munero.yaml, user config (model only). */
    private Optional<Found> find(Setting<?> s) {
        Object flag = s.flag() == null ? null : flags.get(s.key());
        List<String> fromFlag = flag == null ? List.of() : flagTexts(s, flag);
        if (!fromFlag.isEmpty()) {
            return Optional.of(new Found(fromFlag, s.flag(), s.flag()));
        }
        String fromEnv = s.envVar() == null ? null : env.get(s.envVar());
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(new Found(List.of(fromEnv), "env " + s.envVar(), s.envVar()));
        }
        ConfigValue inYaml = yaml.get(s.key());
        if (inYaml != null) {
            String where = ConfigLoader.FILE_NAME + ":" + inYaml.location().line();
            return Optional.of(new Found(yamlTexts(inYaml.value()), where, where + ": run." + s.key()));
        }
        if (s == MODEL && userConfig.model().isPresent()) {
            String where = "user config " + shortPath(userConfig.file());
            return Optional.of(new Found(List.of(userConfig.model().get()), where, where + ": model"));
        }
        JsonNode sandboxTable = s == SANDBOX ? userConfig.tree().get("sandbox") : null;
        if (sandboxTable != null && sandboxTable.has("mode")) {
            String where = "user config " + shortPath(userConfig.file());
            return Optional.of(new Found(List.of(sandboxTable.get("mode").asString()), where, where + ": [sandbox] mode"));
        }
        return Optional.empty();
    }

    private static List<String> flagTexts(Setting<?> s, Object value) {
        if (s == ALLOW) {
            if (!(value instanceof Collection<?> patterns) || !patterns.stream().allMatch(String.class::isInstance)) {
                throw new IllegalArgumentException("flags: 'allow' must be a list of strings (the --allow patterns), not "
                        + value.getClass().getName());
            }
            return patterns.stream().map(String.class::cast).toList();
        }
        if (!(value instanceof CharSequence || value instanceof Number || value instanceof Boolean)) {
            throw new IllegalArgumentException("flags: '" + s.key() + "' must be the flag's text, not "
                    + value.getClass().getName());
        }
        return List.of(value.toString());
    }

    /** A value the schema admitted, as text: a scalar as written, an array (allow) item by item. */
    private static List<String> yamlTexts(JsonNode value) {
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asString()));
            return items;
        }
        return List.of(value.asString());
    }

    /** {@code ~/.config/munero/config.toml} when the file is under {@code $HOME}. */
    private String shortPath(Path file) {
        String home = env.get("HOME");
        if (home != null && !home.isBlank() && file.startsWith(Path.of(home))) {
            return Path.of("~").resolve(Path.of(home).relativize(file)).toString();
        }
        return file.toString();
    }

    // ---- text to value; each IllegalArgumentException says what is wrong and what to do ----

    private static OptionalDouble usd(String text) {
        BigDecimal amount;
        try {
            amount = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number of USD; write an amount such as 5 or 0.50");
        }
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("the budget must be more than 0 USD; leave it out for no budget");
        }
        return OptionalDouble.of(amount.doubleValue());
    }

    private static Duration duration(String text) {
        Duration d = Durations.parse(text);
        if (d.isZero()) {
            throw new IllegalArgumentException("the timeout must be longer than 0; write e.g. 30m or 2h");
        }
        return d;
    }

    private static int integer(String text, int min, int max) {
        String range = max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number; write one " + range);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be " + range);
        }
        return n;
    }

    private static List<String> pattern(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("an empty command pattern; write one such as 'npm run *', or remove it");
        }
        return List.of(text);
    }

    private static String logLevel(String text) {
        String level = text.trim().toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new IllegalArgumentException("not a log level; write error, warn, info or debug");
        }
        return level;
    }

    /** {@code on} or {@code off}; YAML's {@code true}/{@code false} (and yes/no, 1/0) too. */
    private static String worker(String text) {
        String name = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (!dev.munero.agent.worker.Workers.NAMES.contains(name)) {
            throw new IllegalArgumentException("'" + text + "' is not a worker; write one of "
                    + String.join(", ", dev.munero.agent.worker.Workers.NAMES));
        }
        return name;
    }

    private static String onOff(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes", "1" -> "on";
            case "off", "false", "no", "0" -> "off";
            default -> throw new IllegalArgumentException("not on or off; write on (tasks lease the files they edit, "
                    + "the default) or off");
        };
    }

    private static Boolean yesNo(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException("not true or false; write true or false (or 1/0, yes/no)");
        };
    }
}
