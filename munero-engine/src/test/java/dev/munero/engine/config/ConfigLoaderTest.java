package dev.munero.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.munero.engine.graph.BuildGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {

    /** The munero.yaml example of README.md, verbatim. */
    static final String README_EXAMPLE = """
            settings:              # optional; command-line flags win
              jobs: 4
              keepGoing: false
              cacheDir: .munero/cache
            steps:
              - name: compile
                command: [javac, -d, out, src/Main.java]   # argv, started without a shell
                inputs: [src/**/*.java]                    # globs; default: every file under cwd
                outputs: [out/**]                          # stored in and restored from the cache
              - name: test
                command: "java -cp out Main"               # a string needs shell: true (sh -c / cmd /c)
                shell: true
                dependsOn: [compile]
                cwd: .                                     # relative to the repository root
                env: { LANG: C }                           # set for the process, part of the cache key
                passEnv: [CI]                              # taken from your environment, part of the cache key
                retries: 2                                 # extra attempts, exponential backoff with jitter
                retryBackoff: 1s                           # first wait (default 1s), doubling, at most 1m
                timeout: 10m                               # per attempt; the whole process tree is killed
                parallel: true                             # false: runs alone
                cache: true                                # false: always runs, never stored
                skipIf:                                    # skipped when any holds
                  - profile: production
                  - os: windows                            # linux, macos, windows
                  - env: SKIP_TESTS                        # set and not empty; or NAME=value
                  - exists: .no-tests                      # relative to cwd
                  - missing: src/test
            verify:                                        # must exist after a production build
              - out/Main.class
            profiles:                                      # development (default), production, test, or your own
              production:
                settings: { jobs: 2 }
                steps:
                  compile: { env: { OPTIMIZE: "1" } }      # replaces the named fields; env is merged
            """;

    @TempDir
    Path root;

    private Path file() {
        return root.resolve(ConfigLoader.FILE_NAME);
    }

    private Project load(String yaml) throws Exception {
        return load(yaml, ConfigLoader.DEFAULT_PROFILE);
    }

    private Project load(String yaml, String profile) throws Exception {
        Files.writeString(file(), yaml);
        return ConfigLoader.load(root, file(), profile);
    }

    private List<ConfigProblem> problems(String yaml) throws IOException {
        return problems(yaml, ConfigLoader.DEFAULT_PROFILE);
    }

    private List<ConfigProblem> problems(String yaml, String profile) throws IOException {
        Files.writeString(file(), yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(root, file(), profile));
        assertThat(e).as("loading should fail:\n%s", yaml).isNotNull();
        return e.problems();
    }

    private ConfigProblem onlyProblem(String yaml) throws IOException {
        List<ConfigProblem> problems = problems(yaml);
        assertThat(problems).as("problems of:\n%s", yaml).hasSize(1);
        return problems.get(0);
    }

    private SourceLocation at(int line, int column) {
        return new SourceLocation(file(), line, column);
    }

    private static StepSpec step(Project p, String name) {
        return p.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    // ---- the documented example ----

    @Test
    void loadsTheReadmeExampleWithArgvAndShellStepsInDeclarationOrder() throws Exception {
        // given the README's munero.yaml

        // when
        Project p = load(README_EXAMPLE);

        // then
        assertThat(p.root()).isEqualTo(root);
        assertThat(p.profile()).isEqualTo("development");
        assertThat(p.steps()).extracting(StepSpec::name).containsExactly("compile", "test");
        StepSpec compile = step(p, "compile");
        assertThat(compile.command()).isEqualTo(new Command.Argv(List.of("javac", "-d", "out", "src/Main.java")));
        assertThat(compile.inputs()).containsExactly("src/**/*.java");
        assertThat(compile.outputs()).containsExactly("out/**");
        assertThat(compile.dependsOn()).isEmpty();
        assertThat(compile.env()).isEmpty();
        assertThat(compile.location()).contains(at(6, 5));

        StepSpec test = step(p, "test");
        assertThat(test.command()).isEqualTo(new Command.Shell("java -cp out Main"));
        assertThat(test.dependsOn()).containsExactly("compile");
        assertThat(test.cwd()).isEqualTo(".");
        assertThat(test.env()).containsExactly(Map.entry("LANG", "C"));
        assertThat(test.passEnv()).containsExactly("CI");
        assertThat(test.retry()).isEqualTo(new RetryPolicy(2, Duration.ofSeconds(1)));
        assertThat(test.timeout()).contains(Duration.ofMinutes(10));
        assertThat(test.parallel()).isTrue();
        assertThat(test.cache()).isTrue();
        assertThat(test.skipIf()).containsExactly(
                new SkipCondition.Profile("production"),
                new SkipCondition.Os("windows"),
                new SkipCondition.Env("SKIP_TESTS", null),
                new SkipCondition.FileExists(".no-tests"),
                new SkipCondition.FileMissing("src/test"));
        assertThat(test.location()).contains(at(10, 5));

        assertThat(p.settings()).isEqualTo(new BuildSettings(Optional.of(4), Optional.of(false), Optional.of(".munero/cache")));
        assertThat(p.verify()).as("verify applies to production only").isEmpty();
    }

    @Test
    void productionProfileOfTheReadmeExampleMergesEnvIntoCompileAndSetsJobs() throws Exception {
        // given the README's munero.yaml

        // when
        Project p = load(README_EXAMPLE, "production");

        // then
        StepSpec compile = step(p, "compile");
        assertThat(compile.env()).containsExactly(Map.entry("OPTIMIZE", "1"));
        assertThat(compile.command()).as("fields the profile does not name are kept")
                .isEqualTo(new Command.Argv(List.of("javac", "-d", "out", "src/Main.java")));
        assertThat(compile.outputs()).containsExactly("out/**");
        assertThat(step(p, "test").env()).containsExactly(Map.entry("LANG", "C"));
        assertThat(p.settings()).isEqualTo(new BuildSettings(Optional.of(2), Optional.of(false), Optional.of(".munero/cache")));
        assertThat(p.verify()).containsExactly("out/Main.class");
        assertThat(p.profile()).isEqualTo("production");
    }

    @Test
    void theReadmeExampleFormsAGraphWithCompileFirst() throws Exception {
        // given
        Project p = load(README_EXAMPLE);

        // when
        BuildGraph graph = BuildGraph.of(p.steps(), file());

        // then
        assertThat(graph.steps()).extracting(StepSpec::name).containsExactly("compile", "test");
    }

    @Test
    void theBundledPolyglotExampleLoadsInEveryBuiltInProfile() throws Exception {
        // given the example shipped in the repository (surefire runs in the module directory)
        Path example = Path.of("..", "examples", "polyglot").toAbsolutePath().normalize();
        Path yaml = example.resolve(ConfigLoader.FILE_NAME);

        for (String profile : ConfigLoader.BUILT_IN_PROFILES) {
            // when
            Project p = ConfigLoader.load(example, yaml, profile);

            // then
            assertThat(p.steps()).as(profile).isNotEmpty();
            assertThat(BuildGraph.of(p.steps(), yaml).size()).as(profile).isEqualTo(p.steps().size());
        }
    }

    // ---- every field ----

    @Test
    void readsEveryFieldOfAStep() throws Exception {
        // given
        Files.createDirectories(root.resolve("web"));
        String yaml = """
                steps:
                  - name: web:build
                    command: [npm, run, build]
                    cwd: web
                    env: { NODE_ENV: production, PORT: 8080, DEBUG: false }
                    passEnv: [HOME, CI]
                    dependsOn: [gen]
                    inputs: [src/**, "!src/**/*.test.js", /shared/config.json]
                    outputs: [dist/**]
                    skipIf:
                      - profile: test
                      - os: macos
                      - env: CI=true
                      - env: NO_WEB=
                      - exists: .skip
                      - missing: package.json
                    retries: 3
                    retryBackoff: 500ms
                    timeout: 2h
                    parallel: false
                    cache: false
                  - name: gen
                    command: [./gen.sh]
                """;

        // when
        Project p = load(yaml);

        // then
        StepSpec web = step(p, "web:build");
        assertThat(web.command()).isEqualTo(new Command.Argv(List.of("npm", "run", "build")));
        assertThat(web.cwd()).isEqualTo("web");
        assertThat(web.env()).containsExactly(
                Map.entry("DEBUG", "false"), Map.entry("NODE_ENV", "production"), Map.entry("PORT", "8080"));
        assertThat(web.passEnv()).containsExactly("HOME", "CI");
        assertThat(web.dependsOn()).containsExactly("gen");
        assertThat(web.inputs()).containsExactly("src/**", "!src/**/*.test.js", "/shared/config.json");
        assertThat(web.outputs()).containsExactly("dist/**");
        assertThat(web.skipIf()).containsExactly(
                new SkipCondition.Profile("test"),
                new SkipCondition.Os("macos"),
                new SkipCondition.Env("CI", "true"),
                new SkipCondition.Env("NO_WEB", ""),
                new SkipCondition.FileExists(".skip"),
                new SkipCondition.FileMissing("package.json"));
        assertThat(web.retry()).isEqualTo(new RetryPolicy(3, Duration.ofMillis(500)));
        assertThat(web.timeout()).contains(Duration.ofHours(2));
        assertThat(web.parallel()).isFalse();
        assertThat(web.cache()).isFalse();
    }

    @Test
    void aStepWithOnlyNameAndCommandGetsTheDefaults() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: only
                    command: [make]
                """;

        // when
        StepSpec only = load(yaml).steps().get(0);

        // then
        assertThat(only).isEqualTo(StepSpec.builder("only", new Command.Argv(List.of("make")))
                .location(at(2, 5)).build());
        assertThat(only.cwd()).isEqualTo(".");
        assertThat(only.inputs()).containsExactly("**");
        assertThat(only.retry()).isEqualTo(RetryPolicy.NONE);
        assertThat(only.timeout()).isEmpty();
        assertThat(only.parallel()).isTrue();
        assertThat(only.cache()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1} ms")
    @CsvSource({
            "500ms, 500",
            "30s, 30000",
            "10m, 600000",
            "2h, 7200000",
            "45, 45000",
            "0ms, 0"})
    void readsDurationsWithAUnitOrAsWholeSeconds(String written, long millis) throws Exception {
        // given a retry backoff (which may be zero) in each form
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    retries: 1
                    retryBackoff: %s
                """.formatted(written);

        // when
        StepSpec a = load(yaml).steps().get(0);

        // then
        assertThat(a.retry().initialBackoff()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "timeout: {0}")
    @CsvSource({"500ms, 500", "30s, 30000", "10m, 600000", "2h, 7200000", "90, 90000"})
    void readsTimeoutsWithAUnitOrAsWholeSeconds(String written, long millis) throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    timeout: %s
                """.formatted(written);

        // when
        StepSpec a = load(yaml).steps().get(0);

        // then
        assertThat(a.timeout()).contains(Duration.ofMillis(millis));
    }

    @Test
    void envValuesAreKeptExactlyAsWritten() throws Exception {
        // given values YAML would read as numbers or booleans
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    env:
                      UMASK: 0022
                      SCALE: 1e3
                      VERSION: 1.10
                      VERBOSE: True
                      QUOTED: "007"
                      HEX: 0x1F
                """;

        // when
        StepSpec a = load(yaml).steps().get(0);

        // then
        assertThat(a.env()).containsExactly(
                Map.entry("HEX", "0x1F"),
                Map.entry("QUOTED", "007"),
                Map.entry("SCALE", "1e3"),
                Map.entry("UMASK", "0022"),
                Map.entry("VERBOSE", "True"),
                Map.entry("VERSION", "1.10"));
    }

    @Test
    void aListCommandWithShellTrueRunsAsOneScript() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [echo, hi, "&&", echo, there]
                    shell: true
                """;

        // when
        StepSpec a = load(yaml).steps().get(0);

        // then
        assertThat(a.command()).isEqualTo(new Command.Shell("echo hi && echo there"));
    }

    // ---- profiles ----

    @Test
    void aProfileMergesEnvWithProfileValuesWinningAndReplacesOtherNamedFields() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: compile
                    command: [javac, Main.java]
                    env: { LANG: C, MODE: dev }
                    timeout: 1m
                    outputs: [out/**]
                profiles:
                  ci:
                    settings: { keepGoing: true }
                    verify: [out/Main.class]
                    steps:
                      compile:
                        env: { MODE: ci, EXTRA: "1" }
                        timeout: 5m
                        command: "javac -Werror Main.java"
                        shell: true
                """;

        // when
        Project ci = load(yaml, "ci");
        Project dev = load(yaml, "development");

        // then
        StepSpec compile = step(ci, "compile");
        assertThat(compile.env()).containsExactly(
                Map.entry("EXTRA", "1"), Map.entry("LANG", "C"), Map.entry("MODE", "ci"));
        assertThat(compile.timeout()).contains(Duration.ofMinutes(5));
        assertThat(compile.command()).isEqualTo(new Command.Shell("javac -Werror Main.java"));
        assertThat(compile.outputs()).containsExactly("out/**");
        assertThat(ci.settings().keepGoing()).contains(true);
        assertThat(ci.verify()).containsExactly("out/Main.class");

        assertThat(step(dev, "compile").env()).containsExactly(Map.entry("LANG", "C"), Map.entry("MODE", "dev"));
        assertThat(dev.verify()).isEmpty();
    }

    @Test
    void topLevelVerifyAppliesOnlyToProduction() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                verify: [out/a]
                """;

        // when / then
        assertThat(load(yaml, "production").verify()).containsExactly("out/a");
        assertThat(load(yaml, "test").verify()).isEmpty();
        assertThat(load(yaml, "development").verify()).isEmpty();
    }

    @Test
    void unknownProfileListsTheKnownOnes() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                profiles:
                  ci: {}
                  nightly: {}
                """;

        // when
        List<ConfigProblem> problems = problems(yaml, "prod");

        // then
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).message()).isEqualTo("unknown profile 'prod' (from -p/--profile); known profiles: "
                + "ci, development, nightly, production, test (munero.yaml declares its own at " + at(4, 1) + ")");
        assertThat(problems.get(0).location()).as("the name came from the command line, not from a line")
                .isEqualTo(at(0, 0));
    }

    @Test
    void anUnknownProfileInAFileWithoutProfilesIsNotBlamedOnALineOfIt() throws Exception {
        // issue 9.9: '-p nosuchprofile' was blamed on munero.yaml:55:3
        String yaml = """
                # comment
                steps:
                  - name: a
                    command: [a]
                """;

        List<ConfigProblem> problems = problems(yaml, "nosuchprofile");

        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).toString()).isEqualTo(file() + ": unknown profile 'nosuchprofile' (from -p/--profile); "
                + "known profiles: development, production, test");
    }

    @Test
    void anEmptyStepListIsAnErrorNotASilentSuccess() throws Exception {
        // issue 9.9: 'steps: []' passed silently
        ConfigProblem p = onlyProblem("steps: []\n");

        assertThat(p.location()).isEqualTo(at(1, 8));
        assertThat(p.field()).isEqualTo("steps");
        assertThat(p.message()).startsWith("declares no steps, so there is nothing to build");
    }

    @Test
    void aBinaryFileSaysItIsNotUtf8Text() throws Exception {
        // issue 9.9: a binary munero.yaml said "Input length = 1"
        Files.write(file(), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, (byte) 0xfe});

        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(root, file(), ConfigLoader.DEFAULT_PROFILE));

        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).message()).startsWith("not UTF-8 text (is it a binary file?)")
                .doesNotContain("Input length");
    }

    @Test
    void aProfileOverridingAnUnknownStepNamesItAndTheDeclaredSteps() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: compile
                    command: [javac]
                  - name: test
                    command: [java]
                profiles:
                  production:
                    steps:
                      compil: { timeout: 1m }
                """;

        // when
        List<ConfigProblem> problems = problems(yaml, "production");

        // then
        assertThat(problems).hasSize(1);
        ConfigProblem p = problems.get(0);
        assertThat(p.location()).isEqualTo(at(9, 7));
        assertThat(p.field()).isEqualTo("profiles.production.steps.compil");
        assertThat(p.message()).isEqualTo("profile 'production' overrides unknown step 'compil'; steps: compile, test");
    }

    @Test
    void anOverrideOfAStepInAnInactiveProfileIsNotChecked() throws Exception {
        // given a mistake in the production profile
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                profiles:
                  production:
                    steps:
                      b: { timeout: 1m }
                """;

        // when / then: a development build is not blocked by it
        assertThat(load(yaml).steps()).hasSize(1);
    }

    // ---- errors: schema ----

    @Test
    void anUnknownFieldPointsAtItsKeyAndListsTheAllowedFields() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    dependOn: [b]
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(4, 5));
        assertThat(p.field()).isEqualTo("steps[0].dependOn");
        assertThat(p.message()).startsWith("unknown field 'dependOn'; allowed: name, command, shell, cwd, env, passEnv, dependsOn,");
        assertThat(p.toString()).startsWith(file() + ":4:5: steps[0].dependOn: unknown field 'dependOn'");
    }

    @Test
    void anUnknownTopLevelFieldIsReportedWithTheMissingSteps() throws Exception {
        // given
        String yaml = """
                stepz:
                  - name: a
                    command: [a]
                """;

        // when
        List<ConfigProblem> problems = problems(yaml);

        // then
        assertThat(problems).extracting(ConfigProblem::message).containsExactly(
                "unknown field 'stepz'; allowed: settings, steps, verify, run, agents, memory, cache, profiles; see munero.yaml in README.md",
                "missing required field 'steps'");
        assertThat(problems).extracting(ConfigProblem::location).containsOnly(at(1, 1));
    }

    @Test
    void aRunSectionLoadsIsIgnoredByTheBuildAndIsReadWithTheLineOfEachKey() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                run:
                  model: openai:gpt-5-mini
                  budget_usd: 2.5
                  timeout: 30m
                  allow: [make, "npm run *"]
                  metrics_enabled: false
                """;

        // when
        Project p = load(yaml);
        Map<String, ConfigValue> run = ConfigLoader.section(file(), "run");

        // then
        assertThat(p.steps()).extracting(StepSpec::name).containsExactly("a");
        assertThat(run.keySet()).containsExactly("model", "budget_usd", "timeout", "allow", "metrics_enabled");
        assertThat(run.get("model").location()).isEqualTo(at(5, 3));
        assertThat(run.get("budget_usd").value().asDouble()).isEqualTo(2.5);
        assertThat(run.get("allow").value().get(1).asString()).isEqualTo("npm run *");
        assertThat(run.get("metrics_enabled").location()).isEqualTo(at(9, 3));
        assertThat(run.get("metrics_enabled").value().isBoolean()).isTrue();
        assertThat(ConfigLoader.section(file(), "profiles")).isEmpty();
    }

    @Test
    void aMappingNestedInTheRunSectionIsReadWithTheLineOfEachOfItsKeys() throws Exception { // issue 15
        load("""
                steps:
                  - name: a
                    command: [a]
                run:
                  workers:
                    inactivity: 3m
                    grace: 20
                """);

        Map<String, ConfigValue> workers = ConfigLoader.section(file(), "run", "workers");

        assertThat(workers.keySet()).containsExactly("inactivity", "grace");
        assertThat(workers.get("inactivity").location()).isEqualTo(at(6, 5));
        assertThat(workers.get("grace").value().asInt()).isEqualTo(20);
        assertThat(ConfigLoader.section(file(), "run", "scheduler")).isEmpty();
    }

    @Test
    void aTypoInTheRunSectionIsReportedWithItsLineAndTheAllowedKeys() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                run:
                  agents: 2
                  budget: 5
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);
        ConfigException fromSection = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.section(file(), "run"));

        // then
        assertThat(p.location()).isEqualTo(at(6, 3));
        assertThat(p.field()).isEqualTo("run.budget");
        assertThat(p.message()).isEqualTo("unknown field 'budget'; allowed: model, budget_usd, timeout, max_iterations, "
                + "agents, max_turns, max_output_tokens, permission_mode, allow, log_level, metrics_enabled, sandbox, "
                + "leases, review_rounds, worker, workers, scheduler, mcpServers; see munero.yaml in README.md");
        assertThat(fromSection.problems()).containsExactly(p);
    }

    @Test
    void aProfileStepOverrideCannotRenameTheStep() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                profiles:
                  production:
                    steps:
                      a:
                        name: b
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(8, 9));
        assertThat(p.field()).isEqualTo("profiles.production.steps.a.name");
        assertThat(p.message()).startsWith("unknown field 'name'; allowed: command, shell,");
    }

    @Test
    void aStringWhereANumberBelongsIsATypeErrorAtTheValue() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    retries: "x"
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.toString()).isEqualTo(file() + ":4:14: steps[0].retries: string found, integer expected");
    }

    @Test
    void dependsOnGivenAsAStringAsksForAList() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: compile
                    command: [javac]
                  - name: test
                    command: [java]
                    dependsOn: compile
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(6, 16));
        assertThat(p.field()).isEqualTo("steps[1].dependsOn");
        assertThat(p.message()).isEqualTo("string found, array expected");
    }

    @Test
    void aStepWithoutNameOrCommandIsReportedAtTheStep() throws Exception {
        // given
        String yaml = """
                steps:
                  - command: [a]
                  - name: b
                """;

        // when
        List<ConfigProblem> problems = problems(yaml);

        // then
        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                file() + ":2:5: steps[0]: missing required field 'name'",
                file() + ":3:5: steps[1]: missing required field 'command'");
    }

    @Test
    void aStringCommandWithoutShellTrueSaysHowToFixIt() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: javac -d out Main.java
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(3, 14));
        assertThat(p.field()).isEqualTo("steps[0].command");
        assertThat(p.message()).contains("needs 'shell: true'").contains("write it as a list");
    }

    @ParameterizedTest(name = "command: {0}")
    @CsvSource(delimiter = '|', value = {
            "42       | the command must be a list of strings such as [javac, -d, out, Main.java], or one string with 'shell: true'; found number 42",
            "{a: b}   | the command must be a list of strings such as [javac, -d, out, Main.java], or one string with 'shell: true'; found object {\"a\":\"b\"}",
            "true     | the command must be a list of strings such as [javac, -d, out, Main.java], or one string with 'shell: true'; found boolean true",
            "null     | the command must be a list of strings such as [javac, -d, out, Main.java], or one string with 'shell: true'; found no value",
            "[]       | the command list is empty; give the program and its arguments, e.g. [javac, -d, out, Main.java]",
            "'\"\"' | the command is empty; give a list such as [javac, -d, out, Main.java], or a script with 'shell: true'"})
    void aCommandOfTheWrongShapeIsOneProblemNotOnePerSchemaBranch(String command, String message) throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: %s
                """.formatted(command);

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(3, 14));
        assertThat(p.field()).isEqualTo("steps[0].command");
        assertThat(p.message()).isEqualTo(message);
    }

    @Test
    void aNumberInACommandListPointsAtTheElementAndSaysToQuoteIt() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [sleep, 1]
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.toString()).isEqualTo(
                file() + ":3:22: steps[0].command[1]: each element of a command list must be a string; quote it: \"1\"");
    }

    @ParameterizedTest(name = "timeout: {0}")
    @ValueSource(strings = {"10y", "-3", "1.5", "'30 s'", "1.5s"})
    void aBadDurationIsOneProblemThatShowsTheSyntax(String written) throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    timeout: %s
                """.formatted(written);

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(4, 14));
        assertThat(p.field()).isEqualTo("steps[0].timeout");
        assertThat(p.message()).endsWith(
                "is not a duration; write whole seconds (e.g. 90) or a number with a unit: 500ms, 30s, 10m, 2h, 7d, 2w");
    }

    @Test
    void aBadDurationInAProfileIsReportedAtTheOverride() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                profiles:
                  production:
                    steps:
                      a: { retryBackoff: soon }
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.toString()).startsWith(file() + ":7:26: profiles.production.steps.a.retryBackoff: 'soon' is not a duration");
    }

    @ParameterizedTest(name = "timeout: {0}")
    @ValueSource(strings = {"99999999999999999999999", "999999999999999999h"})
    void aDurationTooLongForJavaIsAProblemNotACrash(String written) throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    timeout: %s
                """.formatted(written);

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(4, 14));
        assertThat(p.message()).isEqualTo("'" + written + "' " + (written.endsWith("h") ? "" : "seconds ") + "is too long a duration");
    }

    @Test
    void aHugeNumberIsAProblemNotACrash() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    retries: 1e400
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(4, 14));
        assertThat(p.field()).isEqualTo("steps[0].retries");
    }

    @Test
    void aZeroTimeoutPointsAtTheTimeout() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    timeout: 0s
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.toString()).isEqualTo(
                file() + ":4:14: steps[0].timeout: a timeout must be positive; leave 'timeout' out for none");
    }

    @Test
    void outOfRangeValuesNameTheBound() throws Exception {
        // given
        String yaml = """
                settings:
                  jobs: 0
                steps:
                  - name: a
                    command: [a]
                    retries: 21
                    skipIf: [{ os: beos }]
                """;

        // when
        List<ConfigProblem> problems = problems(yaml);

        // then
        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                file() + ":2:9: settings.jobs: must have a minimum value of 1",
                file() + ":6:14: steps[0].retries: must have a maximum value of 20",
                file() + ":7:20: steps[0].skipIf[0].os: does not have a value in the enumeration [\"linux\", \"macos\", \"windows\"]");
    }

    @Test
    void aStepNameWithASpaceOrABadSkipIfEnvGetsAPlainMessageNotARegex() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: my step
                    command: [a]
                    skipIf: [{ env: "NO SKIP" }]
                """;

        // when
        List<ConfigProblem> problems = problems(yaml);

        // then
        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                file() + ":2:11: steps[0].name: a step name must not contain spaces or commas",
                file() + ":4:21: steps[0].skipIf[0].env: write a variable name, or NAME=value (e.g. CI or CI=true)");
    }

    @Test
    void severalSchemaProblemsInOneFileAreAllReportedInFileOrder() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: 42
                    colour: red
                  - name: b
                    command: [b]
                    retries: "x"
                    dependsOn: a
                    timeout: soon
                """;

        // when
        List<ConfigProblem> problems = problems(yaml);

        // then
        assertThat(problems).extracting(p -> p.location().line() + ":" + p.location().column() + " " + p.field())
                .containsExactly(
                        "3:14 steps[0].command",
                        "4:5 steps[0].colour",
                        "7:14 steps[1].retries",
                        "8:16 steps[1].dependsOn",
                        "9:14 steps[1].timeout");
    }

    @Test
    void theExceptionMessageHasOneLinePerProblem() throws Exception {
        // given
        String yaml = """
                steps:
                  - command: [a]
                  - name: b
                """;
        Files.writeString(file(), yaml);

        // when / then
        assertThatThrownBy(() -> ConfigLoader.load(root, file(), "development"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file() + ":2:5: steps[0]: missing required field 'name'\n"
                        + file() + ":3:5: steps[1]: missing required field 'command'");
    }

    // ---- errors: meaning ----

    @Test
    void aStepDeclaredTwiceNamesBothPlaces() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                  - name: b
                    command: [b]
                  - name: a
                    command: [c]
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.toString()).isEqualTo(file() + ":6:11: steps[2].name: step 'a' is declared twice (first at "
                + file() + ":2:5); rename one");
    }

    @Test
    void severalMeaningProblemsInOneFileAreAllReported() throws Exception {
        // given a schema-valid file with three mistakes
        String yaml = """
                steps:
                  - name: a
                    command: make all
                  - name: a
                    command: [b]
                  - name: c
                    command: [c]
                    cwd: ../outside
                """;

        // when
        List<ConfigProblem> problems = problems(yaml);

        // then
        assertThat(problems).extracting(p -> p.location().line() + ":" + p.location().column() + " " + p.field())
                .containsExactly("3:14 steps[0].command", "4:11 steps[1].name", "8:10 steps[2].cwd");
        assertThat(problems.get(2).message()).isEqualTo("cwd '../outside' is outside the repository");
    }

    @Test
    void aBlankShellScriptOrEmptyProgramIsAProblemNotACrash() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: "  "
                    shell: true
                  - name: b
                    command: ["", x]
                """;

        // when
        List<ConfigProblem> problems = problems(yaml);

        // then
        assertThat(problems).extracting(ConfigProblem::toString).containsExactly(
                file() + ":3:14: steps[0].command: the shell script is blank",
                file() + ":6:15: steps[1].command[0]: the program (the command's first element) is empty");
    }

    // ---- errors: YAML ----

    @Test
    void aDuplicateYamlKeyPointsAtTheSecondKey() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a]
                    command: [b]
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.toString()).isEqualTo(file() + ":4:5: steps[0].command: duplicate key 'command'; keep only one");
    }

    @Test
    void aYamlSyntaxErrorGivesTheLineAndColumnOfTheProblem() throws Exception {
        // given a tab used for indentation on line 4
        String yaml = "steps:\n  - name: a\n    command: [a]\n\tretries: 1\n";

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(4, 1));
        assertThat(p.message()).startsWith("invalid YAML: found character '\\t(TAB)' that cannot start any token");
    }

    @Test
    void anUnclosedFlowListIsReportedWhereTheParserGaveUp() throws Exception {
        // given
        String yaml = """
                steps:
                  - name: a
                    command: [a, b
                  - name: c
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.message()).startsWith("invalid YAML: ");
        assertThat(p.location().line()).isEqualTo(4);
        assertThat(p.location().column()).isPositive();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "\n\n", "# only a comment\n", "---\n"})
    void anEmptyFileSaysWhatToWrite(String yaml) throws Exception {
        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.location()).isEqualTo(at(1, 1));
        assertThat(p.message()).startsWith("the file is empty; declare at least 'steps:'");
    }

    @Test
    void aDocumentThatIsNotAMappingIsATypeError() throws Exception {
        // when
        ConfigProblem p = onlyProblem("- a\n- b\n");

        // then
        assertThat(p.toString()).isEqualTo(file() + ":1:1: array found, object expected");
    }

    @Test
    void aRecursiveAliasIsAProblemNotAStackOverflow() throws Exception {
        // given
        String yaml = """
                steps: &s
                  - *s
                """;

        // when
        ConfigProblem p = onlyProblem(yaml);

        // then
        assertThat(p.message()).contains("alias").contains("recursion");
        assertThat(p.location().line()).isEqualTo(1);
    }

    @Test
    void anUnreadableFileNamesTheFile() {
        // given no file at all
        Path missing = root.resolve("munero.yaml");

        // when
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(root, missing, "development"));

        // then
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.location().file()).isEqualTo(missing);
            assertThat(p.message()).startsWith("cannot read the file");
        });
    }
}
