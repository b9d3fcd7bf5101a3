package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.Reports;
import dev.munero.engine.build.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real munero process, stopped by a signal mid-build, kills its step's process tree and still writes its report. */
class InterruptTest {
    @TempDir
    Path repo;

    @Test
    void aSignalMidBuildKillsTheStepProcessTreeAndWritesACancelledReport() throws Exception {
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: long
                    command: "sleep 120 & echo $! > grandchild.pid; wait"
                    shell: true
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process munero = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.munero.cli.Main",
                "build", "-C", repo.toString()).redirectErrorStream(true).redirectOutput(repo.resolve("munero.out").toFile()).start();
        Path pidFile = repo.resolve("grandchild.pid");
        for (int i = 0; i < 600 && !(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()); i++) {
            Thread.sleep(50); // polling a file another process writes; bounded to 30 s
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());

        munero.destroy(); // SIGTERM, as a CI runner's cancel does; Ctrl-C takes the same path

        assertThat(munero.waitFor(5, TimeUnit.MINUTES)).as("munero exited").isTrue();
        assertThat(munero.exitValue()).isEqualTo(143);
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(2, TimeUnit.MINUTES).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("grandchild sleep killed").isFalse();
        BuildReport report = Reports.read(repo.resolve(".munero/reports/latest.json"));
        assertThat(report.status()).isEqualTo(BuildStatus.CANCELLED);
        assertThat(report.steps()).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(StepStatus.CANCELLED);
            assertThat(s.reasons()).contains("killed: the build was cancelled");
        });
        assertThat(List.of(repo.resolve(".munero/cache").toFile().list() == null ? new String[0]
                : repo.resolve(".munero/cache/ac").toFile().list() == null ? new String[0]
                : repo.resolve(".munero/cache/ac").toFile().list())).isEmpty();
    }
}
