package dev.munero.engine.exec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs steps as real child processes, stdout and stderr merged into a log file, and kills whole
 * process trees on timeout or cancellation (children first, SIGTERM then, after a grace period,
 * SIGKILL, through {@link ProcessHandle}).
 *
 * <p>Standard input is empty (a step cannot wait on the terminal). Thread-safe: any number of
 * {@link #run} calls may proceed at once; {@link #cancelAll} kills every running tree.
 */
public final class ProcessRunner {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;

    /**
     * Starts {@code argv} and waits for it.
     *
     * @param argv    program and arguments
     * @param cwd     working directory
     * @param env     the complete environment of the child
     * @param log     file that receives stdout and stderr (replaced)
     * @param timeout wall-clock limit, empty for none
     * @param lines   when present, receives each output line as well (for {@code --verbose}); else the
     *                output goes straight to the file with no copying thread
     * @return how it ended; a program that cannot be started is an outcome, not an exception
     * @throws IOException when the log file cannot be written
     */
    public ProcessOutcome run(List<String> argv, Path cwd, Map<String, String> env, Path log, Optional<Duration> timeout,
                              Optional<Consumer<String>> lines) throws IOException {
        Files.createDirectories(log.getParent());
        long start = System.nanoTime();
        if (cancelled) {
            Files.writeString(log, "");
            return new ProcessOutcome(-1, false, true, null, 0);
        }
        List<String> command = new java.util.ArrayList<>(argv);
        command.set(0, resolveProgram(argv.get(0), env, cwd));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        if (lines.isEmpty()) {
            pb.redirectOutput(log.toFile());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            String msg = "cannot start '" + argv.get(0) + "' in " + cwd + ": " + e.getMessage();
            Files.writeString(log, msg + System.lineSeparator());
            return new ProcessOutcome(-1, false, false, msg, millisSince(start));
        }
        running.add(p);
        Thread pump = null;
        try {
            closeQuietly(p.getOutputStream());
            if (lines.isPresent()) {
                Consumer<String> sink = lines.get();
                pump = Thread.ofVirtual().start(() -> pump(p, log, sink));
            }
            boolean timedOut = false;
            if (timeout.isPresent()) {
                if (!p.waitFor(timeout.get().toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut = true;
                    killTree(p.toHandle());
                    p.waitFor();
                }
            } else {
                p.waitFor();
            }
            if (pump != null) {
                pump.join();
            }
            // Whatever its exit code: a tree we killed may still exit 0 (a shell's bare `wait` returns 0 once its
            // killed children are gone), and such a result must never count as a success or reach the cache.
            boolean wasCancelled = cancelled && !timedOut;
            return new ProcessOutcome(p.exitValue(), timedOut, wasCancelled, null, millisSince(start));
        } catch (InterruptedException e) {
            killTree(p.toHandle());
            Thread.currentThread().interrupt();
            return new ProcessOutcome(-1, false, true, null, millisSince(start));
        } finally {
            running.remove(p);
        }
    }

    /**
     * The program to start: a bare name ({@code npm}) is looked up in the {@code PATH} of {@code env}, the
     * child's environment. The JDK would search this JVM's own {@code PATH}, which differs when the build
     * runs for another environment (e.g. in the daemon, or with a {@code PATH} changed by a version manager).
     * Names with a separator, and names not found, are returned unchanged (the start then fails as usual).
     */
    static String resolveProgram(String program, Map<String, String> env, Path cwd) {
        if (program.indexOf('/') >= 0 || program.indexOf(java.io.File.separatorChar) >= 0) {
            return program;
        }
        String path = env.get("PATH");
        if (path == null) {
            return program;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = (dir.isEmpty() ? cwd : cwd.resolve(dir)).resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return program;
    }

    private static void pump(Process p, Path log, Consumer<String> sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             var w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.write(line);
                w.newLine();
                sink.accept(line);
            }
        } catch (IOException e) {
            // the process went away; what was read is in the log
        }
    }

    /** Kills every running process tree and makes later {@link #run} calls return at once as cancelled. */
    public void cancelAll() {
        cancelled = true;
        for (Process p : running) {
            killTree(p.toHandle());
        }
    }

    /** Whether {@link #cancelAll} was called. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** SIGTERM to the tree (descendants first), then SIGKILL to whatever is left after a grace period. */
    static void killTree(ProcessHandle root) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        java.util.Collections.reverse(tree);
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    // still alive: killed below
                }
            }
        }
        // descendants started during the grace period are found again here
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private static void closeQuietly(OutputStream os) {
        try {
            os.close();
        } catch (IOException e) {
            // nothing to tell the child
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
