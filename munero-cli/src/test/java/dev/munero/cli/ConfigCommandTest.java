package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ConfigCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path repo;

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void aRepositoryWithARunSectionAndNoUserConfig() throws Exception {
        env.put("HOME", home.toString());
        Cli.write(repo, "munero.yaml", """
                steps:
                  - name: a
                    command: [a]
                run:
                  agents: 4
                  budget_usd: 2.5
                  allow: [make, "npm run *"]
                """);
    }

    private Cli.Result config(String... args) {
        List<String> argv = new ArrayList<>(List.of("config"));
        argv.addAll(List.of(args));
        return Cli.run(repo, env, argv.toArray(String[]::new));
    }

    @Test
    void printsEverySettingAlignedWithItsSource() {
        // given
        env.put("MUNERO_TIMEOUT", "30m");

        // when
        Cli.Result r = Cli.run(home, env, "config", "-C", repo.toString());

        // then
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).isEqualTo("""
                Effective configuration of munero run in %s
                  model                           anthropic:claude-sonnet-4-6  (default)
                  budget_usd                      2.5                          (munero.yaml:6)
                  timeout                         30m                          (env MUNERO_TIMEOUT)
                  max_iterations                  5                            (default)
                  agents                          4                            (munero.yaml:5)
                  max_turns                       50                           (default)
                  max_output_tokens               8192                         (default)
                  permission_mode                 auto-edit                    (default)
                  allow                           [make, npm run *]            (munero.yaml:7)
                  log_level                       info                         (default)
                  metrics_enabled                 true                         (default)
                  sandbox                         auto                         (default)
                  leases                          on                           (default)
                  review_rounds                   2                            (default)
                  worker                          agent                        (default)
                  scheduler.weights.availability  0.15                         (default)
                  scheduler.weights.expertise     0.35                         (default)
                  scheduler.weights.workload      0.15                         (default)
                  scheduler.weights.success       0.2                          (default)
                  scheduler.weights.affinity      0.15                         (default)
                  workers.inactivity              10m                          (default)
                  workers.grace                   10s                          (default)
                """.formatted(repo).replace("\n", System.lineSeparator()));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void jsonIsOneObjectOfTypedValuesAndSources() throws Exception {
        // given a model in the user config file
        Path userConfig = home.resolve("munero.toml");
        Files.writeString(userConfig, "model = \"openai:gpt-5-mini\"\n");
        env.put("MUNERO_CONFIG", userConfig.toString());

        // when
        Cli.Result r = config("--json");

        // then
        assertThat(r.exitCode()).as(r.all()).isZero();
        JsonNode doc = JSON.readTree(r.out());
        assertThat(doc.propertyNames()).containsExactly("model", "budget_usd", "timeout", "max_iterations", "agents",
                "max_turns", "max_output_tokens", "permission_mode", "allow", "log_level", "metrics_enabled",
                "sandbox", "leases", "review_rounds", "worker", "scheduler.weights.availability", "scheduler.weights.expertise",
                "scheduler.weights.workload", "scheduler.weights.success", "scheduler.weights.affinity",
                "workers.inactivity", "workers.grace");
        assertThat(doc.at("/model/value").asString()).isEqualTo("openai:gpt-5-mini");
        assertThat(doc.at("/model/source").asString()).isEqualTo("user config ~/munero.toml");
        assertThat(doc.at("/budget_usd/value").isNumber()).isTrue();
        assertThat(doc.at("/budget_usd/value").asDouble()).isEqualTo(2.5);
        assertThat(doc.at("/agents/value").isInt()).isTrue();
        assertThat(doc.at("/agents/source").asString()).isEqualTo("munero.yaml:5");
        assertThat(doc.at("/allow/value").isArray()).isTrue();
        assertThat(doc.at("/allow/value/1").asString()).isEqualTo("npm run *");
        assertThat(doc.at("/timeout/value").asString()).isEqualTo("1h");
        assertThat(doc.at("/metrics_enabled/value").isBoolean()).isTrue();
    }

    @Test
    void noBudgetIsNullInJson() throws Exception {
        // given
        Files.delete(repo.resolve("munero.yaml"));

        // when
        JsonNode doc = JSON.readTree(config("--json").out());

        // then
        assertThat(doc.at("/budget_usd/value").isNull()).isTrue();
        assertThat(doc.at("/budget_usd/source").asString()).isEqualTo("default");
    }

    @Test
    void aBadValueExitsWith2NamingTheValueAndWhereItCameFromWithoutAStackTrace() {
        // given
        env.put("MUNERO_MAX_COST", "abc");

        // when
        Cli.Result r = config();

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("munero: error: MUNERO_MAX_COST=abc: not a number of USD; write an amount such "
                + "as 5 or 0.50" + System.lineSeparator());
    }

    @Test
    void aTypoInTheRunSectionExitsWith2WithFileAndLine() throws Exception {
        // given
        Cli.write(repo, "munero.yaml", """
                steps: [{name: a, command: [a]}]
                run:
                  agent: 4
                """);

        // when
        Cli.Result r = config("--json");

        // then
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("munero: error: " + repo.resolve("munero.yaml") + ":3:3: run.agent: unknown "
                + "field 'agent'; allowed: model, budget_usd,");
        assertThat(r.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void aMissingDirectoryIsAUsageError() {
        Cli.Result r = config("-C", "no-such-dir");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no-such-dir is not a directory");
    }

    @Test
    void helpSaysWhatItPrintsAndThePrecedence() {
        Cli.Result r = config("--help");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("effective configuration of munero run", "Precedence, highest first",
                "MUNERO_MAX_COST", "run: section of", "--json", "-C");
        assertThat(Cli.run(repo, env, "--help").out()).contains("config");
    }
}
