package dev.munero.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code munero demo}: the README's main job as one command (issue 11.12). It copies the checkout's
 * {@code examples/run-calc} to a new directory, makes it a git repository with one commit, and runs
 * {@code munero run} on it replaying {@code examples/run-calc.session.jsonl}; then it says where the result is.
 *
 * <p>Every demo gets a fresh repository, and a replayed run does not use the learning store, so the demo can be
 * run any number of times. The example is found through {@code MUNERO_HOME}, which the {@code munero} launcher sets
 * to its checkout.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run Munero's main job on the bundled example, with no key and no network: copy "
                + "examples/run-calc to a new git repository and run munero run on it, replaying the recorded session "
                + "examples/run-calc.session.jsonl (a scripted model's turns; everything else is real: the worktree "
                + "and commits, the agents' edits, the engine's checks, the event log, the costs).",
                "",
                "The same as the README's explicit commands. Each demo gets a new repository, so it can be run again.",
                ""},
        footer = {"", "Exit codes: those of munero run (0 every check passed); 2 when the example cannot be found or "
                + "copied."})
final class DemoCommand implements Callable<Integer> {
    static final String EXAMPLE = "run-calc";

    private final Invocation invocation;

    DemoCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Where to make the demo repository (a new directory DIR/run-calc-N inside it; default: a new "
                    + "directory under the system's temporary directory).")
    Path dir;

    @Option(names = "--events", paramLabel = "FORMAT", description = "As for munero run: jsonl streams every event.")
    String events;

    @Override
    public Integer call() {
        String home = invocation.env().get("MUNERO_HOME");
        if (home == null || home.isBlank()) {
            invocation.err().println("munero: error: munero demo needs a Munero checkout's examples: run it as "
                    + "./munero demo from the checkout (the launcher sets MUNERO_HOME), or set MUNERO_HOME to the "
                    + "checkout");
            return ExitCodes.USAGE;
        }
        Path examples = invocation.cwd().resolve(home).toAbsolutePath().normalize().resolve("examples");
        Path source = examples.resolve(EXAMPLE);
        Path session = examples.resolve(EXAMPLE + ".session.jsonl");
        if (!Files.isRegularFile(source.resolve("SPEC.md")) || !Files.isRegularFile(session)) {
            invocation.err().println("munero: error: the demo's example is not in " + examples + " (need " + EXAMPLE
                    + "/SPEC.md and " + EXAMPLE + ".session.jsonl); is MUNERO_HOME=" + home + " a Munero checkout?");
            return ExitCodes.USAGE;
        }
        Path repo;
        try {
            repo = newRepository(source);
        } catch (IOException e) {
            invocation.err().println("munero: error: cannot make the demo repository: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.INTERRUPTED;
        }
        String shown = RunDriver.shown(invocation, repo);
        PrintStream status = "jsonl".equals(events) ? invocation.err() : invocation.out();
        status.println("demo: copied examples/" + EXAMPLE + " to " + shown + " and committed it as a new git repository");
        status.println("demo: munero run -C " + shown + " --spec " + shown + "/SPEC.md --replay " + session);
        status.println();
        List<String> args = new ArrayList<>(List.of("run", "-C", repo.toString(), "--spec",
                repo.resolve("SPEC.md").toString(), "--replay", session.toString()));
        if (events != null) {
            args.addAll(List.of("--events", events));
        }
        int code = Main.run(invocation, args.toArray(String[]::new));
        status.println();
        status.println("demo: the demo repository is " + repo + "; the result is its branch munero/<run-id> (above). "
                + "Delete it with rm -rf " + (dir == null ? repo.getParent() : repo) + " when done.");
        return code;
    }

    /**
     * Copies the example (without build outputs or Munero state) to a new directory and commits it: under
     * {@code --dir}, or alone in a new temporary directory (the one to delete afterwards).
     */
    private Path newRepository(Path source) throws IOException, InterruptedException {
        Path parent = dir == null ? Files.createTempDirectory("munero-demo-")
                : Files.createDirectories(invocation.cwd().resolve(dir).toAbsolutePath().normalize());
        Path repo = parent.resolve(EXAMPLE);
        for (int n = 2; Files.exists(repo); n++) {
            repo = parent.resolve(EXAMPLE + "-" + n);
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path rel = source.relativize(file);
                if (rel.startsWith("out") || rel.startsWith(".munero") || rel.startsWith(".git")) {
                    continue;
                }
                Path target = repo.resolve(rel.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Munero demo", "-c", "user.email=demo@localhost", "commit", "-q", "-m",
                "the run-calc example");
        return repo;
    }

    private static void git(Path repo, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "core.hooksPath=/dev/null",
                "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR").forEach(pb.environment()::remove);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start git (is it installed and on the PATH?): " + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed in " + repo + ": " + out);
        }
    }
}
