package dev.munero.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bundled example as a user's repository, for tests in every module (munero-core's test-jar): {@code
 * examples/run-calc} copied and committed in a new git repository, as the README has users do, and the recording
 * {@code examples/run-calc.session.jsonl} that replays its run. Paths resolve from a module's directory (where
 * Maven runs its tests). Stateless.
 */
public final class ExampleRepos {
    /** {@code examples/}. */
    public static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    /** {@code examples/run-calc}. */
    public static final Path RUN_CALC = EXAMPLES.resolve("run-calc");
    /** {@code examples/run-calc.session.jsonl}: the recorded session of a run on it. */
    public static final Path SESSION = EXAMPLES.resolve("run-calc.session.jsonl");

    private ExampleRepos() {
    }

    /**
     * {@code examples/run-calc} (without build outputs or Munero state) copied to {@code copy}, which becomes a git
     * repository with it committed.
     *
     * @return {@code copy}
     * @throws IOException when a file cannot be copied or git fails (its output in the message)
     */
    public static Path runCalc(Path copy) throws IOException, InterruptedException {
        try (Stream<Path> files = Files.walk(RUN_CALC)) {
            for (Path file : files.toList()) {
                Path rel = RUN_CALC.relativize(file);
                if (rel.startsWith("out") || rel.startsWith(".munero")) {
                    continue;
                }
                Path target = copy.resolve(rel.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return committed(copy);
    }

    /**
     * Makes {@code dir} a git repository (branch main) with everything in it committed, as a user's repository is.
     *
     * @return {@code dir}
     * @throws IOException when git fails (its output in the message)
     */
    public static Path committed(Path dir) throws IOException, InterruptedException {
        git(dir, "init", "-q", "-b", "main");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=demo", "-c", "user.email=demo@localhost", "commit", "-q", "-m", "initial");
        return dir;
    }

    /**
     * Runs {@code git -C dir args...} and waits for it (up to 5 minutes).
     *
     * @return its output (stdout and stderr), stripped
     * @throws IOException when it fails or does not end, with its output
     */
    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("git " + String.join(" ", args) + ": " + out);
        }
        return out.strip();
    }
}
