package dev.munero.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.build.BuildEngine;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildOptions;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.Command;
import dev.munero.engine.config.Project;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.graph.BuildGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {
    @TempDir
    Path root;

    @Test
    void aCancelledStepNeverRunsItsNextCommandAndIsCancelledWithoutAnExitCode() throws Exception {
        // issue 9.3: the shell ran `echo done > a.txt` between its child's death and its own, and the step was
        // reported CANCELLED with exit code 0; tried 10 times, as the 3-in-10 failure rate needs
        for (int attempt = 0; attempt < 10; attempt++) {
            Path dir = Files.createDirectories(root.resolve("try" + attempt));
            StepSpec slow = StepSpec.builder("slow",
                    new Command.Shell("echo $$ > sh.pid; sleep 20; echo done > a.txt")).build();
            Project project = new Project(dir, List.of(slow), BuildSettings.DEFAULTS, List.of(), "development", "test");
            BuildOptions options = new BuildOptions(List.of(), 1, false, false, true, false, dir.resolve(".munero/cache"),
                    dir.resolve(".munero"), System.getenv());
            BuildEngine engine = new BuildEngine(project, BuildGraph.of(List.of(slow), dir), options, BuildListener.NONE);
            var pool = Executors.newSingleThreadExecutor();
            CompletableFuture<BuildReport> report = CompletableFuture.supplyAsync(() -> {
                try {
                    return engine.build();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, pool);
            Path pidFile = dir.resolve("sh.pid");
            for (int i = 0; i < 1200 && !(Files.exists(pidFile) && Files.readString(pidFile).endsWith("\n")); i++) {
                Thread.sleep(25); // the step writes it; bounded to 30 s
            }
            long shell = Long.parseLong(Files.readString(pidFile).strip());
            engine.cancel();
            BuildReport r = report.get(2, TimeUnit.MINUTES);
            pool.shutdown();
            StepResult step = r.steps().getFirst();
            assertThat(r.status()).isEqualTo(BuildStatus.CANCELLED);
            assertThat(step.status()).as("attempt %d", attempt).isEqualTo(StepStatus.CANCELLED);
            assertThat(step.exitCode()).as("attempt %d: a killed step has no exit code", attempt).isNull();
            // the shell is gone, so it can never write a.txt later; and it did not write it before dying
            assertThat(ProcessHandle.of(shell).map(ProcessHandle::isAlive).orElse(false))
                    .as("attempt %d: the step's shell is dead", attempt).isFalse();
            assertThat(dir.resolve("a.txt")).as("attempt %d", attempt).doesNotExist();
        }
    }

    @Test
    void aTimedOutTreeIsKilledWholeIncludingAChildInItsOwnSession() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")),
                "util-linux setsid is not installed");
        // the child leaves the step's process group (setsid): it is found in the tree and killed as well
        Path log = root.resolve("log");
        ProcessOutcome outcome = new ProcessRunner().run(List.of("sh", "-c",
                        "setsid sh -c 'echo $$ > inner.pid; sleep 60; echo late > late.txt' & "
                                + "while [ ! -s inner.pid ]; do sleep 0.05; done; sleep 60"),
                root, System.getenv(), log, Optional.of(Duration.ofSeconds(3)), Optional.empty());
        assertThat(outcome.timedOut()).isTrue();
        long inner = Long.parseLong(Files.readString(root.resolve("inner.pid")).strip());
        assertThat(ProcessHandle.of(inner).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(root.resolve("late.txt")).doesNotExist();
    }

    @Test
    void everyStepStartsThroughTheLauncherWithTheEnvironmentItReturns() throws Exception {
        List<List<String>> seen = new ArrayList<>();
        ProcessLauncher wrapping = (argv, cwd, env) -> {
            synchronized (seen) {
                seen.add(argv);
            }
            Map<String, String> changed = new HashMap<>(env);
            changed.remove("MUNERO_TEST_SECRET");
            List<String> wrapped = new ArrayList<>(List.of("env", "WRAPPED=yes"));
            wrapped.addAll(argv);
            return new ProcessLauncher.Launch(wrapped, changed);
        };
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MUNERO_TEST_SECRET", "s3cret-value");
        StepSpec step = StepSpec.builder("show", new Command.Shell(
                "echo \"wrapped=$WRAPPED secret=${MUNERO_TEST_SECRET:-none}\" > out.txt")).build();
        Project project = new Project(root, List.of(step), BuildSettings.DEFAULTS, List.of(), "development", "test");
        BuildOptions options = new BuildOptions(List.of(), 1, false, false, false, false, root.resolve(".munero/cache"),
                root.resolve(".munero"), env);
        BuildReport r = new BuildEngine(project, BuildGraph.of(List.of(step), root), options, BuildListener.NONE,
                wrapping).build();
        assertThat(r.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(Files.readString(root.resolve("out.txt"))).isEqualTo("wrapped=yes secret=none\n");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().getLast()).contains("echo");
    }
}
