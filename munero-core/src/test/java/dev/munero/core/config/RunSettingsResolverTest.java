package dev.munero.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.munero.llm.UserConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.JsonNodeFactory;

class RunSettingsResolverTest {
    private static final Path HOME = Path.of("/home/ada");
    private static final UserConfig NO_USER_CONFIG = userConfig(null);

    @TempDir
    Path repo;

    private final Map<String, String> env = new HashMap<>(Map.of("HOME", HOME.toString()));
    private final Map<String, Object> flags = new HashMap<>();
    private UserConfig userConfig = NO_USER_CONFIG;

    private static UserConfig userConfig(String model) {
        return new UserConfig(HOME.resolve(".config/munero/config.toml"), Optional.ofNullable(model),
                JsonNodeFactory.instance.objectNode());
    }

    private void yaml(String run) throws Exception {
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: a
                    command: [a]
                run:
                """ + run.indent(2));
    }

    private RunSettings resolve() throws SettingsException {
        return RunSettingsResolver.resolve(repo, env, flags, userConfig);
    }

    private String error() {
        SettingsException e = catchThrowableOfType(SettingsException.class, this::resolve);
        assertThat(e).as("resolving should fail").isNotNull();
        return e.getMessage();
    }

    @Test
    void withNothingSetEverySettingIsItsDefault() throws Exception {
        // given no munero.yaml, no variables, no flags, no user config

        // when
        RunSettings s = resolve();

        // then
        assertThat(s.model()).isEqualTo(new Sourced<>("anthropic:claude-sonnet-4-6", "default"));
        assertThat(s.budgetUsd()).isEqualTo(new Sourced<>(OptionalDouble.empty(), "default"));
        assertThat(s.timeout()).isEqualTo(new Sourced<>(Duration.ofHours(1), "default"));
        assertThat(s.maxIterations().value()).isEqualTo(5);
        assertThat(s.agents().value()).isEqualTo(1);
        assertThat(s.maxTurns().value()).isEqualTo(50);
        assertThat(s.maxOutputTokens().value()).isEqualTo(8192);
        assertThat(s.permissionMode().value()).isEqualTo("auto-edit");
        assertThat(s.allow().value()).isEmpty();
        assertThat(s.logLevel().value()).isEqualTo("info");
        assertThat(s.metricsEnabled().value()).isTrue();
        assertThat(s.entries()).extracting(RunSettings.Entry::source).containsOnly("default");
    }

    @Test
    void aMuneroYamlWithoutRunSectionGivesTheDefaults() throws Exception {
        // given
        Files.writeString(repo.resolve("munero.yaml"), "steps: [{name: a, command: [a]}]\n");

        // when
        RunSettings s = resolve();

        // then
        assertThat(s.entries()).extracting(RunSettings.Entry::source).containsOnly("default");
    }

    @Test
    void eachLayerOfTheModelWinsOverTheNext() throws Exception {
        // given every layer set
        yaml("model: ollama:qwen3-coder");
        userConfig = userConfig("anthropic:claude-opus-4-1");
        env.put("MUNERO_MODEL", "openai:gpt-5");
        flags.put("model", "openai:gpt-5-mini");

        // when, then: peeling off one layer at a time
        assertThat(resolve().model()).isEqualTo(new Sourced<>("openai:gpt-5-mini", "--model"));
        flags.clear();
        assertThat(resolve().model()).isEqualTo(new Sourced<>("openai:gpt-5", "env MUNERO_MODEL"));
        env.remove("MUNERO_MODEL");
        assertThat(resolve().model()).isEqualTo(new Sourced<>("ollama:qwen3-coder", "munero.yaml:5"));
        Files.delete(repo.resolve("munero.yaml"));
        assertThat(resolve().model()).isEqualTo(
                new Sourced<>("anthropic:claude-opus-4-1", "user config ~/.config/munero/config.toml"));
        userConfig = NO_USER_CONFIG;
        assertThat(resolve().model()).isEqualTo(new Sourced<>("anthropic:claude-sonnet-4-6", "default"));
    }

    @Test
    void eachLayerOfTheBudgetWinsOverTheNext() throws Exception {
        // given
        yaml("budget_usd: 3");
        env.put("MUNERO_MAX_COST", "2");
        flags.put("budget_usd", "0.50");

        // when, then
        assertThat(resolve().budgetUsd()).isEqualTo(new Sourced<>(OptionalDouble.of(0.5), "--budget-usd"));
        flags.clear();
        assertThat(resolve().budgetUsd()).isEqualTo(new Sourced<>(OptionalDouble.of(2), "env MUNERO_MAX_COST"));
        env.clear();
        assertThat(resolve().budgetUsd()).isEqualTo(new Sourced<>(OptionalDouble.of(3), "munero.yaml:5"));
    }

    @Test
    void everySettingIsReadFromMuneroYamlWithTheLineOfItsKey() throws Exception {
        // given
        yaml("""
                model: openai:gpt-5-mini
                budget_usd: 2.5
                timeout: 30m
                max_iterations: 3
                agents: 4
                max_turns: 20
                max_output_tokens: 4096
                permission_mode: full
                allow:
                  - make
                  - npm run *
                log_level: debug
                metrics_enabled: false
                sandbox: off
                leases: off
                review_rounds: 3
                """);

        // when
        RunSettings s = resolve();

        // then
        assertThat(s.entries()).extracting(RunSettings.Entry::key, RunSettings.Entry::value, RunSettings.Entry::source)
                .containsExactly(
                        tuple("model", "openai:gpt-5-mini", "munero.yaml:5"),
                        tuple("budget_usd", "2.5", "munero.yaml:6"),
                        tuple("timeout", "30m", "munero.yaml:7"),
                        tuple("max_iterations", "3", "munero.yaml:8"),
                        tuple("agents", "4", "munero.yaml:9"),
                        tuple("max_turns", "20", "munero.yaml:10"),
                        tuple("max_output_tokens", "4096", "munero.yaml:11"),
                        tuple("permission_mode", "full", "munero.yaml:12"),
                        tuple("allow", "[make, npm run *]", "munero.yaml:13"),
                        tuple("log_level", "debug", "munero.yaml:16"),
                        tuple("metrics_enabled", "false", "munero.yaml:17"),
                        tuple("sandbox", "off", "munero.yaml:18"),
                        tuple("leases", "off", "munero.yaml:19"),
                        tuple("review_rounds", "3", "munero.yaml:20"),
                        tuple("worker", "agent", "default"),
                        tuple("scheduler.weights.availability", "0.15", "default"),
                        tuple("scheduler.weights.expertise", "0.35", "default"),
                        tuple("scheduler.weights.workload", "0.15", "default"),
                        tuple("scheduler.weights.success", "0.2", "default"),
                        tuple("scheduler.weights.affinity", "0.15", "default"),
                        tuple("workers.inactivity", "10m", "default"),
                        tuple("workers.grace", "10s", "default"));
        assertThat(s.timeout().value()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.allow().value()).containsExactly("make", "npm run *");
    }

    @Test
    void environmentVariablesWinOverMuneroYamlAndABlankOneCountsAsUnset() throws Exception {
        // given
        yaml("""
                timeout: 2h
                log_level: warn
                metrics_enabled: true
                max_turns: 7
                """);
        env.putAll(Map.of("MUNERO_TIMEOUT", "90", "MUNERO_LOG_LEVEL", "DEBUG", "MUNERO_METRICS_ENABLED", "no",
                "MUNERO_MAX_COST", " "));

        // when
        RunSettings s = resolve();

        // then
        assertThat(s.timeout()).isEqualTo(new Sourced<>(Duration.ofSeconds(90), "env MUNERO_TIMEOUT"));
        assertThat(s.logLevel()).isEqualTo(new Sourced<>("debug", "env MUNERO_LOG_LEVEL"));
        assertThat(s.metricsEnabled()).isEqualTo(new Sourced<>(false, "env MUNERO_METRICS_ENABLED"));
        assertThat(s.budgetUsd().source()).isEqualTo("default");
        assertThat(s.maxTurns()).isEqualTo(new Sourced<>(7, "munero.yaml:8"));
    }

    @Test
    void flagsWinOverEveryOtherLayerAndTakeTheirTextAsTyped() throws Exception {
        // given
        yaml("""
                agents: 2
                allow: [make]
                permission_mode: ask
                """);
        env.put("MUNERO_METRICS_ENABLED", "false");
        flags.putAll(Map.of("agents", "16", "allow", List.of("npm test", "cargo *"), "permission_mode", "AUTO_EDIT",
                "metrics_enabled", "1", "max_iterations", 9, "timeout", "500ms"));

        // when
        RunSettings s = resolve();

        // then
        assertThat(s.agents()).isEqualTo(new Sourced<>(16, "--agents"));
        assertThat(s.allow()).isEqualTo(new Sourced<>(List.of("npm test", "cargo *"), "--allow"));
        assertThat(s.permissionMode()).isEqualTo(new Sourced<>("auto-edit", "--permission-mode"));
        assertThat(s.metricsEnabled()).isEqualTo(new Sourced<>(true, "--metrics"));
        assertThat(s.maxIterations()).isEqualTo(new Sourced<>(9, "--max-iterations"));
        assertThat(s.timeout()).isEqualTo(new Sourced<>(Duration.ofMillis(500), "--timeout"));
    }

    @Test
    void aFlagSetToNullOrAnEmptyAllowListIsNotGiven() throws Exception {
        // given
        yaml("allow: [make]");
        flags.put("allow", List.of());
        flags.put("agents", null);

        // when
        RunSettings s = resolve();

        // then
        assertThat(s.allow()).isEqualTo(new Sourced<>(List.of("make"), "munero.yaml:5"));
        assertThat(s.agents().source()).isEqualTo("default");
    }

    @Test
    void aBadValueInALayerThatLosesIsNotRead() throws Exception {
        // given
        env.put("MUNERO_MAX_COST", "abc");
        flags.put("budget_usd", "1");

        // when
        RunSettings s = resolve();

        // then
        assertThat(s.budgetUsd()).isEqualTo(new Sourced<>(OptionalDouble.of(1), "--budget-usd"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            MUNERO_MAX_COST        | abc     | MUNERO_MAX_COST=abc: not a number of USD; write an amount such as 5 or 0.50
            MUNERO_MAX_COST        | -1      | MUNERO_MAX_COST=-1: the budget must be more than 0 USD; leave it out for no budget
            MUNERO_MODEL           | gpt-5   | MUNERO_MODEL=gpt-5: model 'gpt-5' has no provider; write provider:model, e.g. anthropic:gpt-5 or openai:gpt-5
            MUNERO_TIMEOUT         | soon    | MUNERO_TIMEOUT=soon: 'soon' is not a duration; write e.g. 500ms, 30s, 10m, 2h, 7d or 2w
            MUNERO_TIMEOUT         | 0s      | MUNERO_TIMEOUT=0s: the timeout must be longer than 0; write e.g. 30m or 2h
            MUNERO_LOG_LEVEL       | verbose | MUNERO_LOG_LEVEL=verbose: not a log level; write error, warn, info or debug
            MUNERO_METRICS_ENABLED | maybe   | MUNERO_METRICS_ENABLED=maybe: not true or false; write true or false (or 1/0, yes/no)
            """)
    void aBadEnvironmentVariableIsNamedWithItsValue(String name, String value, String message) {
        // given
        env.put(name, value);

        // when, then
        assertThat(error()).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            agents: 20                | munero.yaml:5: run.agents=20: must be between 1 and 16
            agents: 0                 | munero.yaml:5: run.agents=0: must be between 1 and 16
            max_iterations: 0         | munero.yaml:5: run.max_iterations=0: must be at least 1
            max_turns: -3             | munero.yaml:5: run.max_turns=-3: must be at least 1
            max_output_tokens: 0      | munero.yaml:5: run.max_output_tokens=0: must be at least 1
            budget_usd: 0             | munero.yaml:5: run.budget_usd=0: the budget must be more than 0 USD; leave it out for no budget
            permission_mode: yolo     | munero.yaml:5: run.permission_mode=yolo: unknown permission mode 'yolo'; valid modes: ask, auto-edit, full
            timeout: 0                | munero.yaml:5: run.timeout=0: the timeout must be longer than 0; write e.g. 30m or 2h
            allow: [make, ' ']        | munero.yaml:5: run.allow= : an empty command pattern; write one such as 'npm run *', or remove it
            review_rounds: 0          | munero.yaml:5: run.review_rounds=0: must be between 1 and 10
            """)
    void aBadValueInMuneroYamlIsNamedWithItsLine(String run, String message) throws Exception {
        // given
        yaml(run);

        // when, then
        assertThat(error()).isEqualTo(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            budget_usd        | abc   | --budget-usd=abc: not a number of USD; write an amount such as 5 or 0.50
            agents            | many  | --agents=many: not a whole number; write one between 1 and 16
            max_turns         | 1.5   | --max-turns=1.5: not a whole number; write one at least 1
            timeout           | 10x   | --timeout=10x: '10x' is not a duration; write e.g. 500ms, 30s, 10m, 2h, 7d or 2w
            log_level         | trace | --log-level=trace: not a log level; write error, warn, info or debug
            metrics_enabled   | on    | --metrics=on: not true or false; write true or false (or 1/0, yes/no)
            model             | x:y   | --model=x:y: unknown provider 'x'; use one of anthropic, openai, ollama (e.g. anthropic:claude-sonnet-4-6, the default)
            """)
    void aBadFlagIsNamedWithItsValue(String key, String value, String message) {
        // given
        flags.put(key, value);

        // when, then
        assertThat(error()).isEqualTo(message);
    }

    @Test
    void aBadModelInTheUserConfigNamesTheFile() {
        // given
        userConfig = userConfig("sonnet");

        // when, then
        assertThat(error()).isEqualTo("user config ~/.config/munero/config.toml: model=sonnet: model 'sonnet' has no "
                + "provider; write provider:model, e.g. anthropic:sonnet or openai:sonnet");
    }

    @Test
    void theSandboxIsAutoByDefaultTheUserConfigCanSetItAndMuneroYamlWins() throws Exception {
        // issue 10: on by default; the user config's [sandbox] mode, then munero.yaml, then the flag win
        assertThat(resolve().sandbox()).isEqualTo(new Sourced<>("auto", "default"));
        var tree = JsonNodeFactory.instance.objectNode();
        tree.putObject("sandbox").put("mode", "OFF");
        userConfig = new UserConfig(HOME.resolve(".config/munero/config.toml"), Optional.empty(), tree);
        assertThat(resolve().sandbox()).isEqualTo(new Sourced<>("off", "user config ~/.config/munero/config.toml"));
        yaml("sandbox: on");
        assertThat(resolve().sandbox()).isEqualTo(new Sourced<>("on", "munero.yaml:5"));
        flags.put("sandbox", "nope");
        assertThat(error()).isEqualTo("--sandbox=nope: unknown sandbox mode 'nope'; valid modes: auto, on, off");
    }

    @Test
    void fileLeasesAreOnByDefaultAndMuneroYamlTurnsThemOffWithAClearErrorForOtherWords() throws Exception {
        // issue 14: run: leases: on|off
        assertThat(resolve().leases()).isEqualTo(new Sourced<>("on", "default"));
        yaml("leases: off");
        assertThat(resolve().leases()).isEqualTo(new Sourced<>("off", "munero.yaml:5"));
        yaml("leases: false");
        assertThat(resolve().leases()).isEqualTo(new Sourced<>("off", "munero.yaml:5"));
        yaml("leases: sometimes");
        assertThat(error()).isEqualTo("munero.yaml:5: run.leases=sometimes: not on or off; write on (tasks lease the "
                + "files they edit, the default) or off");
    }

    @Test
    void theWorkerIsTheBuiltInAgentByDefaultAndEachLayerCanNameACliWorker() throws Exception { // issue 15
        assertThat(resolve().worker()).isEqualTo(new Sourced<>("agent", "default"));
        yaml("worker: codex");
        assertThat(resolve().worker()).isEqualTo(new Sourced<>("codex", "munero.yaml:5"));
        env.put("MUNERO_WORKER", "gemini");
        assertThat(resolve().worker()).isEqualTo(new Sourced<>("gemini", "env MUNERO_WORKER"));
        flags.put("worker", "claude-code");
        assertThat(resolve().worker()).isEqualTo(new Sourced<>("claude-code", "--worker"));
        flags.put("worker", "claude");
        assertThat(error()).isEqualTo("--worker=claude: 'claude' is not a worker; write one of agent, claude-code, "
                + "codex, gemini");
    }

    @Test
    void anInvalidMuneroYamlIsTheEnginesReportWithLineAndColumn() throws Exception {
        // given
        yaml("agent: 2");

        // when
        String message = error();

        // then
        assertThat(message).startsWith(repo.resolve("munero.yaml") + ":5:3: run.agent: unknown field 'agent'; allowed: "
                + "model, budget_usd,");
    }

    @Test
    void anUnknownFlagKeyOrAWronglyTypedFlagIsAProgrammingError() {
        flags.put("budget", "5");
        assertThatThrownBy(this::resolve).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown run setting 'budget'");

        flags.clear();
        flags.put("allow", "make,npm test");
        assertThatThrownBy(this::resolve).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'allow' must be a list of strings");

        flags.clear();
        flags.put("timeout", Duration.ofMinutes(1));
        assertThatThrownBy(this::resolve).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'timeout' must be the flag's text");

        flags.clear();
        flags.put("review_rounds", "3");
        assertThatThrownBy(this::resolve).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'review_rounds' has no command-line flag");
    }

    @Test
    void entriesGiveTypedJsonValues() throws Exception {
        // given
        flags.putAll(Map.of("budget_usd", "1.25", "allow", List.of("make"), "agents", "3"));

        // when
        List<RunSettings.Entry> entries = resolve().entries();

        // then
        List<String> keys = new java.util.ArrayList<>(RunSettingsResolver.keys());
        dev.munero.core.swarm.ScoringWeights.FACTORS.forEach(k -> keys.add("scheduler.weights." + k));
        keys.addAll(List.of("workers.inactivity", "workers.grace"));
        assertThat(entries).extracting(RunSettings.Entry::key).containsExactlyElementsOf(keys);
        Map<String, String> json = new HashMap<>();
        entries.forEach(e -> json.put(e.key(), e.json().toString()));
        assertThat(json).containsEntry("budget_usd", "1.25").containsEntry("agents", "3")
                .containsEntry("allow", "[\"make\"]").containsEntry("timeout", "\"1h\"")
                .containsEntry("metrics_enabled", "true").containsEntry("model", "\"anthropic:claude-sonnet-4-6\"");
        flags.remove("budget_usd");
        assertThat(resolve().entries().get(1).json().isNull()).isTrue();
        assertThat(resolve().entries().get(1).value()).isEqualTo("none");
    }

    @Test
    void cliWorkersInactivityAndGraceComeFromMuneroYamlWithTheLinesOfTheirKeys() throws Exception { // issue 15
        assertThat(resolve().workerInactivity()).isEqualTo(new Sourced<>(Duration.ofMinutes(10), "default"));
        assertThat(resolve().workerGrace()).isEqualTo(new Sourced<>(Duration.ofSeconds(10), "default"));
        yaml("""
                agents: 2
                workers:
                  inactivity: 3m
                  grace: 30
                """);

        RunSettings s = resolve();

        assertThat(s.workerInactivity()).isEqualTo(new Sourced<>(Duration.ofMinutes(3), "munero.yaml:7"));
        assertThat(s.workerGrace()).isEqualTo(new Sourced<>(Duration.ofSeconds(30), "munero.yaml:8"));
        assertThat(s.entries()).extracting(RunSettings.Entry::key, RunSettings.Entry::value, RunSettings.Entry::source)
                .contains(tuple("workers.inactivity", "3m", "munero.yaml:7"),
                        tuple("workers.grace", "30s", "munero.yaml:8"));
        var limits = dev.munero.core.app.RunSessions.limits(s);
        assertThat(limits.workerInactivity()).isEqualTo(Duration.ofMinutes(3));
        assertThat(limits.workerGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limits.asMap()).containsEntry("worker_inactivity_ms", 180_000L)
                .containsEntry("worker_grace_ms", 30_000L);
        yaml("workers: { inactivity: 500ms }");
        assertThat(resolve().workerInactivity()).isEqualTo(new Sourced<>(Duration.ofMillis(500), "munero.yaml:5"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            'workers:\n  inactivity: 0'   | munero.yaml:6: run.workers.inactivity=0: must be longer than 0; write e.g. 10m (the default)
            'workers:\n  grace: 0s'       | munero.yaml:6: run.workers.grace=0s: must be longer than 0; write e.g. 10s (the default)
            """)
    void aZeroInactivityOrGraceOfCliWorkersIsNamedWithItsLine(String run, String message) throws Exception {
        yaml(run.replace("\\n", "\n"));

        assertThat(error()).isEqualTo(message);
    }

    @Test
    void aCliWorkerDurationThatIsNoDurationIsASchemaErrorWithItsLine() throws Exception { // issue 15
        yaml("""
                workers:
                  inactivity: soon
                """);

        assertThat(error()).contains("munero.yaml:6:").contains("run.workers.inactivity: 'soon' is not a duration");
        yaml("""
                workers:
                  inactivty: 3m
                """);

        assertThat(error()).contains("munero.yaml:6:").contains("'inactivty'");
    }

    @Test
    void schedulerWeightsAreTheDefaultsWithTheOnesMuneroYamlGivesAndItsLine() throws Exception { // issue 14
        assertThat(resolve().schedulerWeights()).isEqualTo(new Sourced<>(
                dev.munero.core.swarm.ScoringWeights.DEFAULTS, "default"));
        yaml("""
                agents: 2
                scheduler:
                  weights: {success: 0.5, affinity: 0}
                """);
        RunSettings s = resolve();
        assertThat(s.schedulerWeights().source()).isEqualTo("munero.yaml:6");
        assertThat(s.schedulerWeights().value().asMap()).containsEntry("success", 0.5).containsEntry("affinity", 0.0)
                .containsEntry("expertise", 0.35);
        assertThat(s.entries().get(s.entries().size() - 4)).isEqualTo(new RunSettings.Entry(
                "scheduler.weights.success", "0.5", "munero.yaml:6", tools.jackson.databind.node.JsonNodeFactory
                .instance.numberNode(0.5)));
        yaml("scheduler:\n  weights: {availability: 0, expertise: 0, workload: 0, success: 0, affinity: 0}");
        assertThat(error()).isEqualTo("munero.yaml:5: run.scheduler.weights: every weight is 0; give at least one "
                + "factor a weight above 0");
        yaml("scheduler:\n  weights: {speed: 1}");
        assertThat(error()).contains("munero.yaml:6").contains("unknown field 'speed'");
        yaml("scheduler:\n  weights: {success: -1}");
        assertThat(error()).contains("munero.yaml:6").contains("success");
    }
}
