package dev.munero.agent.worker;

import dev.munero.engine.exec.ProcessRunner;
import dev.munero.llm.pricing.ModelTable;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A coding-agent CLI run headless on one task, and supervised. Per task:
 * <ol>
 *   <li>the CLI's home is created and its configuration written ({@link CliDialect#prepareHome}); its environment
 *       holds only {@code PATH}, {@code HOME} (that home), its key and base URL and its quiet-mode variables;</li>
 *   <li>the process starts through the task's sandbox ({@code Sandbox.wrapWorker}: the workspace and the home
 *       writable, the git directory read-only, the user's home hidden, the CLI's installation read-only, the network
 *       shared) as the leader of its own process group ({@code setsid}), in the workspace; the prompt goes to its
 *       stdin (or its command line), then stdin is closed;</li>
 *   <li>one thread reads stdout line by line: each line is appended to {@code LOGDIR/stdout.jsonl} as it came, and
 *       parsed ({@link StreamState}); stderr goes to {@code LOGDIR/stderr.log};</li>
 *   <li>the supervising thread watches, every 100 ms: no line for {@link WorkerLimits#inactivity()} before the final
 *       event → the tree is killed, {@code HUNG}; the spend so far (reported, else priced) at or past
 *       {@link WorkerLimits#remainingBudgetUsd()} → killed, {@code LIMIT}; past {@link WorkerLimits#timeout()} →
 *       killed, {@code LIMIT}; still running {@link WorkerLimits#grace()} after the final event → killed, and the
 *       final event decides;</li>
 *   <li>after the process exits, whatever is left of its process group is killed too (a child holding the pipe
 *       open), and {@link Outcomes#classify} turns exit code × final event into the outcome; a Codex turn the stream
 *       left open (killed mid-turn) is counted from Codex's session log ({@link CodexRollout}).</li>
 * </ol>
 *
 * <p>Thread-safe: each {@link #run} has its own process, threads and state.
 */
public final class CliWorker implements Worker {
    private static final long POLL_MILLIS = 100;

    private final CliDialect dialect;
    private final Path executable;
    private final ModelTable prices;

    CliWorker(CliDialect dialect, Path executable, ModelTable prices) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.executable = executable.toAbsolutePath().normalize();
        this.prices = Objects.requireNonNull(prices, "prices");
    }

    @Override
    public String name() {
        return dialect.name();
    }

    /** The CLI's executable. */
    public Path executable() {
        return executable;
    }

    /** The command line this worker would start for {@code task}, before the sandbox wraps it (for messages). */
    public List<String> command(WorkerTask task) {
        return dialect.command(executable, task);
    }

    @Override
    public WorkerResult run(WorkerTask task, WorkerListener listener) throws IOException, InterruptedException {
        long startNanos = System.nanoTime();
        Files.createDirectories(task.logDir());
        Files.createDirectories(task.home());
        dialect.prepareHome(task);
        Path stdoutLog = task.logDir().resolve("stdout.jsonl");
        Path stderrLog = task.logDir().resolve("stderr.log");
        StreamParser parser = dialect.parser();
        StreamState state = new StreamState(parser, prices, dialect.pricingProvider(), task.cliModel());
        var env = dialect.environment(task);
        if (!env.containsKey(dialect.keyVariable())) {
            Files.writeString(stdoutLog, "");
            Files.writeString(stderrLog, "");
            return result(state, WorkerOutcome.ERROR, dialect.name() + " needs " + dialect.keyVariable()
                    + " in the environment; set it (or put it in ~/.config/munero/config.toml) and run again",
                    OptionalInt.empty(), stdoutLog, stderrLog, startNanos);
        }
        List<String> command = new ArrayList<>();
        ProcessRunner.setsid().ifPresent(s -> command.add(s.toString()));
        command.addAll(task.sandbox().wrapWorker(dialect.command(executable, task), task.workspace(), task.home(),
                readOnly(task), env));
        ProcessBuilder pb = new ProcessBuilder(command).directory(task.workspace().toFile())
                .redirectError(stderrLog.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            Files.writeString(stdoutLog, "");
            return result(state, WorkerOutcome.CRASHED, "cannot start " + executable + ": " + e.getMessage(),
                    OptionalInt.empty(), stdoutLog, stderrLog, startNanos);
        }
        Supervision watch = new Supervision(System.nanoTime());
        Thread feeder = Thread.ofVirtual().name("munero-worker-stdin").start(() -> feed(process, task));
        Thread reader = Thread.ofVirtual().name("munero-worker-stdout").start(() ->
                read(process, stdoutLog, state, watch, task, listener));
        Outcomes.Kill kill;
        try {
            kill = supervise(process, watch, task.limits());
        } catch (InterruptedException e) {
            ProcessRunner.killTree(process.toHandle());
            throw e;
        }
        if (kill != Outcomes.Kill.NONE) {
            listener.onEvent(new WorkerEvent.Note("warn", killNote(kill, task.limits(), state)));
        }
        ProcessRunner.killTree(process.toHandle()); // the tree, or whatever of its group outlived it
        process.waitFor();
        reader.join(task.limits().grace().toMillis());
        if (reader.isAlive()) {
            process.getInputStream().close(); // a process outside the group still holds the pipe
            reader.join();
        }
        feeder.join(task.limits().grace().toMillis());
        OptionalInt exit = kill == Outcomes.Kill.NONE ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
        String openTurn = openTurn(parser, state, task.home());
        WorkerOutcome outcome = Outcomes.classify(exit, kill, state.verdict);
        return result(state, outcome, detail(outcome, kill, exit, state, task.limits(), stderrLog) + openTurn, exit,
                stdoutLog, stderrLog, startNanos);
    }

    /** What the supervising thread and the reading thread share. */
    private static final class Supervision {
        volatile long lastLineNanos;
        volatile long finalNanos;
        volatile String budgetStop;

        Supervision(long now) {
            this.lastLineNanos = now;
        }
    }

    private Outcomes.Kill supervise(Process process, Supervision watch, WorkerLimits limits)
            throws InterruptedException {
        long start = System.nanoTime();
        while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            if (watch.budgetStop != null) {
                return Outcomes.Kill.BUDGET;
            }
            if (watch.finalNanos != 0 && now - watch.finalNanos > limits.grace().toNanos()) {
                return Outcomes.Kill.AFTER_FINAL;
            }
            if (watch.finalNanos == 0 && now - watch.lastLineNanos > limits.inactivity().toNanos()) {
                return Outcomes.Kill.INACTIVITY;
            }
            if (now - start > limits.timeout().toNanos()) {
                return Outcomes.Kill.TIMEOUT;
            }
        }
        return watch.budgetStop != null ? Outcomes.Kill.BUDGET : Outcomes.Kill.NONE;
    }

    private void feed(Process process, WorkerTask task) {
        try (OutputStream in = process.getOutputStream()) {
            if (dialect.promptOnStdin()) {
                in.write(task.prompt().getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the CLI exited or closed its stdin before reading the prompt; its stream and exit code say what happened
        }
    }

    private static void read(Process process, Path stdoutLog, StreamState state, Supervision watch, WorkerTask task,
                             WorkerListener listener) {
        OptionalDouble budget = task.limits().remainingBudgetUsd();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             BufferedWriter w = Files.newBufferedWriter(stdoutLog, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                watch.lastLineNanos = System.nanoTime();
                w.write(line);
                w.newLine();
                w.flush();
                state.line(line, event -> {
                    listener.onEvent(event);
                    if (event instanceof WorkerEvent.UsageUpdate u && budget.isPresent() && u.costUsd().isPresent()
                            && u.costUsd().getAsDouble() >= budget.getAsDouble() && watch.budgetStop == null) {
                        watch.budgetStop = String.format(java.util.Locale.ROOT,
                                "its spend of $%.4f reached the $%.4f left", u.costUsd().getAsDouble(),
                                budget.getAsDouble());
                    }
                });
                if (state.verdict != StreamState.Final.NONE && watch.finalNanos == 0) {
                    watch.finalNanos = System.nanoTime();
                }
            }
        } catch (IOException e) {
            // the pipe was closed under us (a killed tree); what was read is in the log
        }
    }

    /** A Codex turn the stream left open (the process was killed mid-turn) counted from Codex's session log. */
    private static String openTurn(StreamParser parser, StreamState state, Path home) {
        try {
            return Workers.countOpenTurn(parser, state, home);
        } catch (java.io.UncheckedIOException e) {
            return "; the turn it left open is not counted: " + e.getMessage();
        }
    }

    private static String killNote(Outcomes.Kill kill, WorkerLimits limits, StreamState state) {
        return switch (kill) {
            case INACTIVITY -> "no event for " + human(limits.inactivity()) + "; killing the process tree";
            case BUDGET -> "stopping the worker: its spend reached the budget left ("
                    + String.format(java.util.Locale.ROOT, "$%.4f", limits.remainingBudgetUsd().orElse(0)) + ")";
            case TIMEOUT -> "the task ran longer than " + human(limits.timeout()) + "; killing the process tree";
            case AFTER_FINAL -> "the process was still running " + human(limits.grace())
                    + " after its final event; killing the process tree";
            case NONE -> "";
        };
    }

    private static String detail(WorkerOutcome outcome, Outcomes.Kill kill, OptionalInt exit, StreamState state,
                                 WorkerLimits limits, Path stderrLog) {
        String text = switch (outcome) {
            case FINISHED -> kill == Outcomes.Kill.AFTER_FINAL ? "its final event said success; the process was still "
                    + "running " + human(limits.grace()) + " after it and was killed" : "its final event said success"
                    + exitText(exit);
            case HUNG -> "no event for " + human(limits.inactivity()) + " (after " + state.lines
                    + " line(s)); the process tree was killed";
            case LIMIT -> switch (kill) {
                case BUDGET -> String.format(java.util.Locale.ROOT, "stopped: its spend of $%.4f reached the $%.4f "
                        + "left", state.costUsd().orElse(0), limits.remainingBudgetUsd().orElse(0));
                case TIMEOUT -> "stopped: it ran longer than " + human(limits.timeout());
                default -> state.verdictDetail;
            };
            case ERROR -> state.verdict == StreamState.Final.SUCCESS
                    ? "its final event said success but it exited with " + exit.orElse(-1)
                    : state.verdictDetail + exitText(exit);
            case CRASHED -> "the stream ended without a final event" + exitText(exit)
                    + (state.lastError.isEmpty() ? "" : "; its last error: " + state.lastError) + stderrTail(stderrLog);
        };
        if (state.malformed > 0) {
            text += "; " + state.malformed + " malformed line(s) skipped";
        }
        String unpriced = state.unpricedReason();
        return unpriced.isEmpty() ? text : text + "; cost unknown: " + unpriced;
    }

    private static String exitText(OptionalInt exit) {
        if (exit.isEmpty()) {
            return "";
        }
        int code = exit.getAsInt();
        return code > 128 ? " (killed by signal " + (code - 128) + ")" : " (exit code " + code + ")";
    }

    private static String stderrTail(Path stderrLog) {
        try {
            List<String> lines = Files.readAllLines(stderrLog, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank()).toList();
            if (lines.isEmpty()) {
                return "";
            }
            return "; stderr ends: " + StreamState.abbreviate(String.join(" | ",
                    lines.subList(Math.max(0, lines.size() - 3), lines.size())));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }

    private WorkerResult result(StreamState state, WorkerOutcome outcome, String detail, OptionalInt exit,
                                Path stdout, Path stderr, long startNanos) {
        return new WorkerResult(outcome, state.summary, detail, state.usage, state.costUsd(), state.costSource(),
                state.turns, Optional.ofNullable(state.sessionId), exit, Optional.of(stdout), Optional.of(stderr),
                state.malformed, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /**
     * The CLI's installation, bound read-only into the sandbox: the {@code node_modules} directory an npm-installed
     * CLI lies in (its {@code .bin} link and the native package it runs), else the real executable's directory.
     */
    private List<Path> installation() {
        return installationOf(executable);
    }

    /**
     * What the sandbox binds read-only: the CLI's {@link #installation()}, and that of each stdio MCP server of the
     * task's {@link WorkerTask#mcpConfig()} started by an absolute path (e.g. one installed under the user's home,
     * which the sandbox hides).
     */
    private List<Path> readOnly(WorkerTask task) throws IOException {
        List<Path> out = new ArrayList<>(installation());
        if (task.mcpConfig().isPresent()) {
            for (var server : WorkerMcp.read(task.mcpConfig().get())) {
                if (server.command() != null && Path.of(server.command()).isAbsolute()) {
                    installationOf(Path.of(server.command())).stream().filter(p -> !out.contains(p)).forEach(out::add);
                }
            }
        }
        return out;
    }

    /** The {@code node_modules} directory {@code executable} lies in (also once links are resolved), else its directory. */
    static List<Path> installationOf(Path executable) {
        List<Path> out = new ArrayList<>();
        for (Path p : List.of(executable, realPath(executable))) {
            Path dir = p.getParent();
            for (Path d = p; d != null; d = d.getParent()) {
                if (d.getFileName() != null && d.getFileName().toString().equals("node_modules")) {
                    dir = d;
                    break;
                }
            }
            if (dir != null && !out.contains(dir)) {
                out.add(dir);
            }
        }
        return out;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return d.toMillis() + " ms";
        }
        return s % 60 == 0 && s >= 60 ? (s / 60) + " min" : s + " s";
    }

}
