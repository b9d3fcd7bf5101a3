package dev.munero.agent.worker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Codex CLI ({@code @openai/codex}, tried with 0.171.0) run headless: {@code codex exec --json --skip-git-repo-check
 * -c sandbox_mode="MODE" [-m M] -} (the prompt on standard input), or to continue a session
 * {@code codex exec resume --json ... ID -}.
 *
 * <p>Its home ({@code CODEX_HOME=HOME/.codex}) gets a {@code config.toml} naming one model provider, {@code munero},
 * with the Responses API ({@code wire_api = "responses"}) at {@code OPENAI_BASE_URL} (or
 * {@code https://api.openai.com/v1}) and the key from {@code OPENAI_API_KEY}: Codex 0.171 ignores
 * {@code OPENAI_BASE_URL} for its built-in provider, and its built-in provider first tries a WebSocket transport and a
 * model list; a configured provider only sends {@code POST /v1/responses}.
 *
 * <p>Sandbox modes (Codex's {@code sandbox_mode}): when Munero's sandbox contains the process, {@code
 * danger-full-access} (Munero's bubblewrap is the boundary; Codex's own bubblewrap helper cannot start inside it);
 * otherwise {@code ask} → {@code read-only}, {@code auto-edit} → {@code workspace-write}, {@code full} →
 * {@code danger-full-access}. {@code codex exec} never asks for approval.
 *
 * <p>MCP servers: those of the task's {@link WorkerTask#mcpConfig()} file ({@link WorkerMcp}) become
 * {@code [mcp_servers.NAME]} tables of the same {@code config.toml} (Codex has no {@code --mcp-config}).
 */
final class Codex implements CliDialect {
    static final String NAME = "codex";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String program() {
        return "codex";
    }

    @Override
    public String pricingProvider() {
        return "openai";
    }

    @Override
    public String keyVariable() {
        return "OPENAI_API_KEY";
    }

    @Override
    public boolean promptOnStdin() {
        return true;
    }

    @Override
    public List<String> command(Path executable, WorkerTask task) {
        List<String> argv = new ArrayList<>(List.of(executable.toString(), "exec"));
        if (task.resume()) {
            argv.add("resume");
        }
        argv.addAll(List.of("--json", "--skip-git-repo-check", "-c", "sandbox_mode=\"" + sandboxMode(task) + "\""));
        task.cliModel().ifPresent(m -> argv.addAll(List.of("-m", m)));
        if (task.resume()) {
            argv.add(task.sessionId().orElseThrow());
        }
        argv.add("-");
        return argv;
    }

    /** Codex's {@code CODEX_HOME} in a worker's home: its config, and its session logs under {@code sessions}. */
    static Path codexHome(Path home) {
        return home.resolve(".codex");
    }

    static String sandboxMode(WorkerTask task) {
        if (task.sandbox().contains()) {
            return "danger-full-access";
        }
        return switch (task.permissions()) {
            case ASK -> "read-only";
            case AUTO_EDIT -> "workspace-write";
            case FULL -> "danger-full-access";
        };
    }

    @Override
    public Map<String, String> environment(WorkerTask task) {
        Map<String, String> env = CliEnvironment.base(task, keyVariable());
        env.put("CODEX_HOME", codexHome(task.home()).toString());
        env.put("TMPDIR", task.home().resolve("tmp").toString());
        return env;
    }

    @Override
    public void prepareHome(WorkerTask task) throws IOException {
        Path dir = Files.createDirectories(codexHome(task.home()));
        Files.createDirectories(task.home().resolve("tmp"));
        String base = task.env().getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1");
        String config = """
                # Written by Munero for one task (dev.munero.agent.worker.Codex); replaced at each start.
                model_provider = "munero"

                [model_providers.munero]
                name = "munero"
                base_url = %s
                env_key = "OPENAI_API_KEY"
                wire_api = "responses"
                """.formatted(tomlString(base.replaceFirst("/$", "")));
        if (task.mcpConfig().isPresent()) {
            config += WorkerMcp.codexTables(WorkerMcp.read(task.mcpConfig().get()));
        }
        Path tmp = Files.createTempFile(dir, "config", ".toml.tmp");
        Files.writeString(tmp, config, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("config.toml"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** A TOML key: bare when it may be ({@code A-Za-z0-9_-}), else quoted. */
    static String tomlKey(String s) {
        return s.matches("[A-Za-z0-9_-]+") ? s : tomlString(s);
    }

    /** A TOML basic string. */
    static String tomlString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public StreamParser parser() {
        return new CodexStream();
    }
}
