package dev.munero.core.app;

import dev.munero.agent.mcp.McpServerSpec;
import dev.munero.agent.mcp.McpServerStatus;
import dev.munero.agent.mcp.McpServers;
import dev.munero.agent.mcp.McpSpecException;
import dev.munero.agent.mcp.McpStatusListener;
import dev.munero.agent.mcp.McpTool;
import dev.munero.agent.safety.Sandbox;
import dev.munero.agent.safety.SandboxMode;
import dev.munero.agent.tools.Tool;
import dev.munero.core.config.RunSettings;
import dev.munero.engine.AtomicFiles;
import dev.munero.engine.config.ConfigException;
import dev.munero.engine.config.ConfigLoader;
import dev.munero.engine.config.ConfigValue;
import dev.munero.llm.UserConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The MCP servers Munero's agents use, as the user configured them, and the changes {@code munero mcp servers}
 * makes. Servers are defined in three places, each an object of server name → entry in the shape Claude Desktop
 * and Claude Code use ({@link McpServerSpec#parse}):
 * <ul>
 *   <li>{@code mcpServers} in the {@code run:} section of the repository's {@code munero.yaml} (checked against the
 *       schema first, so a wrong type is an error at its line);</li>
 *   <li>{@code [mcpServers.NAME]} tables in the user config ({@code config.toml}, see {@link UserConfig});</li>
 *   <li>{@code mcp.json} beside the user config, in Claude Desktop's exact shape {@code {"mcpServers": {...}}}: the
 *       file {@link #add} and {@link #remove} write (atomically: a temporary file renamed over it, mode 0600 as it
 *       may hold tokens). Munero never rewrites {@code config.toml} or {@code munero.yaml}.</li>
 * </ul>
 * A repository's server wins over a user's of the same name; one name in both user files is an error. An
 * {@code npx}-launched npm server installed by {@link #install} (into {@code ~/.cache/munero/mcp}, see
 * {@link McpInstalls}) starts from the installed binary instead of {@code npx} ({@link #forRun}).
 *
 * <p>Every error a user can cause is an {@link AppException}: INVALID for a configuration that cannot be used (the
 * message says which file, line when known, server and key), NOT_FOUND for an unknown server, CONFLICT for a change
 * that must be made by hand (removing a server {@code config.toml} or {@code munero.yaml} defines), UNAVAILABLE when
 * a file cannot be written or npm fails.
 *
 * <p>Reads the files anew on every call; not thread-safe for concurrent {@link #add}/{@link #remove} (the last
 * rename wins), safe for concurrent reads.
 */
public final class McpSettings {
    /** The user's MCP file beside the user config. */
    public static final String MCP_JSON = "mcp.json";

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** Where a server is defined. */
    public enum Origin {
        /** {@code run.mcpServers} in the repository's {@code munero.yaml}. */
        REPOSITORY,
        /** {@code [mcpServers.NAME]} in the user config {@code config.toml}. */
        USER_CONFIG,
        /** {@code mcp.json} beside the user config. */
        USER_MCP_JSON
    }

    /**
     * One configured server.
     *
     * @param spec      the server as configured (before an installed binary replaces {@code npx})
     * @param origin    where it is defined
     * @param source    where, for people: {@code munero.yaml:14}, {@code ~/.config/munero/mcp.json:3},
     *                  {@code ~/.config/munero/config.toml [mcpServers.fs]}
     * @param overrides the source of a user's server of the same name this repository's server hides, or null
     * @param installed the installed binary that starts instead of {@code npx}, or null
     */
    public record Server(String name, McpServerSpec spec, Origin origin, String source, String overrides,
                         Path installed) {
        /** The spec a run starts: with the installed binary instead of {@code npx} when there is one. */
        public McpServerSpec effective() {
            return installed == null ? spec : McpInstalls.useInstalled(spec, installed);
        }
    }

    private final Path repo;
    private final Map<String, String> env;
    private final UserConfig config;
    private final McpInstalls installs;

    /**
     * @param repo   the repository (its {@code munero.yaml} may be absent)
     * @param env    the environment: {@code HOME} (to shorten paths in messages), {@code XDG_CACHE_HOME}, {@code PATH}
     *               for npm
     * @param config the user config; {@code mcp.json} is its sibling
     */
    public McpSettings(Path repo, Map<String, String> env, UserConfig config) {
        this.repo = repo;
        this.env = Map.copyOf(env);
        this.config = config;
        this.installs = new McpInstalls(env);
    }

    /** {@code mcp.json} beside the user config. */
    public Path mcpJson() {
        return config.sibling(MCP_JSON);
    }

    /**
     * Every configured server, repository's first (in file order), then the user's not hidden by them.
     *
     * @throws AppException INVALID when a file is not valid (YAML, TOML, JSON, the schema) or an entry cannot be used,
     *                      naming the file (and line when known), the server and the key; or when a name is defined
     *                      in both {@code config.toml} and {@code mcp.json}
     */
    public List<Server> list() {
        Map<String, Server> user = new LinkedHashMap<>();
        for (Server s : fromToml()) {
            user.put(s.name(), s);
        }
        for (Server s : fromMcpJson()) {
            Server other = user.putIfAbsent(s.name(), s);
            if (other != null) {
                throw AppException.invalid("MCP server '" + s.name() + "' is defined twice in the user config: in "
                        + other.source() + " and in " + s.source() + "; keep one of them");
            }
        }
        List<Server> out = new ArrayList<>();
        for (Server s : fromRepository()) {
            Server hidden = user.remove(s.name());
            out.add(new Server(s.name(), s.spec(), s.origin(), s.source(), hidden == null ? null : hidden.source(),
                    s.installed()));
        }
        out.addAll(user.values());
        return List.copyOf(out);
    }

    /**
     * The server named {@code name}.
     *
     * @throws AppException NOT_FOUND naming the configured servers; INVALID as {@link #list}
     */
    public Server server(String name) {
        List<Server> all = list();
        return all.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(() -> AppException.notFound(
                "no MCP server '" + name + "' is configured" + (all.isEmpty() ? " (none is; add one with munero mcp "
                        + "servers add " + name + " -- COMMAND ARGS...)" : "; configured: " + String.join(", ",
                        all.stream().map(Server::name).toList()))));
    }

    /**
     * The servers a run starts, as {@link Server#effective()} specs.
     *
     * @throws AppException INVALID as {@link #list}
     */
    public List<McpServerSpec> forRun() {
        return list().stream().map(Server::effective).toList();
    }

    /**
     * Adds a server to {@code mcp.json} (creating the file and its directory when missing; other servers and keys
     * are kept as they are).
     *
     * @return the server as {@link #list} now sees it; when the repository defines the same name, its server still
     *         wins and the returned one is the repository's (with {@link Server#overrides()} naming the added one)
     * @throws AppException CONFLICT when a server of that name is already in the user config (remove it first, or
     *                      edit {@code config.toml}); INVALID when the configuration already has errors;
     *                      UNAVAILABLE when the file cannot be written
     */
    public Server add(McpServerSpec spec) {
        for (Server s : list()) {
            if (s.name().equals(spec.name()) && s.origin() != Origin.REPOSITORY) {
                throw AppException.conflict("MCP server '" + spec.name() + "' is already defined in " + s.source()
                        + (s.origin() == Origin.USER_MCP_JSON ? "; remove it first with munero mcp servers remove "
                        + spec.name() : "; edit it there"));
            }
            if (s.name().equals(spec.name()) && s.overrides() != null) {
                throw AppException.conflict("MCP server '" + spec.name() + "' is already defined in " + s.overrides()
                        + " (and in " + s.source() + ", which wins)");
            }
        }
        ObjectNode root = readMcpJson().orElseGet(JSON::createObjectNode);
        JsonNode servers = root.get("mcpServers");
        ObjectNode into = servers instanceof ObjectNode o ? o : root.putObject("mcpServers");
        into.set(spec.name(), spec.toJson());
        writeMcpJson(root);
        return server(spec.name());
    }

    /**
     * Removes a server from {@code mcp.json}.
     *
     * @return the removed server
     * @throws AppException NOT_FOUND when no server has that name; CONFLICT when it is defined in {@code config.toml}
     *                      or {@code munero.yaml} (the message says where to edit it: Munero does not rewrite those
     *                      files); UNAVAILABLE when the file cannot be written
     */
    public Server remove(String name) {
        Server s = server(name);
        if (s.origin() == Origin.REPOSITORY) {
            throw AppException.conflict("MCP server '" + name + "' is defined in the repository's " + s.source()
                    + " (run.mcpServers." + name + "); remove it there (Munero does not rewrite munero.yaml)"
                    + (s.overrides() == null ? "" : "; the user config also defines it, in " + s.overrides()));
        }
        if (s.origin() == Origin.USER_CONFIG) {
            throw AppException.conflict("MCP server '" + name + "' is defined in " + s.source() + "; remove that "
                    + "table from the file yourself (Munero does not rewrite config.toml)");
        }
        ObjectNode root = readMcpJson().orElseThrow();
        ((ObjectNode) root.get("mcpServers")).remove(name);
        writeMcpJson(root);
        return s;
    }

    /**
     * Installs an {@code npx}-launched npm server into Munero's cache ({@code npm install --prefix}), so later starts
     * use the installed binary instead of {@code npx}: see {@link McpInstalls#install}.
     *
     * @return the server with {@link Server#installed()} set
     * @throws AppException NOT_FOUND for an unknown server; INVALID when it is not started with {@code npx}
     *                      PACKAGE; UNAVAILABLE when npm is missing or fails (its output in the message)
     */
    public Server install(String name) {
        Server s = server(name);
        Path bin = installs.install(s.name(), s.spec());
        return new Server(s.name(), s.spec(), s.origin(), s.source(), s.overrides(), bin);
    }

    /**
     * What {@link #check} found.
     *
     * @param server       the server as configured (with {@link Server#installed()} when it starts from an install)
     * @param status       its status after the handshake: {@code up} with its version, tool count and start-up
     *                     latency, or {@code down} with the error
     * @param tools        its tools as the agents see them, {@code mcp__<server>__<tool>}; empty when down
     * @param allowPattern the {@code --allow} pattern that lets a run's agents call every one of them
     * @param sandbox      where a stdio server ran, as {@link dev.munero.agent.safety.Sandbox#describe()}
     * @param hint         what to try when a server started through {@code npx} is down (install it), else null
     */
    public record Check(Server server, McpServerStatus status, List<String> tools, String allowPattern,
                        String sandbox, String hint) {
        public Check {
            tools = List.copyOf(tools);
        }
    }

    /**
     * The real handshake with one server, as a run would start it (the installed binary when there is one; a stdio
     * server in the repository, through the sandbox the run's settings choose, with this environment): start it,
     * {@code initialize}, {@code tools/list}, stop it. One attempt, no retries: what fails is reported at once.
     *
     * @param name    the server
     * @param install first install its npm package into Munero's cache ({@link #install})
     * @throws AppException NOT_FOUND for an unknown server; INVALID as {@link #list} or for run settings that cannot
     *                      be used (the sandbox); UNAVAILABLE when npm fails, the sandbox cannot start, or the thread
     *                      is interrupted
     */
    public Check check(String name, boolean install) {
        Server server = install ? install(name) : server(name);
        RunSettings settings = RunSessions.settings(repo, Map.of(), env, config);
        Sandbox sandbox = RunSessions.sandbox(sandboxMode(settings), config);
        McpServers.Options once = new McpServers.Options(1, McpServers.Options.DEFAULTS.backoff(),
                McpServers.Options.DEFAULTS.maxBackoff(), McpServers.Options.DEFAULTS.healthInterval(), 0);
        try (McpServers hub = McpServers.start(List.of(server.effective()),
                new McpServers.Launch(sandbox, RunSessions.realPath(repo), env), McpStatusListener.NONE, once)) {
            McpServerStatus status = hub.status(name).orElseThrow();
            List<String> tools = hub.tools().stream().map(Tool::name).toList();
            String hint = status.up() || server.installed() != null || McpInstalls.npx(server.spec()).isEmpty() ? null
                    : "it is started with npx, which fetches its package at start-up" + (sandbox.contains()
                    ? " and has no network in the sandbox" : "") + ": install it once with munero mcp servers check "
                    + name + " --install (later starts use the installed binary)";
            return new Check(server, status, tools, allowPattern(name), sandbox.describe(), hint);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AppException.unavailable("the check of MCP server '" + name + "' was interrupted", e);
        }
    }

    /** The {@code --allow} pattern for every tool of server {@code name}: {@code mcp__<name>__*}. */
    public static String allowPattern(String name) {
        String one = McpTool.toolName(name, "x");
        return one.substring(0, one.length() - 1) + "*";
    }

    private static SandboxMode sandboxMode(RunSettings settings) {
        try {
            return SandboxMode.parse(settings.sandbox().value());
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(settings.sandbox().source() + ": " + e.getMessage());
        }
    }

    // ---- the three sources ----

    private List<Server> fromRepository() {
        Path file = repo.resolve(ConfigLoader.FILE_NAME);
        if (!Files.exists(file)) {
            return List.of();
        }
        ConfigValue section;
        try {
            section = ConfigLoader.section(file, "run").get("mcpServers");
        } catch (ConfigException e) {
            throw AppException.invalid(e.getMessage());
        }
        if (section == null) {
            return List.of();
        }
        String where = ConfigLoader.FILE_NAME + ":" + section.location().line();
        List<Server> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : section.value().properties()) {
            out.add(server(e.getKey(), e.getValue(), Origin.REPOSITORY, where, where + ": run.mcpServers"));
        }
        return out;
    }

    private List<Server> fromToml() {
        JsonNode servers = config.tree().get("mcpServers");
        if (servers == null) {
            return List.of();
        }
        String file = shortPath(config.file());
        if (!servers.isObject()) {
            throw AppException.invalid(file + ": mcpServers must be tables [mcpServers.NAME] with command, args, env "
                    + "(or url, headers)");
        }
        List<Server> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : servers.properties()) {
            String where = file + " [mcpServers." + e.getKey() + "]";
            out.add(server(e.getKey(), e.getValue(), Origin.USER_CONFIG, where, where));
        }
        return out;
    }

    private List<Server> fromMcpJson() {
        Optional<ObjectNode> root = readMcpJson();
        if (root.isEmpty() || root.get().get("mcpServers") == null) {
            return List.of();
        }
        String file = shortPath(mcpJson());
        JsonNode servers = root.get().get("mcpServers");
        if (!servers.isObject()) {
            throw AppException.invalid(file + ": \"mcpServers\" must be an object of server name → {\"command\": ..., "
                    + "\"args\": [...]} or {\"url\": ...}, as in Claude Desktop's claude_desktop_config.json");
        }
        Map<String, Integer> lines = serverLines(mcpJson());
        List<Server> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : servers.properties()) {
            String where = file + ":" + lines.getOrDefault(e.getKey(), 1);
            out.add(server(e.getKey(), e.getValue(), Origin.USER_MCP_JSON, where, where));
        }
        return out;
    }

    /** @param at what a parse error starts with: the file and line, or the TOML table */
    private Server server(String name, JsonNode entry, Origin origin, String source, String at) {
        McpServerSpec spec;
        try {
            spec = McpServerSpec.parse(name, entry);
        } catch (McpSpecException e) {
            throw AppException.invalid(at + ": " + e.getMessage());
        }
        return new Server(name, spec, origin, source, null, installs.installed(spec).orElse(null));
    }

    /** {@code mcp.json}'s root object; empty when the file does not exist. */
    private Optional<ObjectNode> readMcpJson() {
        Path file = mcpJson();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AppException.invalid("cannot read " + shortPath(file) + ": " + e.getMessage());
        }
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(text);
            if (!(root instanceof ObjectNode o)) {
                throw AppException.invalid(shortPath(file) + ": must be a JSON object {\"mcpServers\": {...}}, as in "
                        + "Claude Desktop's claude_desktop_config.json");
            }
            return Optional.of(o);
        } catch (JacksonException e) {
            throw AppException.invalid(shortPath(file) + ":" + e.getLocation().getLineNr() + ":"
                    + e.getLocation().getColumnNr() + ": not valid JSON: " + e.getOriginalMessage()
                    + "; fix it, or remove the file to start again");
        }
    }

    /** The line of each server's name in {@code mcp.json} (a second pass over a file {@link #readMcpJson} read). */
    private static Map<String, Integer> serverLines(Path file) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = JSON.createParser(file.toFile())) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                TokenStreamContext in = p.streamReadContext();
                TokenStreamContext parent = in.getParent();
                if (t == JsonToken.PROPERTY_NAME && parent != null && parent.inObject()
                        && "mcpServers".equals(parent.currentName()) && parent.getParent() != null
                        && parent.getParent().inRoot()) {
                    lines.put(p.currentName(), p.currentTokenLocation().getLineNr());
                    p.nextToken();
                    p.skipChildren();
                }
            }
        } catch (JacksonException e) {
            return lines; // read once already; a change between the reads only costs the line numbers
        }
        return lines;
    }

    private void writeMcpJson(ObjectNode root) {
        Path file = mcpJson();
        try {
            AtomicFiles.write(file, (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw AppException.unavailable("cannot write " + shortPath(file) + ": " + e.getMessage(), e);
        }
    }

    /** {@code file} for messages: {@code ~/.config/munero/mcp.json} when it is under {@code $HOME}. */
    public String shortPath(Path file) {
        String home = env.get("HOME");
        if (home != null && !home.isBlank() && file.startsWith(Path.of(home))) {
            return Path.of("~").resolve(Path.of(home).relativize(file)).toString();
        }
        return file.toString();
    }
}
