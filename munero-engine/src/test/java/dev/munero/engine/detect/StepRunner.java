package dev.munero.engine.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.config.StepSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs detected steps one at a time in dependency order, for tests that check the commands really work. */
final class StepRunner {

    private StepRunner() {
    }

    /** Whether {@code program} is an executable file on the PATH. */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return true;
            }
        }
        return false;
    }

    /** The steps ordered so that every step comes after its dependencies; ties keep list order. */
    static List<StepSpec> dependencyOrder(List<StepSpec> steps) {
        List<StepSpec> ordered = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        while (ordered.size() < steps.size()) {
            StepSpec next = steps.stream()
                    .filter(s -> !done.contains(s.name()) && done.containsAll(s.dependsOn()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("dependency cycle among " + TestRepo.names(steps)));
            ordered.add(next);
            done.add(next.name());
        }
        return ordered;
    }

    /**
     * Runs every step in dependency order and fails the test, showing the step's output, when one exits
     * non-zero or outlives {@code timeout}.
     */
    static void runAll(Path root, List<StepSpec> steps, Duration timeout) throws IOException, InterruptedException {
        for (StepSpec step : dependencyOrder(steps)) {
            Path log = Files.createTempFile("munero-step", ".log");
            try {
                Process p = new ProcessBuilder(step.command().toArgv())
                        .directory(root.resolve(step.cwd()).toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("step " + step.name() + " ran longer than " + timeout + ":\n" + Files.readString(log));
                }
                assertThat(p.exitValue())
                        .as("exit code of step %s (%s):%n%s", step.name(), step.command().display(), Files.readString(log))
                        .isZero();
            } finally {
                Files.deleteIfExists(log);
            }
        }
    }
}
