package dev.munero.agent.worker;

import dev.munero.agent.mcp.McpServerSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Munero's MCP servers handed to a CLI worker (issue 15): one file, {@value #FILE} in the worker's home, in the shape
 * Claude Code's {@code --mcp-config} reads (its documented {@code .mcp.json} shape,
 * https://docs.anthropic.com/en/docs/claude-code/mcp): {@code {"mcpServers": {NAME: {"command", "args", "env"}}}} for
 * a stdio server, {@code {"type": "http", "url", "headers"}} for a Streamable HTTP one, with {@code "required": true}
 * for a server the run needs (Claude Code 2.1 ignores the key; Codex takes it); Munero's {@code timeout} is left out, and
 * every {@code ${VAR}} is expanded from Munero's environment
 * first, because the CLI runs with a scrubbed environment that does not hold the variables. Codex takes the same
 * servers as {@code [mcp_servers.NAME]} tables of its {@code config.toml} ({@link Codex#prepareHome}).
 *
 * <p>Stateless and thread-safe.
 */
public final class WorkerMcp {
    /** The file's name in the worker's home. */
    public static final String FILE = "munero-mcp.json";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WorkerMcp() {
    }

    /**
     * Writes {@code servers} to {@code home/munero-mcp.json} (the home is created; the file replaced atomically).
     *
     * @param env the environment the {@code ${VAR}}s are expanded from (Munero's session environment)
     * @return the file
     * @throws IOException                             when the file cannot be written
     * @throws dev.munero.agent.mcp.McpSpecException when a server uses a variable that is not set (the message names
     *                                                 the server and the key)
     */
    public static Path write(Path home, List<McpServerSpec> servers, Map<String, String> env) throws IOException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode all = root.putObject("mcpServers");
        for (McpServerSpec spec : servers) {
            ObjectNode entry = spec.expanded(env).toJson();
            entry.remove("timeout"); // "required" stays (only when true): Codex has the same key, Claude Code ignores it
            all.set(spec.name(), entry);
        }
        Files.createDirectories(home);
        Path tmp = Files.createTempFile(home, FILE, ".tmp");
        Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root), StandardCharsets.UTF_8);
        return Files.move(tmp, home.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The servers of a file {@link #write} wrote.
     *
     * @throws IOException when it cannot be read
     * @throws dev.munero.agent.mcp.McpSpecException when it is not in that shape
     */
    static List<McpServerSpec> read(Path file) throws IOException {
        return McpServerSpec.parseAll(JSON.readTree(Files.readString(file, StandardCharsets.UTF_8)).path("mcpServers"));
    }

    /**
     * The servers as Codex's {@code config.toml} tables ({@code [mcp_servers.NAME]} with {@code command},
     * {@code args}, {@code env} for stdio, {@code url} and {@code http_headers} for Streamable HTTP; Codex's
     * configuration reference, https://github.com/openai/codex/blob/main/docs/config.md, "MCP servers"), each with
     * {@code startup_timeout_sec} = Munero's default server timeout (60) instead of Codex's 10 s, which a cold
     * {@code npx} or Node server can miss, and {@code required = true} for a required server: {@code codex exec}
     * then waits for it and fails when it cannot start (openai/codex#10902); a server that is not required may still
     * be starting when Codex sends its first request, which then lacks the server's tools.
     */
    static String codexTables(List<McpServerSpec> servers) {
        StringBuilder out = new StringBuilder();
        for (McpServerSpec s : servers) {
            out.append("\n[mcp_servers.").append(Codex.tomlKey(s.name())).append("]\n");
            out.append("startup_timeout_sec = ").append(McpServerSpec.DEFAULT_TIMEOUT.toSeconds()).append('\n');
            if (s.required()) {
                out.append("required = true\n");
            }
            if (s.command() != null) {
                out.append("command = ").append(Codex.tomlString(s.command())).append('\n');
                out.append("args = [").append(String.join(", ", s.args().stream().map(Codex::tomlString).toList()))
                        .append("]\n");
                if (!s.env().isEmpty()) {
                    out.append("env = ").append(inlineTable(s.env())).append('\n');
                }
            } else {
                out.append("url = ").append(Codex.tomlString(s.url())).append('\n');
                if (!s.headers().isEmpty()) {
                    out.append("http_headers = ").append(inlineTable(s.headers())).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static String inlineTable(Map<String, String> values) {
        return "{ " + String.join(", ", new TreeMap<>(values).entrySet().stream()
                .map(e -> Codex.tomlString(e.getKey()) + " = " + Codex.tomlString(e.getValue())).toList()) + " }";
    }
}
