package dev.munero.engine.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.Command;
import dev.munero.engine.config.Project;
import dev.munero.engine.config.RetryPolicy;
import dev.munero.engine.config.SkipCondition;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.graph.BuildGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildEngineTest {
    @TempDir
    Path root;

    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

    private static StepSpec.Builder sh(String name, String script) {
        return StepSpec.builder(name, new Command.Shell(script));
    }

    private BuildReport build(List<StepSpec> steps, String... targets) throws Exception {
        return build(steps, 2, false, List.of(), "development", targets);
    }

    private BuildReport build(List<StepSpec> steps, int jobs, boolean keepGoing, List<String> verify, String profile,
                              String... targets) throws Exception {
        Project project = new Project(root, steps, BuildSettings.DEFAULTS, verify, profile, "test");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MUNERO_TEST_FLAG", "on");
        BuildOptions options = new BuildOptions(List.of(targets), jobs, keepGoing, false, true, false,
                root.resolve(".munero/cache"), root.resolve(".munero"), env);
        BuildListener listener = new BuildListener() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        };
        return new BuildEngine(project, BuildGraph.of(steps, root), options, listener).build();
    }

    private static Map<String, StepStatus> statuses(BuildReport r) {
        return r.steps().stream().collect(Collectors.toMap(StepResult::name, StepResult::status));
    }

    private static StepResult step(BuildReport r, String name) {
        return r.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private void write(String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** compile: src -> out/app.txt; package: out -> dist/app.pkg; lint: src only. */
    private List<StepSpec> pipeline() {
        return List.of(
                sh("compile", "mkdir -p out && cat src/*.txt > out/app.txt").inputs(List.of("src/**")).outputs(List.of("out/**")).build(),
                sh("package", "mkdir -p dist && tr a-z A-Z < out/app.txt > dist/app.pkg").dependsOn(List.of("compile"))
                        .inputs(List.of("out/**")).outputs(List.of("dist/**")).build(),
                sh("lint", "grep -q . src/a.txt").inputs(List.of("src/**")).build());
    }

    @Test
    void runsStepsInDependencyOrderThenRestoresEverythingFromCache() throws Exception {
        // given
        write("src/a.txt", "hello\n");
        // when
        BuildReport first = build(pipeline());
        // then
        assertThat(first.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(statuses(first)).containsOnly(Map.entry("compile", StepStatus.PASSED),
                Map.entry("package", StepStatus.PASSED), Map.entry("lint", StepStatus.PASSED));
        assertThat(step(first, "package").startMillis()).isGreaterThanOrEqualTo(step(first, "compile").endMillis());
        assertThat(Files.readString(root.resolve("dist/app.pkg"))).isEqualTo("HELLO\n");
        assertThat(step(first, "compile").cacheKey()).hasSize(64);
        assertThat(step(first, "compile").reasons()).containsExactly("no previous build of this step");

        // when the outputs are deleted and the build reruns
        Files.delete(root.resolve("dist/app.pkg"));
        Files.delete(root.resolve("out/app.txt"));
        BuildReport second = build(pipeline());
        // then every step is a cache hit and the outputs are back
        assertThat(statuses(second).values()).containsOnly(StepStatus.CACHED);
        assertThat(second.cacheHitRate()).isEqualTo(1.0);
        assertThat(Files.readString(root.resolve("dist/app.pkg"))).isEqualTo("HELLO\n");
        assertThat(step(second, "compile").cacheKey()).isEqualTo(step(first, "compile").cacheKey());
        assertThat(root.resolve(step(second, "compile").logFile())).exists();
        assertThat(root.resolve(".munero/reports/latest.json")).exists();
        assertThat(Reports.read(root.resolve(".munero/reports/" + second.runId() + ".json"))).isEqualTo(second);
    }

    @Test
    void aBuildInANewProcessTakesItsInputHashesFromTheFileTheLastBuildSaved() throws Exception {
        // given: a built pipeline whose source was written more than the racy window (2 s) before the build; the
        // engine aligns hashings with the file system's clock, so only real time passing makes a hash trusted
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.munero.engine.cache.FileHashCache.realCtime(root),
                "the temp folder's file system keeps no file hashes on disk (no real ctime)");
        write("src/a.txt", "hello\n");
        Thread.sleep(2_100);
        build(pipeline());
        Path saved = root.resolve(".munero/state/file-hashes");
        String real = dev.munero.engine.cache.Hashing.sha256(root.resolve("src/a.txt"));
        assertThat(Files.readString(saved)).contains(real + " ").contains("\t" + root.resolve("src/a.txt"));

        // when: the saved hash of the source is replaced (each build here has a new FileHashCache, as a new JVM)
        Files.writeString(saved, Files.readString(saved).replace(real, "f".repeat(64)));
        BuildReport second = build(pipeline());

        // then: the build believed the file, not the content: compile and lint miss the cache, so the file was not read
        assertThat(statuses(second)).containsEntry("compile", StepStatus.PASSED).containsEntry("lint", StepStatus.PASSED);
        // and with the file gone, the same build hashes again and is a cache hit
        Files.delete(saved);
        assertThat(statuses(build(pipeline())).values()).containsOnly(StepStatus.CACHED);
    }

    @Test
    void rerunsExactlyTheStepsDownstreamOfAChangedInput() throws Exception {
        // given a built diamond: base -> left, right -> top
        write("base/in.txt", "1");
        write("left/in.txt", "1");
        write("right/in.txt", "1");
        List<StepSpec> steps = List.of(
                sh("base", "cat in.txt > out.txt").cwd("base").outputs(List.of("out.txt")).build(),
                sh("left", "cat in.txt ../base/out.txt > out.txt").cwd("left").dependsOn(List.of("base")).outputs(List.of("out.txt")).build(),
                sh("right", "cat in.txt > out.txt").cwd("right").dependsOn(List.of("base")).outputs(List.of("out.txt")).build(),
                sh("top", "cat left/out.txt right/out.txt > top.txt").inputs(List.of("left/out.txt", "right/out.txt"))
                        .dependsOn(List.of("left", "right")).outputs(List.of("top.txt")).build());
        build(steps);
        // when one leaf input changes
        write("left/in.txt", "2");
        BuildReport r = build(steps);
        // then it and its dependents rerun, nothing else
        assertThat(statuses(r)).containsOnly(Map.entry("base", StepStatus.CACHED), Map.entry("left", StepStatus.PASSED),
                Map.entry("right", StepStatus.CACHED), Map.entry("top", StepStatus.PASSED));
        assertThat(step(r, "left").reasons()).containsExactly("input left/in.txt changed");
        assertThat(step(r, "top").reasons()).contains("input left/out.txt changed", "dependency left changed (its cache key is new)");
    }

    @Test
    void aFailedBuildRerunResumesWhereItFailed() throws Exception {
        // given a build whose second step fails
        write("src/a.txt", "hello\n");
        List<StepSpec> steps = List.of(
                sh("compile", "mkdir -p out && cat src/a.txt > out/app.txt").inputs(List.of("src/**")).outputs(List.of("out/**")).build(),
                sh("test", "test -f fixed.txt").dependsOn(List.of("compile")).inputs(List.of("fixed.txt")).build());
        BuildReport failed = build(steps);
        assertThat(failed.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(step(failed, "test").exitCode()).isEqualTo(1);
        assertThat(step(failed, "test").status()).isEqualTo(StepStatus.FAILED);
        // when the problem is fixed and the build reruns
        write("fixed.txt", "ok");
        BuildReport rerun = build(steps);
        // then the step that succeeded comes from the cache
        assertThat(statuses(rerun)).containsOnly(Map.entry("compile", StepStatus.CACHED), Map.entry("test", StepStatus.PASSED));
        assertThat(rerun.status()).isEqualTo(BuildStatus.PASSED);
    }

    @Test
    void failFastStartsNothingNewWhileKeepGoingRunsIndependentBranches() throws Exception {
        List<StepSpec> steps = List.of(
                sh("broken", "exit 3").build(),
                sh("after-broken", "true").dependsOn(List.of("broken")).build(),
                sh("independent", "echo ok > independent.txt").dependsOn(List.of("gate")).build(),
                sh("gate", "true").dependsOn(List.of("broken-first")).build(),
                sh("broken-first", "true").build());
        // fail fast with one job: 'broken' is first in declaration order among equal priorities... force order
        BuildReport failFast = build(steps, 1, false, List.of(), "development");
        assertThat(failFast.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(step(failFast, "broken").exitCode()).isEqualTo(3);
        assertThat(step(failFast, "after-broken").status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(step(failFast, "after-broken").reasons()).containsExactly("dependency broken did not succeed");
        long notStarted = failFast.steps().stream().filter(s -> s.reasons().stream().anyMatch(x -> x.startsWith("not started"))).count();
        assertThat(notStarted + failFast.steps().stream().filter(s -> s.status() == StepStatus.PASSED).count()).isEqualTo(3);

        Files.deleteIfExists(root.resolve("independent.txt"));
        BuildReport keepGoing = build(steps, 1, true, List.of(), "development");
        assertThat(keepGoing.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(step(keepGoing, "independent").status()).isIn(StepStatus.PASSED, StepStatus.CACHED);
        assertThat(step(keepGoing, "after-broken").status()).isEqualTo(StepStatus.SKIPPED);
    }

    @Test
    void retriesAFailingStepWithBackoffUntilItPasses() throws Exception {
        // fails on the first two attempts, passes on the third
        StepSpec flaky = sh("flaky", "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; [ $n -ge 3 ]")
                .retry(new RetryPolicy(3, Duration.ofMillis(10))).inputs(List.of()).build();
        BuildReport r = build(List.of(flaky));
        assertThat(step(r, "flaky").status()).isEqualTo(StepStatus.PASSED);
        assertThat(step(r, "flaky").attempts()).isEqualTo(3);
        assertThat(step(r, "flaky").reasons()).anyMatch(s -> s.startsWith("attempt 1 failed (exit code 1); retrying in"));
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        // the step starts a grandchild that would outlive a plain kill of the shell
        StepSpec slow = sh("slow", "sleep 60 & echo $! > grandchild.pid; wait").timeout(Duration.ofMillis(700))
                .inputs(List.of()).build();
        BuildReport r = build(List.of(slow));
        assertThat(step(r, "slow").status()).isEqualTo(StepStatus.FAILED);
        assertThat(step(r, "slow").reasons()).anyMatch(s -> s.startsWith("timed out after 700ms; process tree killed"));
        long pid = Long.parseLong(Files.readString(root.resolve("grandchild.pid")).trim());
        ProcessHandle.of(pid).ifPresent(h -> {
            try {
                h.onExit().get(2, java.util.concurrent.TimeUnit.MINUTES);
            } catch (Exception e) {
                throw new AssertionError("grandchild " + pid + " still alive", e);
            }
        });
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aCorruptCacheBlobIsAMissWithAWarningNeverAWrongOutput() throws Exception {
        write("src/a.txt", "hello\n");
        build(pipeline());
        // corrupt every blob in the store
        try (Stream<Path> s = Files.walk(root.resolve(".munero/cache/cas"))) {
            for (Path blob : s.filter(Files::isRegularFile).toList()) {
                Files.writeString(blob, "garbage");
            }
        }
        Files.delete(root.resolve("out/app.txt"));
        BuildReport r = build(pipeline());
        assertThat(step(r, "compile").status()).isEqualTo(StepStatus.PASSED);
        assertThat(step(r, "compile").reasons()).anyMatch(s -> s.startsWith("cache entry was corrupt"));
        assertThat(warnings).anyMatch(w -> w.contains("has content hash"));
        assertThat(Files.readString(root.resolve("out/app.txt"))).isEqualTo("hello\n");
        try (Stream<Path> s = Files.walk(root)) {
            assertThat(s.filter(p -> p.toString().endsWith(".munero-tmp")).toList()).isEmpty();
        }
    }

    @Test
    void skipIfConditionsSkipTheStepAndLetDependentsRun() throws Exception {
        List<StepSpec> steps = List.of(
                sh("docs", "exit 1").skipIf(List.of(new SkipCondition.Env("MUNERO_TEST_FLAG", "on"))).build(),
                sh("deploy", "exit 1").skipIf(List.of(new SkipCondition.Profile("development"))).build(),
                sh("after", "true").dependsOn(List.of("docs", "deploy")).build());
        BuildReport r = build(steps);
        assertThat(statuses(r)).containsOnly(Map.entry("docs", StepStatus.SKIPPED), Map.entry("deploy", StepStatus.SKIPPED),
                Map.entry("after", StepStatus.PASSED));
        assertThat(step(r, "docs").reasons()).containsExactly("skipIf: env MUNERO_TEST_FLAG=on");
        assertThat(step(r, "deploy").reasons()).containsExactly("skipIf: profile is development");
        assertThat(r.status()).isEqualTo(BuildStatus.PASSED);
    }

    @Test
    void aMissingVerifyArtifactFailsTheBuildAndIsNamed() throws Exception {
        List<StepSpec> steps = List.of(sh("make", "echo x > app.bin").outputs(List.of("app.bin")).build());
        BuildReport r = build(steps, 2, false, List.of("app.bin", "docs/index.html"), "production");
        assertThat(r.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(r.verifyMissing()).containsExactly("docs/index.html");
    }

    @Test
    void independentStepsRunAtTheSameTimeUpToJobs() throws Exception {
        // each step waits (bounded) for the other's marker: both pass only if they overlap
        String wait = "touch %s.started; i=0; while [ ! -f %s.started ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done; test -f %s.started";
        List<StepSpec> steps = List.of(
                sh("a", wait.formatted("a", "b", "b")).cache(false).build(),
                sh("b", wait.formatted("b", "a", "a")).cache(false).build());
        BuildReport r = build(steps, 2, false, List.of(), "development");
        assertThat(statuses(r).values()).containsOnly(StepStatus.PASSED);
    }

    @Test
    void aStepMarkedNotParallelRunsAlone() throws Exception {
        List<StepSpec> steps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            steps.add(sh("s" + i, "sleep 0.1").cache(false).build());
        }
        steps.add(sh("alone", "sleep 0.2").parallel(false).cache(false).build());
        BuildReport r = build(steps, 4, false, List.of(), "development");
        StepResult alone = step(r, "alone");
        for (StepResult other : r.steps()) {
            if (other != alone) {
                boolean overlaps = other.startMillis() < alone.endMillis() && alone.startMillis() < other.endMillis();
                assertThat(overlaps).as(other.name() + " overlaps the exclusive step").isFalse();
            }
        }
    }

    @Test
    void readyStepsStartLongestChainFirst() throws Exception {
        // 'short' and 'chain1' are both ready; chain1 heads a chain of three, so it starts first
        List<StepSpec> steps = List.of(
                sh("short", "true").cache(false).build(),
                sh("chain1", "true").cache(false).build(),
                sh("chain2", "true").dependsOn(List.of("chain1")).cache(false).build(),
                sh("chain3", "true").dependsOn(List.of("chain2")).cache(false).build());
        BuildReport r = build(steps, 1, false, List.of(), "development");
        assertThat(r.steps().get(0).name()).isEqualTo("chain1");
        assertThat(r.criticalPath()).containsExactly("chain1", "chain2", "chain3");
    }

    @Test
    void dryRunSaysWhatWouldRunAndWhyWithoutRunningIt() throws Exception {
        write("src/a.txt", "hello\n");
        build(pipeline());
        write("src/a.txt", "changed\n");
        Project project = new Project(root, pipeline(), BuildSettings.DEFAULTS, List.of(), "development", "test");
        BuildOptions options = new BuildOptions(List.of(), 1, false, false, true, false, root.resolve(".munero/cache"),
                root.resolve(".munero"), System.getenv());
        List<PlannedStep> plan = new BuildEngine(project, BuildGraph.of(pipeline(), root), options, BuildListener.NONE).plan();
        Map<String, PlannedStep> byName = plan.stream().collect(Collectors.toMap(PlannedStep::name, p -> p));
        assertThat(byName.get("compile").action()).isEqualTo(PlannedStep.Action.RUN);
        assertThat(byName.get("compile").reasons()).containsExactly("input src/a.txt changed");
        assertThat(byName.get("lint").action()).isEqualTo(PlannedStep.Action.RUN);
        assertThat(Files.readString(root.resolve("out/app.txt"))).isEqualTo("hello\n");
    }

    @Test
    void aProgramThatCannotStartFailsTheStepWithAClearReason() throws Exception {
        StepSpec missing = StepSpec.builder("ghost", new Command.Argv(List.of("no-such-program-munero"))).build();
        BuildReport r = build(List.of(missing));
        assertThat(step(r, "ghost").status()).isEqualTo(StepStatus.FAILED);
        assertThat(step(r, "ghost").reasons()).anyMatch(s -> s.startsWith("cannot start 'no-such-program-munero'"));
    }

    @Test
    void interruptingTheBuildingThreadCancelsTheBuildAndStillReports() throws Exception {
        StepSpec slow = sh("slow", "touch started; sleep 60").inputs(List.of()).build();
        Project project = new Project(root, List.of(slow), BuildSettings.DEFAULTS, List.of(), "development", "test");
        BuildOptions options = new BuildOptions(List.of(), 1, false, false, true, false, root.resolve(".munero/cache"),
                root.resolve(".munero"), System.getenv());
        BuildEngine engine = new BuildEngine(project, BuildGraph.of(List.of(slow), root), options, BuildListener.NONE);
        java.util.concurrent.atomic.AtomicReference<BuildReport> report = new java.util.concurrent.atomic.AtomicReference<>();
        Thread builder = new Thread(() -> {
            try {
                report.set(engine.build());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        builder.start();
        for (int i = 0; i < 600 && !Files.exists(root.resolve("started")); i++) {
            Thread.sleep(50); // the child process writes it; bounded to 30 s
        }
        builder.interrupt();
        builder.join(30_000);
        assertThat(builder.isAlive()).as("build returned").isFalse();
        assertThat(report.get().status()).isEqualTo(BuildStatus.CANCELLED);
        assertThat(step(report.get(), "slow").status()).isEqualTo(StepStatus.CANCELLED);
    }

    @Test
    void aStepWhoseShellExitsZeroAfterItsChildrenWereKilledIsCancelledNotPassed() throws Exception {
        // regression: `wait` with no operand returns 0 once the killed children are gone, so the shell
        // can exit 0 after a cancel; that must not count as PASSED (nor be stored in the cache)
        StepSpec slow = sh("slow", "trap 'true' TERM; sleep 60 & echo $! > child.pid; wait; wait").build();
        Project project = new Project(root, List.of(slow), BuildSettings.DEFAULTS, List.of(), "development", "test");
        BuildOptions options = new BuildOptions(List.of(), 1, false, false, true, false, root.resolve(".munero/cache"),
                root.resolve(".munero"), System.getenv());
        BuildEngine engine = new BuildEngine(project, BuildGraph.of(List.of(slow), root), options, BuildListener.NONE);
        java.util.concurrent.CompletableFuture<BuildReport> report = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return engine.build();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, java.util.concurrent.Executors.newSingleThreadExecutor());
        for (int i = 0; i < 600 && !(Files.exists(root.resolve("child.pid")) && !Files.readString(root.resolve("child.pid")).isBlank()); i++) {
            Thread.sleep(50); // the child process writes it; bounded to 30 s
        }
        engine.cancel();
        BuildReport r = report.get(5, java.util.concurrent.TimeUnit.MINUTES);
        assertThat(step(r, "slow").status()).isEqualTo(StepStatus.CANCELLED);
        assertThat(r.status()).isEqualTo(BuildStatus.CANCELLED);
        try (Stream<Path> s = Files.walk(root.resolve(".munero"))) {
            assertThat(s.filter(p -> p.toString().contains("/ac/") && p.toString().endsWith(".json")).toList()).isEmpty();
        }
    }
}
