package dev.munero.agent.worker;

import dev.munero.agent.safety.PermissionMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Claude Code ({@code @anthropic-ai/claude-code}, tried with 2.1.197) run headless:
 * {@code claude -p --output-format stream-json --verbose --include-partial-messages --permission-mode MODE [--model M]
 * [--session-id ID | --resume ID] [--max-budget-usd USD] [--mcp-config FILE --strict-mcp-config]}, the prompt on
 * standard input (no length limit, no leading-dash trouble). {@code --include-partial-messages} makes the stream show
 * each API call's {@code message_start} and {@code message_delta} (its usage as it starts and as it ends), so the kept
 * stream of a killed run counts every call exactly, and a long answer keeps the stream alive for the inactivity
 * watchdog.
 *
 * <p>Permission modes (Claude Code's {@code --permission-mode}): {@code ask} → {@code default} (headless, a tool that
 * needs approval is denied and reported in {@code permission_denials}), {@code auto-edit} → {@code acceptEdits},
 * {@code full} → {@code bypassPermissions} (Claude Code refuses it as root unless {@code IS_SANDBOX=1}, which Munero
 * sets only when its own sandbox contains the process; as root outside it, {@code acceptEdits}).
 *
 * <p>Environment: {@code ANTHROPIC_API_KEY}, {@code ANTHROPIC_BASE_URL} when set (without a trailing {@code /v1}, which
 * Munero's own provider takes and Claude Code adds itself), {@code CLAUDE_CONFIG_DIR=HOME/.claude},
 * {@code DISABLE_AUTOUPDATER=1}, {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1}, {@code DISABLE_TELEMETRY=1},
 * {@code DISABLE_ERROR_REPORTING=1}, and with MCP servers {@code MCP_TIMEOUT=60000} (Munero's server start timeout in
 * ms; Claude Code's own is 30 s), {@code MCP_CONNECT_TIMEOUT_MS=60000} and {@code MCP_CONNECTION_NONBLOCKING=false}
 * (its print mode otherwise starts the first turn after 5 s at most, without a server still starting: seen with
 * 2.1.197 on a loaded machine, anthropics/claude-code#65094); the servers' file ({@link WorkerMcp}) is read with {@code --strict-mcp-config}, so
 * no other MCP configuration of the CLI counts. With them Claude Code sends only {@code POST /v1/messages?beta=true} and one
 * {@code HEAD} of the base URL (a connection warm-up).
 */
final class ClaudeCode implements CliDialect {
    static final String NAME = "claude-code";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String program() {
        return "claude";
    }

    @Override
    public String pricingProvider() {
        return "anthropic";
    }

    @Override
    public String keyVariable() {
        return "ANTHROPIC_API_KEY";
    }

    @Override
    public boolean promptOnStdin() {
        return true;
    }

    @Override
    public List<String> command(Path executable, WorkerTask task) {
        List<String> argv = new ArrayList<>(List.of(executable.toString(), "-p", "--output-format", "stream-json",
                "--verbose", "--include-partial-messages", "--permission-mode", permissionMode(task)));
        task.cliModel().ifPresent(m -> argv.addAll(List.of("--model", m)));
        task.sessionId().ifPresent(id -> argv.addAll(List.of(task.resume() ? "--resume" : "--session-id", id)));
        task.limits().remainingBudgetUsd().ifPresent(usd ->
                argv.addAll(List.of("--max-budget-usd", String.format(Locale.ROOT, "%.4f", usd))));
        task.mcpConfig().ifPresent(f -> argv.addAll(List.of("--mcp-config", f.toString(), "--strict-mcp-config")));
        return argv;
    }

    static String permissionMode(WorkerTask task) {
        return switch (task.permissions()) {
            case ASK -> "default";
            case AUTO_EDIT -> "acceptEdits";
            case FULL -> isRoot() && !task.sandbox().contains() ? "acceptEdits" : "bypassPermissions";
        };
    }

    @Override
    public Map<String, String> environment(WorkerTask task) {
        Map<String, String> env = CliEnvironment.base(task, keyVariable());
        String base = task.env().get("ANTHROPIC_BASE_URL");
        if (base != null && !base.isBlank()) {
            env.put("ANTHROPIC_BASE_URL", base.replaceFirst("/v1/?$", ""));
        }
        env.put("CLAUDE_CONFIG_DIR", task.home().resolve(".claude").toString());
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        if (task.mcpConfig().isPresent()) {
            // its MCP servers get Munero's default start timeout (not its 30 s), and the first turn waits for them
            // (up to that long, not its 5 s): otherwise a server still starting is missing from the first request
            String millis = String.valueOf(dev.munero.agent.mcp.McpServerSpec.DEFAULT_TIMEOUT.toMillis());
            env.put("MCP_TIMEOUT", millis);
            env.put("MCP_CONNECT_TIMEOUT_MS", millis);
            env.put("MCP_CONNECTION_NONBLOCKING", "false");
        }
        if (task.permissions() == PermissionMode.FULL && isRoot() && task.sandbox().contains()) {
            env.put("IS_SANDBOX", "1");
        }
        return env;
    }

    @Override
    public void prepareHome(WorkerTask task) throws IOException {
        Files.createDirectories(task.home().resolve(".claude"));
    }

    @Override
    public StreamParser parser() {
        return new ClaudeCodeStream();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
