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

    /** The variable that must hold the API key of the CLI named {@code name}, e.g. {@code ANTHROPIC_API_KEY}. */
    public static String keyVariable(String name) {
        return dialect(name).keyVariable();
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
