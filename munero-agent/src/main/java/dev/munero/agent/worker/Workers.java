package dev.munero.agent.worker;

import dev.munero.engine.exec.ProcessRunner;
import dev.munero.llm.pricing.ModelTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The workers by name: {@code agent} (the built-in agent, {@link AgentWorker}) and the CLIs {@code claude-code},
 * {@code codex}, {@code gemini} ({@link CliWorker}). A CLI is found as {@code MUNERO_CLAUDE}, {@code MUNERO_CODEX}
 * or {@code MUNERO_GEMINI} when that variable names an executable, else as {@code claude}, {@code codex} or
 * {@code gemini} on {@code PATH}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Workers {
    /** The built-in agent's name. */
    public static final String AGENT = "agent";
    /** Every worker name, the built-in agent first. */
    public static final List<String> NAMES = List.of(AGENT, ClaudeCode.NAME, Codex.NAME, Gemini.NAME);

    private Workers() {
    }

    /**
     * The CLI worker named {@code name}.
     *
     * @param env    the environment whose {@code PATH} and {@code MUNERO_<CLI>} variables locate the executable
     * @param prices prices the usage a CLI reports without a cost
     * @return empty when the CLI is not installed
     * @throws IllegalArgumentException when {@code name} is no CLI worker's name; the message lists them
     */
    public static Optional<CliWorker> cli(String name, Map<String, String> env, ModelTable prices) {
        CliDialect dialect = dialect(name);
        return executable(dialect, env).map(exe -> new CliWorker(dialect, exe, prices));
    }

    /** The names of the workers that can run here: {@code agent}, and each CLI whose executable is found. */
    public static List<String> available(Map<String, String> env) {
        List<String> out = new ArrayList<>(List.of(AGENT));
        for (String name : NAMES.subList(1, NAMES.size())) {
            if (executable(dialect(name), env).isPresent()) {
                out.add(name);
            }
        }
        return out;
    }

    /** The variable that may name {@code name}'s executable, e.g. {@code MUNERO_CLAUDE}. */
    public static String executableVariable(String name) {
        return "MUNERO_" + dialect(name).program().toUpperCase(Locale.ROOT);
    }

    /**
     * The npm package that installs the CLI named {@code name}, for "install it" messages: {@code
     * @anthropic-ai/claude-code}, {@code @openai/codex} or {@code @google/gemini-cli}.
     *
     * @throws IllegalArgumentException when {@code name} is no CLI worker's name
     */
    public static String npmPackage(String name) {
        return switch (dialect(name).name()) {
            case ClaudeCode.NAME -> "@anthropic-ai/claude-code";
            case Codex.NAME -> "@openai/codex";
            default -> "@google/gemini-cli";
        };
    }

    /** The variable that must hold the API key of the CLI named {@code name}, e.g. {@code ANTHROPIC_API_KEY}. */
    public static String keyVariable(String name) {
        return dialect(name).keyVariable();
    }

    /**
     * What a kept stream says was spent: the session id, usage and cost read back from a CLI's {@code stdout.jsonl}
     * (a task whose Munero was killed leaves it, written line by line), so that a resumed task can count the spend of
     * its killed part. The outcome is {@link WorkerOutcome#FINISHED} when the stream holds a successful final event,
     * else {@link WorkerOutcome#CRASHED}; exit code and duration are unknown (empty, zero).
     *
     * @param name   the CLI worker's name
     * @param stdout the kept stream
     * @param model  the model the task asked for, to price usage the stream reports without a cost
     * @param prices Munero's model table
     * @throws java.io.IOException when the file cannot be read
     * @throws IllegalArgumentException when {@code name} is no CLI worker's name
     */
    public static WorkerResult readBack(String name, Path stdout, Optional<String> model, ModelTable prices)
            throws java.io.IOException {
        return readBack(name, stdout, Optional.empty(), model, prices);
    }

    /**
     * {@link #readBack(String, Path, Optional, ModelTable)}, and for Codex, whose stream reports usage only when a turn
     * completes ({@code codex exec} is one turn), the calls of a turn the stream left open read from Codex's session
     * log in the worker's {@code home} ({@link CodexRollout}; the detail says so). Claude Code's and Gemini's streams
     * carry their calls' usage themselves.
     *
     * @param home the worker's home (the CLI's files, e.g. {@code .codex/sessions}); empty to read the stream only
     * @throws java.io.IOException when the stream cannot be read
     * @throws java.io.UncheckedIOException when Codex's session log exists and cannot be read
     * @throws IllegalArgumentException when {@code name} is no CLI worker's name
     */
    public static WorkerResult readBack(String name, Path stdout, Optional<Path> home, Optional<String> model,
                                        ModelTable prices) throws java.io.IOException {
        CliDialect dialect = dialect(name);
        StreamParser parser = dialect.parser();
        StreamState state = new StreamState(parser, prices, dialect.pricingProvider(),
                model.map(m -> m.contains(":") ? m.substring(m.indexOf(':') + 1) : m));
        try (var lines = Files.lines(stdout, java.nio.charset.StandardCharsets.UTF_8)) {
            lines.forEach(line -> state.line(line, event -> { }));
        }
        String detail = "read back from " + stdout + (home.isPresent() ? countOpenTurn(parser, state, home.get())
                : "");
        WorkerOutcome outcome = state.verdict == StreamState.Final.SUCCESS ? WorkerOutcome.FINISHED
                : WorkerOutcome.CRASHED;
        return new WorkerResult(outcome, state.summary, detail, state.usage, state.costUsd(),
                state.costSource(), state.turns, Optional.ofNullable(state.sessionId), java.util.OptionalInt.empty(),
                Optional.of(stdout), Optional.empty(), state.malformed, java.time.Duration.ZERO);
    }

    /**
     * Adds to {@code state} the usage of a Codex turn its stream left open (killed mid-turn), read from Codex's session
     * log in {@code home} ({@link CodexRollout}).
     *
     * @return a note for the result's detail ({@code "; the turn it left open counted from ..."}), "" when nothing
     *         was added (another CLI, no open turn, no log)
     * @throws java.io.UncheckedIOException when Codex's session log exists and cannot be read
     */
    static String countOpenTurn(StreamParser parser, StreamState state, Path home) {
        if (!(parser instanceof CodexStream codex) || !codex.turnOpen()) {
            return "";
        }
        Optional<dev.munero.llm.Usage> open = CodexRollout.openTurnUsage(Codex.codexHome(home), state.sessionId);
        if (open.isEmpty()) {
            return "";
        }
        state.usage = state.usage.plus(open.get());
        return "; the turn it left open counted from Codex's session log in "
                + Codex.codexHome(home).resolve("sessions");
    }

    static CliDialect dialect(String name) {
        return switch (name) {
            case ClaudeCode.NAME -> new ClaudeCode();
            case Codex.NAME -> new Codex();
            case Gemini.NAME -> new Gemini();
            default -> throw new IllegalArgumentException("unknown CLI worker '" + name + "'; valid: "
                    + String.join(", ", NAMES.subList(1, NAMES.size())));
        };
    }

    private static Optional<Path> executable(CliDialect dialect, Map<String, String> env) {
        String named = env.get("MUNERO_" + dialect.program().toUpperCase(Locale.ROOT));
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String found = ProcessRunner.resolveProgram(dialect.program(), env, Path.of("/"));
        return found.contains("/") ? Optional.of(Path.of(found)) : Optional.empty();
    }
}
