package dev.munero.core.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.PlannedStep;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import dev.munero.engine.cache.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds over real workspaces in temporary directories, with real child processes (issue 12). */
class BuildsTest {
    @TempDir
    Path repo;

    private static final String PIPELINE = """
            steps:
              - name: compile
                command: "mkdir -p out && cat src/a.txt > out/a.out && echo compiled"
                shell: true
                inputs: [src/**]
                outputs: [out/**]
              - name: test
                command: [grep, -q, alpha, out/a.out]
                dependsOn: [compile]
                inputs: [out/**]
              - name: lint
                command: [grep, -q, alpha, src/a.txt]
                inputs: [src/**]
            """;

    private void write(String rel, String content) throws IOException {
        Path p = repo.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private Builds pipeline() throws IOException {
        write("munero.yaml", PIPELINE);
        write("src/a.txt", "alpha\n");
        return Builds.of(repo);
    }

    /** A listener that counts {@code latch} down at a step's first line of output. */
    private static BuildListener onOutput(CountDownLatch latch) {
        return new BuildListener() {
            @Override
            public void stepOutput(String step, String line) {
                latch.countDown();
            }
        };
    }

    private static StepResult step(BuildReport r, String name) {
        return r.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void buildRunsEveryStepThenRestoresThemFromTheCacheAndWritesTheReports() throws Exception {
        // given
        Builds builds = pipeline();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        BuildListener listener = new BuildListener() {
            @Override
            public void stepStarted(String step) {
                events.add("start " + step);
            }

            @Override
            public void stepFinished(StepResult result) {
                events.add(result.status() + " " + result.name());
            }
        };
        // when
        BuildReport first = builds.build(Builds.BuildRequest.of(List.of()), listener);
        BuildReport second = builds.build(Builds.BuildRequest.of(List.of()), BuildListener.NONE);
        // then
        assertThat(first.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(first.steps()).extracting(StepResult::status).containsOnly(StepStatus.PASSED);
        assertThat(Files.readString(repo.resolve("out/a.out"))).isEqualTo("alpha\n");
        assertThat(events).contains("start compile", "PASSED compile", "start test", "PASSED test", "PASSED lint");
        assertThat(events.indexOf("start test")).isGreaterThan(events.indexOf("PASSED compile"));
        assertThat(second.steps()).extracting(StepResult::status).containsOnly(StepStatus.CACHED);
        assertThat(repo.resolve(".munero/reports/" + first.runId() + ".json")).isRegularFile();
        assertThat(builds.latestReport()).contains(second);
        assertThat(builds.report(first.runId())).isEqualTo(first);
        assertThat(builds.reports(10)).containsExactly(second, first);
        assertThat(builds.reports(1)).containsExactly(second);
    }

    @Test
    void aFailedStepIsAFailedReportAndItsDependentsAreSkipped() throws Exception {
        // given
        Builds builds = pipeline();
        write("src/a.txt", "beta\n");
        // when
        BuildReport r = builds.build(new Builds.BuildRequest(List.of(), 2, true, false, true, false, null, null),
                BuildListener.NONE);
        // then
        assertThat(r.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(step(r, "test").status()).isEqualTo(StepStatus.FAILED);
        assertThat(step(r, "lint").status()).isEqualTo(StepStatus.FAILED);
        assertThat(step(r, "compile").status()).isEqualTo(StepStatus.PASSED);
    }

    @Test
    void buildOfATargetBuildsItsDependenciesOnlyAndPreparedNamesTheBuildBeforeItRuns() throws Exception {
        // given
        Builds builds = pipeline();
        // when
        Builds.Prepared prepared = builds.prepare(Builds.BuildRequest.of(List.of("test")));
        // then
        assertThat(prepared.targets()).containsExactly("test");
        assertThat(prepared.selectedSteps()).isEqualTo(2);
        assertThat(prepared.totalSteps()).isEqualTo(3);
        assertThat(prepared.origin()).isEqualTo("munero.yaml");
        assertThat(prepared.profile()).isEqualTo("development");
        assertThat(prepared.plan()).extracting(PlannedStep::name).containsExactly("compile", "test");
        assertThat(prepared.plan()).extracting(PlannedStep::action).containsOnly(PlannedStep.Action.RUN);
        BuildReport r = prepared.run(BuildListener.NONE);
        assertThat(r.runId()).isEqualTo(prepared.id());
        assertThat(r.steps()).extracting(StepResult::name).containsExactlyInAnyOrder("compile", "test");
        assertThatThrownBy(() -> prepared.run(BuildListener.NONE)).isInstanceOfSatisfying(AppException.class,
                e -> assertThat(e.kind()).isEqualTo(AppException.Kind.CONFLICT));
    }

    @Test
    void anUnknownTargetIsInvalidWithASuggestion() throws Exception {
        Builds builds = pipeline();
        assertThatThrownBy(() -> builds.build(Builds.BuildRequest.of(List.of("compil")), BuildListener.NONE))
                .isInstanceOfSatisfying(AppException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID);
                    assertThat(e.getMessage()).isEqualTo("command line: target: unknown step or task 'compil' "
                            + "(did you mean 'compile'?); 'munero graph' lists the steps");
                });
        assertThat(repo.resolve(".munero/reports")).doesNotExist();
    }

    @Test
    void aBadMuneroYamlIsInvalidWithFileLineAndColumnForEveryCall() throws Exception {
        // given
        write("munero.yaml", """
                steps:
                  - name: compile
                    command: [javac]
                    retries: many
                """);
        Builds builds = Builds.of(repo);
        // then
        for (Runnable call : List.<Runnable>of(() -> builds.build(Builds.BuildRequest.of(List.of()), BuildListener.NONE),
                () -> builds.graph(List.of()), () -> builds.explain("compile"))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(AppException.class, e -> {
                assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID);
                assertThat(e.getMessage()).startsWith(repo.resolve("munero.yaml") + ":4:14: steps[0].retries");
            });
        }
    }

    @Test
    void aCycleIsInvalidNamingEveryMember() throws Exception {
        write("munero.yaml", """
                steps:
                  - name: a
                    command: ["true"]
                    dependsOn: [b]
                  - name: b
                    command: ["true"]
                    dependsOn: [a]
                """);
        assertThatThrownBy(() -> Builds.of(repo).graph(List.of())).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID);
            assertThat(e.getMessage()).contains("cycle", "a", "b");
        });
    }

    @Test
    void jobsBelowOneIsInvalid() throws Exception {
        Builds builds = pipeline();
        assertThatThrownBy(() -> builds.prepare(new Builds.BuildRequest(List.of(), 0, null, false, true, false, null, null)))
                .isInstanceOfSatisfying(AppException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID);
                    assertThat(e.getMessage()).isEqualTo("jobs must be at least 1, was 0");
                });
    }

    @Test
    void aMissingDirectoryIsNotFound() {
        Path missing = repo.resolve("nope");
        assertThatThrownBy(() -> Builds.of(missing)).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo(missing + ": not a directory; pass the repository with -C DIR");
        });
    }

    @Test
    void graphListsStepsAndEdgesAndSelectsATargetWithItsDependencies() throws Exception {
        // given
        Builds builds = pipeline();
        // when
        Builds.Graph all = builds.graph(List.of());
        Builds.Graph test = builds.graph(List.of("test"));
        // then
        assertThat(all.origin()).isEqualTo("munero.yaml");
        assertThat(all.nodes()).extracting(Builds.Node::name).containsExactly("compile", "test", "lint");
        assertThat(all.edges()).containsExactly(new Builds.Edge("test", "compile"));
        Builds.Node grep = all.nodes().get(1);
        assertThat(grep.argv()).containsExactly("grep", "-q", "alpha", "out/a.out");
        assertThat(grep.cwd()).isEqualTo(".");
        assertThat(grep.inputs()).containsExactly("out/**");
        assertThat(test.nodes()).extracting(Builds.Node::name).containsExactly("compile", "test");
        assertThatThrownBy(() -> builds.graph(List.of("nope"))).isInstanceOfSatisfying(AppException.class,
                e -> assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID));
    }

    @Test
    void aLongLivedBuildsSeesEditsToMuneroYaml() throws Exception {
        // given a Builds kept between calls (the server's), with warm caches
        Builds builds = pipeline();
        assertThat(builds.graph(List.of()).nodes()).hasSize(3);
        // when the configuration changes
        write("munero.yaml", PIPELINE + """
                  - name: docs
                    command: ["true"]
                """);
        // then the next call sees it
        assertThat(builds.graph(List.of()).nodes()).extracting(Builds.Node::name).contains("docs");
    }

    @Test
    void renderWritesDotAndMermaidAndRefusesOtherFormats() throws Exception {
        Builds builds = pipeline();
        Builds.Graph g = builds.graph(List.of("test"));
        assertThat(builds.render(g, "dot")).isEqualTo("""
                digraph munero {
                  rankdir=LR;
                  "compile";
                  "test";
                  "compile" -> "test";
                }
                """);
        assertThat(builds.render(g, "mermaid")).isEqualTo("""
                graph LR
                  s0["compile"]
                  s1["test"]
                  s0 --> s1
                """);
        assertThatThrownBy(() -> builds.render(g, "svg")).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID);
            assertThat(e.getMessage()).isEqualTo("unknown graph format 'svg'; use dot or mermaid");
        });
    }

    @Test
    void explainGivesTheKeyItsInputsAndWhetherItIsCached() throws Exception {
        // given
        Builds builds = pipeline();
        // when
        Builds.Explanation before = builds.explain("compile");
        builds.build(Builds.BuildRequest.of(List.of()), BuildListener.NONE);
        Builds.Explanation after = builds.explain("compile");
        Builds.Explanation test = builds.explain("test");
        // then
        assertThat(before.action()).isEqualTo(PlannedStep.Action.RUN);
        assertThat(before.cached()).isFalse();
        assertThat(before.reasons()).containsExactly("no previous build of this step");
        assertThat(before.cacheKey()).hasSize(64).isEqualTo(after.cacheKey());
        assertThat(after.action()).isEqualTo(PlannedStep.Action.RESTORE);
        assertThat(after.cached()).isTrue();
        assertThat(after.inputs()).extracting(Builds.Input::name)
                .containsExactly("command", "cwd", "file:src/a.txt", "outputs");
        assertThat(after.inputs()).contains(new Builds.Input("file:src/a.txt", Hashing.sha256("alpha\n")));
        assertThat(test.dependsOn()).containsExactly("compile");
        assertThat(test.inputs()).contains(new Builds.Input("dependency:compile", after.cacheKey()));

        // when an input changes
        write("src/a.txt", "alpha two\n");
        Builds.Explanation changed = builds.explain("compile");
        assertThat(changed.action()).isEqualTo(PlannedStep.Action.RUN);
        assertThat(changed.reasons()).contains("input src/a.txt changed");
    }

    @Test
    void explainShowsADeclaredVariableOnlyAsAHash() throws Exception {
        // given a step that declares a secret-looking variable
        write("munero.yaml", """
                steps:
                  - name: deploy
                    command: ["true"]
                    passEnv: [TOKEN]
                """);
        Builds builds = Builds.of(repo);
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("TOKEN", "s3cret-value");
        // when
        Builds.Explanation e = builds.explain("deploy", new Builds.BuildRequest(List.of(), null, null, false, true,
                false, null, env));
        // then
        assertThat(e.inputs()).contains(new Builds.Input("env:TOKEN", Hashing.sha256("s3cret-value")));
        assertThat(e.toString()).doesNotContain("s3cret-value");
    }

    @Test
    void explainOfAnUnknownStepIsNotFoundWithCloseMatches() throws Exception {
        Builds builds = pipeline();
        assertThatThrownBy(() -> builds.explain("lnt")).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).contains("unknown step or task 'lnt'", "did you mean 'lint'?");
        });
    }

    @Test
    void stepLogReadsAStepsOutputWholeOrItsTail() throws Exception {
        // given
        Builds builds = pipeline();
        BuildReport r = builds.build(Builds.BuildRequest.of(List.of()), BuildListener.NONE);
        // when
        String log = builds.stepLog(r.runId(), "compile", 0);
        // then
        assertThat(log).contains("compiled\n");
        assertThat(builds.stepLog(r.runId(), "compile", 9)).isEqualTo("compiled\n");

        // and a cached step's log is the stored one
        BuildReport cached = builds.build(Builds.BuildRequest.of(List.of()), BuildListener.NONE);
        assertThat(step(cached, "compile").status()).isEqualTo(StepStatus.CACHED);
        assertThat(builds.stepLog(cached.runId(), "compile", 0)).contains("compiled\n");
    }

    @Test
    void stepLogOfAnUnknownBuildStepOrPathIsNotFound() throws Exception {
        // given
        Builds builds = pipeline();
        BuildReport r = builds.build(Builds.BuildRequest.of(List.of()), BuildListener.NONE);
        // then
        assertThatThrownBy(() -> builds.stepLog("20200101-000000-00000", "compile", 0))
                .isInstanceOfSatisfying(AppException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AppException.Kind.NOT_FOUND);
                    assertThat(e.getMessage()).startsWith("no build 20200101-000000-00000 in " + repo);
                });
        assertThatThrownBy(() -> builds.stepLog("../../etc", "passwd", 0)).isInstanceOfSatisfying(AppException.class,
                e -> assertThat(e.kind()).isEqualTo(AppException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> builds.stepLog(r.runId(), "deploy", 0)).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("build " + r.runId() + " has no step 'deploy' (its steps: "
                    + String.join(", ", r.steps().stream().map(StepResult::name).toList()) + ")");
        });
        assertThatThrownBy(() -> builds.report("20200101-000000-00000")).isInstanceOfSatisfying(AppException.class,
                e -> assertThat(e.kind()).isEqualTo(AppException.Kind.NOT_FOUND));
    }

    @Test
    void stepLogOfARunningBuildIsReadFromItsLogFolder() throws Exception {
        // given a build whose step prints a line, then waits for a file
        write("munero.yaml", """
                steps:
                  - name: slow
                    command: "echo halfway; while [ ! -f go ]; do sleep 0.1; done; echo done"
                    shell: true
                """);
        Builds builds = Builds.of(repo);
        CountDownLatch printed = new CountDownLatch(1);
        Builds.Prepared prepared = builds.prepare(new Builds.BuildRequest(List.of(), 1, null, false, false, true, null, null));
        CompletableFuture<BuildReport> running = CompletableFuture.supplyAsync(() -> prepared.run(onOutput(printed)));
        assertThat(printed.await(5, TimeUnit.MINUTES)).isTrue();
        // when
        String log = builds.stepLog(prepared.id(), "slow", 0);
        // then
        assertThat(log).contains("halfway");
        Files.writeString(repo.resolve("go"), "");
        assertThat(running.get(5, TimeUnit.MINUTES).status()).isEqualTo(BuildStatus.PASSED);
        assertThat(builds.stepLog(prepared.id(), "slow", 0)).contains("halfway", "done");
    }

    @Test
    void cancelKillsTheRunningStepAndTheBuildEndsCancelled() throws Exception {
        // given a build whose step runs until killed
        write("munero.yaml", """
                steps:
                  - name: forever
                    command: "echo started; sleep 600"
                    shell: true
                  - name: after
                    command: ["true"]
                    dependsOn: [forever]
                """);
        Builds builds = Builds.of(repo);
        CountDownLatch started = new CountDownLatch(1);
        Builds.Prepared prepared = builds.prepare(new Builds.BuildRequest(List.of(), 1, null, false, true, true, null, null));
        CompletableFuture<BuildReport> running = CompletableFuture.supplyAsync(() -> prepared.run(onOutput(started)));
        assertThat(started.await(5, TimeUnit.MINUTES)).isTrue();
        // when
        prepared.cancel();
        // then
        BuildReport r = running.get(5, TimeUnit.MINUTES);
        assertThat(prepared.awaitFinished(1, TimeUnit.MINUTES)).isTrue();
        assertThat(r.status()).isEqualTo(BuildStatus.CANCELLED);
        assertThat(step(r, "forever").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(step(r, "after").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(builds.latestReport()).contains(r);
    }

    @Test
    void aBuildCancelledBeforeItRunsStartsNoStep() throws Exception {
        // given
        Builds builds = pipeline();
        Builds.Prepared prepared = builds.prepare(Builds.BuildRequest.of(List.of()));
        // when
        prepared.cancel();
        BuildReport r = prepared.run(BuildListener.NONE);
        // then
        assertThat(r.status()).isEqualTo(BuildStatus.CANCELLED);
        assertThat(r.steps()).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(StepStatus.SKIPPED);
            assertThat(s.reasons()).containsExactly("not started: the build was cancelled");
        });
        assertThat(repo.resolve("out")).doesNotExist();
    }

    @Test
    void noReportsBeforeTheFirstBuild() throws Exception {
        Builds builds = pipeline();
        assertThat(builds.latestReport()).isEmpty();
        assertThat(builds.reports(5)).isEmpty();
        assertThatThrownBy(() -> builds.reports(0)).isInstanceOfSatisfying(AppException.class,
                e -> assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID));
    }

    @Test
    void twoBuildsOfOneWorkspaceRunOneAfterTheOtherAndTheSecondSaysItWaits() throws Exception {
        // given a build holding the workspace's lock until a file appears
        write("munero.yaml", """
                steps:
                  - name: slow
                    command: "echo started; while [ ! -f go ]; do sleep 0.1; done"
                    shell: true
                """);
        Builds server = Builds.of(repo);
        Builds terminal = Builds.of(repo);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(1);
        Builds.Prepared first = server.prepare(new Builds.BuildRequest(List.of(), 1, null, false, true, true, null, null));
        CompletableFuture<BuildReport> one = CompletableFuture.supplyAsync(() -> first.run(onOutput(started)));
        assertThat(started.await(5, TimeUnit.MINUTES)).isTrue();
        // when a second build of the same workspace starts
        List<String> warnings = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<BuildReport> two = CompletableFuture.supplyAsync(() -> terminal.build(Builds.BuildRequest.of(List.of()),
                new BuildListener() {
                    @Override
                    public void warning(String message) {
                        warnings.add(message);
                        waiting.countDown();
                    }
                }));
        // then it waits, says so, and reuses the first one's result
        assertThat(waiting.await(5, TimeUnit.MINUTES)).isTrue();
        assertThat(warnings.get(0)).startsWith("another build of this repository is running in this Munero process");
        assertThat(two).isNotDone();
        Files.writeString(repo.resolve("go"), "");
        assertThat(one.get(5, TimeUnit.MINUTES).status()).isEqualTo(BuildStatus.PASSED);
        assertThat(step(two.get(5, TimeUnit.MINUTES), "slow").status()).isEqualTo(StepStatus.CACHED);
    }

    @Test
    void theReportsAndLogsOfTheNewest50BuildsAreKept() throws Exception {
        // given 55 reports and log folders of old builds
        Builds builds = pipeline();
        BuildReport real = builds.build(Builds.BuildRequest.of(List.of("compile")), BuildListener.NONE);
        String json = Files.readString(repo.resolve(".munero/reports/" + real.runId() + ".json"));
        for (int i = 0; i < 55; i++) {
            String id = String.format("20200101-0000%02d-00000", i);
            Files.writeString(repo.resolve(".munero/reports/" + id + ".json"), json.replace(real.runId(), id)
                    .replace(real.startedAt(), String.format("2020-01-01T00:00:%02dZ", i)));
            Files.createDirectories(repo.resolve(".munero/logs/" + id));
        }
        // when another build finishes
        BuildReport next = builds.build(Builds.BuildRequest.of(List.of("compile")), BuildListener.NONE);
        // then the oldest are gone: 50 remain, the newest first
        List<BuildReport> kept = builds.reports(100);
        assertThat(kept).hasSize(50);
        assertThat(kept.get(0)).isEqualTo(next);
        assertThat(kept.get(1)).isEqualTo(real);
        assertThat(kept.get(49).runId()).isEqualTo("20200101-000007-00000");
        try (var logs = Files.list(repo.resolve(".munero/logs"))) {
            assertThat(logs.count()).isEqualTo(50);
        }
    }

    private void git(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-c", "user.email=t@example.com", "-c", "user.name=t"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }

    @Test
    void cleanRemovesTheDeclaredOutputsButNeverAFileGitTracksAndOutsideGitAsksFirst() throws Exception {
        // given: a built workspace in git whose out/ holds one tracked file
        Builds builds = pipeline();
        builds.build(Builds.BuildRequest.of(List.of("compile")), new BuildListener() { });
        write("out/keep.txt", "mine\n");
        git("init", "-q");
        git("add", "munero.yaml", "src/a.txt", "out/keep.txt");
        git("commit", "-qm", "init");

        // when: a dry run, then the real one
        Builds.Cleaning dry = builds.snapshot().clean(true, false);
        Builds.Cleaning done = builds.snapshot().clean(false, false);

        // then
        assertThat(dry.outputs()).containsExactly("out/a.out");
        assertThat(dry.removed()).isZero();
        assertThat(dry.tracked()).containsExactly("out/keep.txt");
        assertThat(repo.resolve("out/a.out")).as("a dry run removes nothing").doesNotExist();
        assertThat(done.removed()).isEqualTo(1);
        assertThat(done.steps()).isEqualTo(3);
        assertThat(repo.resolve("out/keep.txt")).hasContent("mine");
    }

    @Test
    void cleanOutsideAGitWorkTreeIsRefusedUnlessForcedOrADryRun() throws Exception {
        Builds builds = pipeline();
        builds.build(Builds.BuildRequest.of(List.of("compile")), new BuildListener() { });
        assertThatThrownBy(() -> builds.snapshot().clean(false, false)).isInstanceOf(AppException.class)
                .hasMessageContaining("is not in a git work tree").hasMessageContaining("munero clean --dry-run")
                .satisfies(e -> assertThat(((AppException) e).kind()).isEqualTo(AppException.Kind.INVALID));
        assertThat(builds.snapshot().clean(true, false).outputs()).containsExactly("out/a.out");
        assertThat(builds.snapshot().clean(false, true).removed()).isEqualTo(1);
        assertThat(repo.resolve("out/a.out")).doesNotExist();
    }

    @Test
    void theDetectedGraphIsWrittenAsMuneroYamlOnlyOverAnExistingOneWhenAsked() throws Exception {
        // a Makefile project: detection finds its targets
        write("Makefile", "all:\n\techo built > out.txt\n");
        Builds builds = Builds.of(repo);
        Builds.DetectedConfig detected = builds.detectConfig();
        assertThat(detected.existed()).isFalse();
        assertThat(detected.yaml()).contains("written by 'munero init'").contains("make");
        assertThat(detected.steps()).isPositive();

        Builds.DetectedConfig written = builds.writeConfig(false);
        assertThat(repo.resolve("munero.yaml")).hasContent(detected.yaml().strip());
        assertThatThrownBy(() -> builds.writeConfig(false)).isInstanceOfSatisfying(AppException.class, e -> {
            assertThat(e.kind()).isEqualTo(AppException.Kind.CONFLICT);
            assertThat(e.getMessage()).contains("munero.yaml exists; use --force");
        });
        write("munero.yaml", "steps: []\n");
        assertThat(builds.detectConfig().existed()).isTrue();
        assertThat(builds.writeConfig(true).steps()).isEqualTo(written.steps());
        assertThat(repo.resolve("munero.yaml")).content().contains("written by 'munero init'");
    }
}
