package dev.munero.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code munero} in-process with stdout and stderr captured. Not thread-safe (swaps System.out). */
final class Cli {
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Cli() {
    }

    /** Writes {@code text} to {@code rel} under {@code repo}, creating directories. */
    static void write(java.nio.file.Path repo, String rel, String text) throws java.io.IOException {
        java.nio.file.Path p = repo.resolve(rel);
        java.nio.file.Files.createDirectories(p.getParent());
        java.nio.file.Files.writeString(p, text);
    }

    /** Step name to status, from a report. */
    static java.util.Map<String, dev.munero.engine.build.StepStatus> statuses(dev.munero.engine.build.BuildReport r) {
        return r.steps().stream().collect(java.util.stream.Collectors.toMap(
                dev.munero.engine.build.StepResult::name, dev.munero.engine.build.StepResult::status));
    }

    /**
     * Runs {@code munero args...} through {@link Main#run(Invocation, String...)}: captured streams, exactly
     * {@code env}, {@code cwd}, no terminal and no daemon. Leaves {@code System.out} alone, so it is thread-safe.
     */
    static Result run(java.nio.file.Path cwd, java.util.Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            Invocation invocation = new Invocation(o, e, java.util.Map.copyOf(env), cwd, false, onInterrupt -> () -> { },
                    null);
            code = Main.run(invocation, args);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            int code = Main.run(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
