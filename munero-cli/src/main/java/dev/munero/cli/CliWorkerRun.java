package dev.munero.cli;

import dev.munero.agent.safety.PermissionMode;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.worker.CliWorker;
import dev.munero.agent.worker.WorkerLimits;
import dev.munero.agent.worker.WorkerResult;
import dev.munero.agent.worker.WorkerTask;
import dev.munero.agent.worker.Workers;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;

/**
 * {@code munero agent --worker NAME} for a CLI worker: one task handed to Claude Code, Codex or Gemini CLI, supervised
 * by {@link CliWorker}. The CLI's home is {@code $XDG_STATE_HOME/munero/workers/NAME/<workspace hash>/home} (default
 * {@code ~/.local/state}), kept between runs so that {@code --resume SESSION} finds the session; each run's stream and
 * stderr go next to it in {@code runs/<time>/}.
 */
final class CliWorkerRun {
    private CliWorkerRun() {
    }

    /**
     * The CLI workers found on this machine's {@code PATH} (or named by {@code MUNERO_<CLI>}), for {@code --help}
     * ({@code ${COMPLETION-CANDIDATES}}); {@code none} when there are none.
     */
    static final class Found implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            List<String> found = Workers.available(System.getenv()).stream().filter(w -> !w.equals(Workers.AGENT))
                    .toList();
            return (found.isEmpty() ? List.of("none") : found).iterator();
        }
    }

    /**
     * Runs the task and prints it.
     *
     * @return the exit code: 0 finished, 1 limit, error, hung or crashed, 2 the worker is not installed
     */
    static int run(Invocation invocation, String worker, Path workspace, String task, String model,
                   OptionalDouble maxCostUsd, Duration timeout, Duration inactivity, PermissionMode mode,
                   Sandbox sandbox, String resume, boolean json) {
        Map<String, String> env = new HashMap<>(invocation.env());
        UserConfig config = UserConfig.load(invocation.env());
        String provider = switch (worker) {
            case "claude-code" -> "anthropic";
            case "codex" -> "openai";
            default -> null;
        };
        if (provider != null) {
            String prefix = provider.toUpperCase(java.util.Locale.ROOT);
            config.providerValue(provider, "api_key").ifPresent(v -> env.putIfAbsent(prefix + "_API_KEY", v));
            config.providerValue(provider, "base_url").ifPresent(v -> env.putIfAbsent(prefix + "_BASE_URL", v));
        }
        ModelTable prices = ModelTable.withUserFile(config.sibling("models.toml"));
        Optional<CliWorker> found = Workers.cli(worker, env, prices);
        if (found.isEmpty()) {
            invocation.err().println("munero: error: the " + worker + " worker needs its CLI, and it is not on the PATH"
                    + " (nor named by " + Workers.executableVariable(worker) + "); install it, e.g. "
                    + install(worker));
            return ExitCodes.USAGE;
        }
        String stateHome = env.getOrDefault("XDG_STATE_HOME", Path.of(env.getOrDefault("HOME",
                System.getProperty("user.home")), ".local", "state").toString());
        Path base = Path.of(stateHome, "munero", "workers", worker, hash(workspace));
        Path logs = base.resolve("runs").resolve(Instant.now().toString().replace(':', '-'));
        Optional<String> session = resume != null ? Optional.of(resume)
                : worker.equals("codex") ? Optional.empty() : Optional.of(UUID.randomUUID().toString());
        WorkerTask workerTask;
        try {
            workerTask = new WorkerTask(task, workspace, base.resolve("home"), logs, Optional.ofNullable(model), mode,
                    sandbox, env, Optional.empty(), session, resume != null,
                    new WorkerLimits(maxCostUsd, inactivity, WorkerLimits.DEFAULTS.grace(), timeout));
        } catch (IllegalArgumentException e) {
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        CliWorker cli = found.get();
        if (!json) {
            invocation.out().printf("munero agent: %s (%s) in %s (permission mode %s%s)%n", worker, cli.executable(),
                    workspace, mode.cliName(), sandbox.contains() ? ", sandboxed" : "");
        }
        WorkerTranscript transcript = new WorkerTranscript(invocation.out(), json);
        WorkerResult result;
        Thread runner = Thread.currentThread();
        try (AutoCloseable ignored = invocation.interrupts().register(runner::interrupt)) {
            result = cli.run(workerTask, transcript);
        } catch (InterruptedException e) {
            invocation.err().println("munero: interrupted; the " + worker + " process tree was killed"
                    + session.map(s -> "; continue with --resume " + s).orElse(""));
            return ExitCodes.INTERRUPTED;
        } catch (IOException e) {
            invocation.err().println("munero: error: cannot prepare the worker's files in " + base + ": "
                    + e.getMessage());
            return ExitCodes.FAILED;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        transcript.finish(worker, result);
        return switch (result.outcome()) {
            case FINISHED -> ExitCodes.OK;
            default -> ExitCodes.FAILED;
        };
    }

    private static String install(String worker) {
        return "npm install -g " + dev.munero.agent.worker.Workers.npmPackage(worker);
    }

    private static String hash(Path workspace) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(workspace.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
