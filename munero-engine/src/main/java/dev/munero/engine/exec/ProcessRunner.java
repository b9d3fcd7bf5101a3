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
 * process trees on timeout or cancellation.
 *
 * <p>Each process starts through the {@link ProcessLauncher} (the engine's seam for sandboxing), and, where
 * util-linux {@code setsid} is installed (every common Linux), as the leader of its own session and process group.
 * A kill then freezes the whole group at once ({@code SIGSTOP} to the group), takes the tree, kills the group at
 * once ({@code SIGKILL} to the group), and kills every process of the tree that left the group (its own session,
 * e.g. a sandbox's inner processes or a daemon) parents first, again until none is left — so nothing a killed step
 * would do next runs (issue 9.3: a shell no longer runs its next command between its child's death and its own).
 * Without {@code setsid} (macOS) the tree is killed parents first through {@link ProcessHandle}.
 *
 * <p>Standard input is empty (a step cannot wait on the terminal). Thread-safe: any number of
 * {@link #run} calls may proceed at once; {@link #cancelAll} kills every running tree.
 */
public final class ProcessRunner {
    private static final Optional<Path> SETSID = firstExecutable("/usr/bin/setsid", "/bin/setsid");
    private static final Optional<Path> KILL = firstExecutable("/usr/bin/kill", "/bin/kill");
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private final ProcessLauncher launcher;
    private volatile boolean cancelled;

    /** A runner that starts processes as they are ({@link ProcessLauncher#DIRECT}). */
    public ProcessRunner() {
        this(ProcessLauncher.DIRECT);
    }

    /** A runner that starts every process through {@code launcher}. */
    public ProcessRunner(ProcessLauncher launcher) {
        this.launcher = java.util.Objects.requireNonNull(launcher, "launcher");
    }

    /**
     * Starts {@code argv} and waits for it.
     *
     * @param argv    program and arguments
     * @param cwd     working directory
     * @param env     the complete environment of the child, before the {@link ProcessLauncher} changes it
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
        List<String> resolved = new java.util.ArrayList<>(argv);
        resolved.set(0, resolveProgram(argv.get(0), env, cwd));
        ProcessLauncher.Launch launch = launcher.prepare(resolved, cwd, env);
        List<String> command = new java.util.ArrayList<>();
        Path program = cwd.resolve(launch.argv().getFirst());
        if (Files.isRegularFile(program) && Files.isExecutable(program)) {
            // a program that cannot start keeps the JDK's start error ("No such file or directory")
            SETSID.ifPresent(setsid -> command.add(setsid.toString()));
        }
        command.addAll(launch.argv());
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(launch.env());
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
            return new ProcessOutcome(wasCancelled ? -1 : p.exitValue(), timedOut, wasCancelled, null,
                    millisSince(start));
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
    public static String resolveProgram(String program, Map<String, String> env, Path cwd) {
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
                if (!r.ready()) {
                    w.flush(); // nothing more waiting: make the log readable while the step runs (the server's step logs)
                }
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

    /**
     * Kills {@code root} and everything it started, so that none of them runs another instruction of its own: with
     * a process group, the group is stopped and killed at once; then every process of the tree still alive (those
     * that left the group) is killed parents first, and their new children too, until none is left.
     */
    public static void killTree(ProcessHandle root) {
        boolean group = SETSID.isPresent() && KILL.isPresent();
        if (group) {
            signalGroup("STOP", root.pid());
        }
        List<ProcessHandle> tree = new java.util.ArrayList<>();
        tree.add(root);
        tree.addAll(root.descendants().toList()); // parents before children
        if (group) {
            signalGroup("KILL", root.pid());
        }
        for (int round = 0; round < 100 && !tree.isEmpty(); round++) {
            List<ProcessHandle> next = new java.util.ArrayList<>();
            for (ProcessHandle h : tree) {
                if (h.isAlive()) {
                    next.addAll(h.descendants().toList()); // started since the last look
                    h.destroyForcibly();
                }
            }
            for (ProcessHandle h : tree) {
                try {
                    h.onExit().get(100, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    next.add(h); // not gone yet: again
                }
            }
            tree = next.stream().filter(ProcessHandle::isAlive).distinct().toList();
        }
    }

    /** {@code kill -SIGNAL -- -PGID}: the whole process group at once. */
    private static void signalGroup(String signal, long pgid) {
        try {
            Process kill = new ProcessBuilder(KILL.orElseThrow().toString(), "-" + signal, "--", "-" + pgid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // the group is killed member by member below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The {@code setsid} program that starts a command as the leader of its own process group (and session), so its
     * whole tree can be killed at once; empty where there is none (macOS). Other supervisors of child processes (the
     * CLI workers) start theirs through it too.
     */
    public static Optional<Path> setsid() {
        return SETSID;
    }

    private static Optional<Path> firstExecutable(String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
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
