package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CliTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path repo;

    private void write(String rel, String text) throws Exception {
        Cli.write(repo, rel, text);
    }

    private void twoSteps() throws Exception {
        write("src/a.txt", "alpha\n");
        write("munero.yaml", """
                steps:
                  - name: compile
                    command: "mkdir -p out && cat src/a.txt > out/a.out"
                    shell: true
                    inputs: [src/**]
                    outputs: [out/**]
                  - name: test
                    command: [grep, -q, alpha, out/a.out]
                    dependsOn: [compile]
                    inputs: [out/**]
                """);
    }

    private static Map<String, StepStatus> statuses(BuildReport r) {
        return Cli.statuses(r);
    }

    @Test
    void versionAndHelpExitZero() {
        Cli.Result v = Cli.run("--version");
        assertThat(v.exitCode()).isZero();
        assertThat(v.out()).startsWith("munero ");
        Cli.Result h = Cli.run("--help");
        assertThat(h.exitCode()).isZero();
        assertThat(h.out()).contains("build", "graph", "init", "clean", "Exit codes");
        assertThat(Cli.run("build", "--help").out()).contains("--keep-going", "--jobs", "--dry-run", "--explain", "--json");
    }

    @Test
    void anUnknownOptionIsAUsageErrorWithExitCode2() {
        Cli.Result r = Cli.run("build", "--no-such-flag");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--no-such-flag'");
    }

    @Test
    void buildsThenRestoresFromCacheAndPrintsTheJsonReport() throws Exception {
        twoSteps();
        Cli.Result first = Cli.run("build", "-C", repo.toString());
        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(first.out()).contains("STEP", "STATUS", "DURATION", "PASSED in", "cache hit rate 0%", "critical path");

        Cli.Result second = Cli.run("build", "-C", repo.toString(), "--json");
        assertThat(second.exitCode()).isZero();
        BuildReport report = JSON.readValue(second.out(), BuildReport.class);
        assertThat(report.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(statuses(report)).containsOnly(Map.entry("compile", StepStatus.CACHED), Map.entry("test", StepStatus.CACHED));
        assertThat(report.cacheHitRate()).isEqualTo(1.0);
        JsonNode latest = JSON.readTree(repo.resolve(".munero/reports/latest.json").toFile());
        assertThat(latest.get("runId").asString()).isEqualTo(report.runId());
        for (String field : new String[] {"status", "durationMillis", "cacheHitRate", "criticalPathMillis", "steps"}) {
            assertThat(latest.has(field)).as(field).isTrue();
        }
        for (String field : new String[] {"name", "status", "durationMillis", "attempts", "cacheKey", "reasons", "exitCode", "logFile"}) {
            assertThat(latest.get("steps").get(0).has(field)).as(field).isTrue();
        }
    }

    @Test
    void aFailingStepExitsWith1AndShowsTheTailOfItsLog() throws Exception {
        write("munero.yaml", """
                steps:
                  - name: broken
                    command: "echo first line; echo 'compile error: missing semicolon' >&2; exit 7"
                    shell: true
                """);
        Cli.Result r = Cli.run("build", "-C", repo.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("broken FAILED: exit code 7", "compile error: missing semicolon", "FAILED in");
    }

    @Test
    void invalidYamlIsExitCode2WithFileLineAndColumnAndNoStackTrace() throws Exception {
        write("munero.yaml", """
                steps:
                  - name: compile
                    command: [javac]
                    retries: many
                """);
        Cli.Result r = Cli.run("build", "-C", repo.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("munero.yaml:4:14", "steps[0].retries");
        assertThat(r.all()).doesNotContain("\tat ", "Exception");
    }

    @Test
    void aCycleIsExitCode2NamingEveryMember() throws Exception {
        write("munero.yaml", """
                steps:
                  - name: a
                    command: ["true"]
                    dependsOn: [c]
                  - name: b
                    command: ["true"]
                    dependsOn: [a]
                  - name: c
                    command: ["true"]
                    dependsOn: [b]
                """);
        Cli.Result r = Cli.run("graph", "-C", repo.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).containsPattern("dependency cycle: (a -> c -> b -> a|b -> a -> c -> b|c -> b -> a -> c)");
    }

    @Test
    void anUnknownTargetIsExitCode2WithASuggestion() throws Exception {
        twoSteps();
        Cli.Result r = Cli.run("build", "-C", repo.toString(), "compil");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown step or task 'compil' (did you mean 'compile'?)");
    }

    @Test
    void dryRunAndExplainSayWhyAStepWouldRun() throws Exception {
        twoSteps();
        Cli.run("build", "-C", repo.toString());
        write("src/a.txt", "alpha beta\n");
        Cli.Result dry = Cli.run("build", "-C", repo.toString(), "--dry-run");
        assertThat(dry.exitCode()).isZero();
        assertThat(dry.out()).contains("RUN", "compile", "input src/a.txt changed", "nothing was run");
        assertThat(Files.readString(repo.resolve("out/a.out"))).isEqualTo("alpha\n");
        Cli.Result explain = Cli.run("build", "-C", repo.toString(), "--explain", "compile");
        assertThat(explain.out()).contains("compile is NOT up to date", "- input src/a.txt changed");
        Cli.run("build", "-C", repo.toString());
        assertThat(Cli.run("build", "-C", repo.toString(), "--explain", "compile").out()).contains("compile is up to date");
    }

    @Test
    void graphPrintsEveryFormat() throws Exception {
        twoSteps();
        assertThat(Cli.run("graph", "-C", repo.toString()).out()).contains("test  <- compile");
        assertThat(Cli.run("graph", "-C", repo.toString(), "--format", "dot").out()).contains("\"compile\" -> \"test\";");
        assertThat(Cli.run("graph", "-C", repo.toString(), "--format", "mermaid").out()).contains("graph LR", "s0 --> s1");
        JsonNode json = JSON.readTree(Cli.run("graph", "-C", repo.toString(), "--format", "json").out());
        assertThat(json.get("steps").get(1).get("dependsOn").get(0).asString()).isEqualTo("compile");
        assertThat(Cli.run("graph", "-C", repo.toString(), "--format", "svg").exitCode()).isEqualTo(2);
    }

    @Test
    void cleanRemovesDeclaredOutputsAndPrunesTheCache() throws Exception {
        twoSteps();
        Cli.run("build", "-C", repo.toString());
        assertThat(repo.resolve("out/a.out")).exists();
        Cli.Result refused = Cli.run("clean", "-C", repo.toString());
        assertThat(refused.exitCode()).as("outside git Munero cannot tell tracked files apart").isEqualTo(2);
        assertThat(refused.err()).contains("is not in a git work tree", "munero clean --dry-run", "munero clean --force");
        Cli.Result dry = Cli.run("clean", "-C", repo.toString(), "--dry-run");
        assertThat(dry.out()).isEqualTo("out/a.out\nwould remove 1 output files of 2 steps (--dry-run: nothing removed)\n");
        assertThat(repo.resolve("out/a.out")).exists();
        assertThat(Cli.run("clean", "-C", repo.toString(), "--force").exitCode()).isZero();
        assertThat(repo.resolve("out/a.out")).doesNotExist();
        assertThat(repo.resolve("src/a.txt")).exists();

        Cli.Result prune = Cli.run("clean", "-C", repo.toString(), "--cache", "--max-size", "0");
        assertThat(prune.exitCode()).isZero();
        assertThat(prune.out()).contains("kept 0 entries");
        Cli.Result rebuilt = Cli.run("build", "-C", repo.toString(), "--json");
        assertThat(statuses(JSON.readValue(rebuilt.out(), BuildReport.class)).values()).containsOnly(StepStatus.PASSED);
        assertThat(Cli.run("clean", "-C", repo.toString(), "--cache", "--max-size", "lots").exitCode()).isEqualTo(2);
    }

    private void git(String... args) throws Exception {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("git", "-c", "user.email=t@example.com",
                "-c", "user.name=t"));
        argv.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(argv).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void cleanNeverDeletesAFileGitTracksAndDryRunListsWhatWouldGo() throws Exception {
        // issue 9.2: 'munero clean' deleted a git-tracked packages/a/build/helper.js
        org.junit.jupiter.api.Assumptions.assumeTrue(java.util.Arrays.stream(System.getenv("PATH").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "git"))), "git is not installed");
        twoSteps();
        write("out/helper.txt", "tracked\n");
        git("init", "-q");
        git("add", "-A");
        git("commit", "-qm", "init");
        Cli.run("build", "-C", repo.toString());

        Cli.Result dry = Cli.run("clean", "-C", repo.toString(), "--dry-run");
        assertThat(dry.out()).isEqualTo("out/a.out\nwould remove 1 output files of 2 steps (--dry-run: nothing removed)\n");
        assertThat(dry.err()).contains("kept 1 output file git tracks (out/helper.txt)");
        assertThat(repo.resolve("out/a.out")).exists();

        Cli.Result clean = Cli.run("clean", "-C", repo.toString());
        assertThat(clean.exitCode()).as(clean.all()).isZero();
        assertThat(repo.resolve("out/a.out")).doesNotExist();
        assertThat(repo.resolve("out/helper.txt")).hasContent("tracked");
    }

    @Test
    void initWritesNoYamlAnchorsAndStdoutBesideAMuneroYamlSaysWhatItFound() throws Exception {
        // issue 9.9: init wrote &id001 anchors; 'init --stdout' beside a munero.yaml said there was none
        write("package.json", "{\"name\":\"root\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
        write("packages/a/package.json", "{\"name\":\"a\",\"scripts\":{\"build\":\"true\",\"test\":\"true\"}}");
        write("packages/b/package.json", "{\"name\":\"b\",\"scripts\":{\"build\":\"true\"}}");
        Cli.Result init = Cli.run("init", "-C", repo.toString());
        assertThat(init.exitCode()).as(init.all()).isZero();
        assertThat(Files.readString(repo.resolve("munero.yaml"))).doesNotContain("&id", "*id");

        Cli.Result printed = Cli.run("init", "-C", repo.toString(), "--stdout");
        assertThat(printed.exitCode()).as(printed.all()).isZero();
        assertThat(printed.out()).isEqualTo(Files.readString(repo.resolve("munero.yaml")));

        Path only = Files.createDirectories(repo.resolve("only-yaml"));
        Cli.write(only, "munero.yaml", "steps:\n  - name: a\n    command: [true]\n");
        Cli.Result none = Cli.run("init", "-C", only.toString(), "--stdout");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("munero.yaml is there, but detection reads only build files, and found none")
                .doesNotContain("no munero.yaml");
    }

    @Test
    void productionProfileChecksVerifyArtifacts() throws Exception {
        write("munero.yaml", """
                steps:
                  - name: make
                    command: "echo bin > app.bin"
                    shell: true
                    outputs: [app.bin]
                verify: [app.bin, docs/manual.pdf]
                """);
        assertThat(Cli.run("build", "-C", repo.toString()).exitCode()).isZero();
        Cli.Result prod = Cli.run("build", "-C", repo.toString(), "--profile", "production");
        assertThat(prod.exitCode()).isEqualTo(1);
        assertThat(prod.out()).contains("verify: missing artifact docs/manual.pdf");
        assertThat(Cli.run("build", "-C", repo.toString(), "--profile", "staging").err()).contains("unknown profile 'staging'");
    }

    @Test
    void initWritesTheDetectedGraphAsMuneroYamlThatBuildsTheSame() throws Exception {
        write("package.json", "{\"name\":\"root\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
        write("packages/a/package.json", "{\"name\":\"a\",\"scripts\":{\"build\":\"node -e \\\"require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/a.js','1')\\\"\"}}");
        write("packages/b/package.json", "{\"name\":\"b\",\"dependencies\":{\"a\":\"*\"},\"scripts\":{\"build\":\"true\"}}");
        String detected = Cli.run("graph", "-C", repo.toString(), "--format", "json").out();
        Cli.Result init = Cli.run("init", "-C", repo.toString());
        assertThat(init.exitCode()).as(init.all()).isZero();
        assertThat(repo.resolve("munero.yaml")).exists();
        String fromYaml = Cli.run("graph", "-C", repo.toString(), "--format", "json").out();
        assertThat(JSON.readTree(fromYaml).get("steps")).isEqualTo(JSON.readTree(detected).get("steps"));
        assertThat(Cli.run("init", "-C", repo.toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void verboseStreamsEveryOutputLineWithTheStepNameAndReplaysCachedLogs() throws Exception {
        write("munero.yaml", """
                steps:
                  - name: hello
                    command: [echo, hello from a step]
                """);
        Cli.Result first = Cli.run("build", "-C", repo.toString(), "--verbose");
        assertThat(first.out()).containsPattern("(?m)^hello\\s+\\| hello from a step$");
        Cli.Result cached = Cli.run("build", "-C", repo.toString(), "-v");
        assertThat(cached.out()).containsPattern("(?m)^hello\\s+\\| hello from a step$").contains("CACHED");
        BuildReport report = JSON.readValue(Cli.run("build", "-C", repo.toString(), "--json").out(), BuildReport.class);
        assertThat(Files.readString(repo.resolve(report.steps().get(0).logFile()))).isEqualTo("hello from a step\n");
    }

    @Test
    void anEmptyDirectoryIsAConfigurationError() {
        Cli.Result r = Cli.run("build", "-C", repo.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no munero.yaml and no build system found");
    }
}
