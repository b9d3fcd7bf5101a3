package dev.munero.agent.mcp;

import dev.munero.engine.config.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One configured MCP server, in the shape Claude Desktop ({@code claude_desktop_config.json}) and Claude Code
 * ({@code .mcp.json}) use, so users can paste what they have:
 * <ul>
 *   <li>stdio: {@code {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"], "env": {"K": "v"}}}
 *       (optionally {@code "type": "stdio"});</li>
 *   <li>Streamable HTTP: {@code {"type": "http", "url": "https://host/mcp", "headers": {"Authorization": "Bearer
 *       ${TOKEN}"}}} ({@code type} may be left out when {@code url} is given);</li>
 *   <li>Munero's own keys: {@code required} (boolean, default false: whether the run may go on without the server)
 *       and {@code timeout} (the longest {@code initialize} and each request may take: seconds as a number, or a
 *       duration such as {@code 30s} or {@code 2m}; default {@link #DEFAULT_TIMEOUT}).</li>
 * </ul>
 * {@code ${VAR}} and {@code ${VAR:-default}} in {@code command}, {@code args}, {@code env}, {@code url} and
 * {@code headers} are expanded when the server starts, from the session's environment (as Claude Code does); they
 * are kept as written here. The legacy HTTP+SSE transport ({@code "type": "sse"}) is refused with a message.
 *
 * <p>Source of the shape: Claude Code's MCP documentation (https://docs.anthropic.com/en/docs/claude-code/mcp,
 * "project scope" {@code .mcp.json}) and the MCP quickstart for Claude Desktop
 * (https://modelcontextprotocol.io/quickstart/user).
 *
 * @param name     the server's name, the key in {@code mcpServers}; not blank
 * @param command  the program of a stdio server, or null for an HTTP server
 * @param args     its arguments (empty for HTTP)
 * @param env      variables added to its environment (empty for HTTP)
 * @param url      the Streamable HTTP endpoint ({@code http} or {@code https}; may hold {@code ${VAR}}), or null
 *                 for a stdio server
 * @param headers  HTTP headers sent with every request (empty for stdio)
 * @param required whether a run must fail when the server stays down
 * @param timeout  the longest {@code initialize} and each later request (a tool call, a ping) may take; positive
 */
public record McpServerSpec(String name, String command, List<String> args, Map<String, String> env, String url,
                            Map<String, String> headers, boolean required, Duration timeout) {
    /** The default {@link #timeout()}: 60 seconds (an {@code npx} server may download its package first). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final Set<String> KEYS = Set.of("type", "command", "args", "env", "url", "headers", "required",
            "timeout");

    /** How Munero talks to the server. */
    public enum Transport {
        /** A child process speaking newline-delimited JSON-RPC on stdin/stdout (MCP spec, "Transports: stdio"). */
        STDIO,
        /** An HTTP endpoint (MCP spec 2025-03-26 and later, "Transports: Streamable HTTP"). */
        HTTP
    }

    /**
     * @throws McpSpecException when the name is blank, neither or both of command and url are given, or the
     *                          timeout is not positive
     */
    public McpServerSpec {
        if (name == null || name.isBlank()) {
            throw new McpSpecException(String.valueOf(name), null, "has an empty name");
        }
        if ((command == null) == (url == null)) {
            throw new McpSpecException(name, null, command == null
                    ? "needs 'command' (a stdio server) or 'url' (a Streamable HTTP server)"
                    : "has both 'command' and 'url'; give one: 'command' for stdio, 'url' for HTTP");
        }
        if (command != null && command.isBlank()) {
            throw new McpSpecException(name, "command", "must not be empty");
        }
        if (url != null) {
            checkUrl(name, url);
        }
        args = List.copyOf(args == null ? List.of() : args);
        env = Map.copyOf(env == null ? Map.of() : env);
        headers = Map.copyOf(headers == null ? Map.of() : headers);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new McpSpecException(name, "timeout", "must be positive, was " + Durations.format(timeout));
        }
    }

    /** A stdio server with the defaults (not required, {@link #DEFAULT_TIMEOUT}). */
    public static McpServerSpec stdio(String name, String command, List<String> args, Map<String, String> env) {
        return new McpServerSpec(name, command, args, env, null, Map.of(), false, DEFAULT_TIMEOUT);
    }

    /** A Streamable HTTP server with the defaults (not required, {@link #DEFAULT_TIMEOUT}). */
    public static McpServerSpec http(String name, String url, Map<String, String> headers) {
        return new McpServerSpec(name, null, List.of(), Map.of(), url, headers, false, DEFAULT_TIMEOUT);
    }

    /** This spec with {@link #required()} set. */
    public McpServerSpec withRequired(boolean required) {
        return new McpServerSpec(name, command, args, env, url, headers, required, timeout);
    }

    /** This spec with {@link #timeout()} set. */
    public McpServerSpec withTimeout(Duration timeout) {
        return new McpServerSpec(name, command, args, env, url, headers, required, timeout);
    }

    /**
     * This spec with every {@code ${VAR}} and {@code ${VAR:-default}} in {@code command}, {@code args}, {@code env},
     * {@code url} and {@code headers} replaced from {@code environment}, as a server start would do it: for handing the
     * server to a program that starts it with another environment (a CLI worker, issue 15).
     *
     * @throws McpSpecException naming the server and the key when a variable without a default is not set
     */
    public McpServerSpec expanded(Map<String, String> environment) {
        try {
            Map<String, String> e = new LinkedHashMap<>();
            env.forEach((k, v) -> e.put(k, McpConnection.expand(this, "env." + k, v, environment)));
            Map<String, String> h = new LinkedHashMap<>();
            headers.forEach((k, v) -> h.put(k, McpConnection.expand(this, "headers." + k, v, environment)));
            List<String> a = new ArrayList<>();
            args.forEach(x -> a.add(McpConnection.expand(this, "args", x, environment)));
            return new McpServerSpec(name, command == null ? null : McpConnection.expand(this, "command", command,
                    environment), a, e, url == null ? null : McpConnection.expand(this, "url", url, environment), h,
                    required, timeout);
        } catch (McpStartException x) {
            throw new McpSpecException(name, null, x.getMessage());
        }
    }

    /** {@link Transport#STDIO} when a command is given, else {@link Transport#HTTP}. */
    public Transport transport() {
        return command != null ? Transport.STDIO : Transport.HTTP;
    }

    /** The command line or URL, for messages: {@code npx -y @modelcontextprotocol/server-memory}. */
    public String describe() {
        return command != null ? String.join(" ", concat(command, args)) : url;
    }

    /**
     * Every server of an {@code mcpServers} object, in its order.
     *
     * @param mcpServers the value of {@code mcpServers}: an object of server name → entry (null or missing: none)
     * @throws McpSpecException when it is not an object, or an entry is wrong ({@link #parse})
     */
    public static List<McpServerSpec> parseAll(JsonNode mcpServers) {
        if (mcpServers == null || mcpServers.isNull() || mcpServers.isMissingNode()) {
            return List.of();
        }
        if (!mcpServers.isObject()) {
            throw new McpSpecException("*", null, "mcpServers must be an object of server name → {command, args, "
                    + "env} or {url, headers}, got " + kind(mcpServers));
        }
        List<McpServerSpec> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : mcpServers.properties()) {
            out.add(parse(e.getKey(), e.getValue()));
        }
        return List.copyOf(out);
    }

    /**
     * One server's entry.
     *
     * @param name  the key in {@code mcpServers}
     * @param entry its value, an object with the keys above
     * @throws McpSpecException naming the server and the key: an unknown key (with the known ones), a value of the
     *                          wrong type, neither or both of {@code command} and {@code url}, a malformed URL
     *                          (only {@code http} and {@code https}), {@code type} {@code sse} or another unknown
     *                          type, stdio keys on an HTTP server or the reverse, a bad {@code timeout}
     */
    public static McpServerSpec parse(String name, JsonNode entry) {
        if (name == null || name.isBlank()) {
            throw new McpSpecException(String.valueOf(name), null, "has an empty name");
        }
        if (entry == null || !entry.isObject()) {
            throw new McpSpecException(name, null, "must be an object such as {\"command\": \"npx\", \"args\": [...]} "
                    + "or {\"url\": \"https://...\"}, got " + kind(entry));
        }
        for (String key : entry.propertyNames()) {
            if (!KEYS.contains(key)) {
                throw new McpSpecException(name, key, "is not a known key; the keys are command, args, env (stdio), "
                        + "type, url, headers (HTTP), required and timeout");
            }
        }
        String type = optionalString(name, entry, "type");
        String command = optionalString(name, entry, "command");
        String urlText = optionalString(name, entry, "url");
        if (type != null) {
            switch (type) {
                case "stdio" -> {
                    if (command == null) {
                        throw new McpSpecException(name, "command", "is required for type 'stdio'");
                    }
                }
                case "http", "streamable-http", "streamableHttp" -> {
                    if (urlText == null) {
                        throw new McpSpecException(name, "url", "is required for type '" + type + "'");
                    }
                }
                case "sse" -> throw new McpSpecException(name, "type", "'sse' (the legacy HTTP+SSE transport) is "
                        + "not supported; use the server's Streamable HTTP endpoint with \"type\": \"http\"");
                default -> throw new McpSpecException(name, "type", "must be 'stdio' or 'http', got '" + type + "'");
            }
        }
        if (command == null && urlText == null) {
            throw new McpSpecException(name, null, "needs 'command' (a stdio server) or 'url' (a Streamable HTTP "
                    + "server)");
        }
        boolean stdio = command != null;
        if (stdio && urlText != null) {
            throw new McpSpecException(name, null, "has both 'command' and 'url'; give one: 'command' for stdio, "
                    + "'url' for HTTP");
        }
        for (String key : stdio ? List.of("headers") : List.of("args", "env")) {
            if (entry.has(key)) {
                throw new McpSpecException(name, key, "applies to " + (stdio ? "HTTP servers (url)" : "stdio servers "
                        + "(command)") + " only");
            }
        }
        String url = urlText == null ? null : checkUrl(name, urlText);
        boolean required = false;
        JsonNode r = entry.get("required");
        if (r != null && !r.isNull()) {
            if (!r.isBoolean()) {
                throw new McpSpecException(name, "required", "must be true or false, got " + kind(r));
            }
            required = r.booleanValue();
        }
        return new McpServerSpec(name, command, strings(name, entry, "args"), stringMap(name, entry, "env"), url,
                stringMap(name, entry, "headers"), required, timeout(name, entry.get("timeout")));
    }

    /**
     * This spec as an {@code mcpServers} entry in the shape {@link #parse} reads ({@code required} and {@code timeout}
     * only when not the defaults), e.g. for writing {@code mcp.json}.
     */
    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (command != null) {
            out.put("command", command);
            if (!args.isEmpty()) {
                args.forEach(out.putArray("args")::add);
            }
            if (!env.isEmpty()) {
                ObjectNode e = out.putObject("env");
                new java.util.TreeMap<>(env).forEach(e::put);
            }
        } else {
            out.put("type", "http");
            out.put("url", url);
            if (!headers.isEmpty()) {
                ObjectNode h = out.putObject("headers");
                new java.util.TreeMap<>(headers).forEach(h::put);
            }
        }
        if (required) {
            out.put("required", true);
        }
        if (!timeout.equals(DEFAULT_TIMEOUT)) {
            out.put("timeout", Durations.format(timeout));
        }
        return out;
    }

    /** {@code text} when it is an http(s) URL with a host; one holding {@code ${VAR}} is checked when it starts. */
    static String checkUrl(String name, String text) {
        if (text.contains("${")) {
            return text;
        }
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new McpSpecException(name, "url", "must be an http:// or https:// URL with a host, got '"
                        + text + "'");
            }
            return text;
        } catch (URISyntaxException e) {
            throw new McpSpecException(name, "url", "is not a valid URL: " + e.getMessage());
        }
    }

    private static Duration timeout(String name, JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_TIMEOUT;
        }
        Duration d;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            d = Duration.ofSeconds(node.longValue());
        } else if (node.isNumber()) {
            d = Duration.ofMillis(Math.round(node.doubleValue() * 1000));
        } else if (node.isString()) {
            try {
                d = Durations.parse(node.stringValue());
            } catch (IllegalArgumentException e) {
                throw new McpSpecException(name, "timeout", e.getMessage());
            }
        } else {
            throw new McpSpecException(name, "timeout", "must be seconds (a number) or a duration such as 30s, got "
                    + kind(node));
        }
        if (d.isZero() || d.isNegative()) {
            throw new McpSpecException(name, "timeout", "must be positive, got " + node);
        }
        return d;
    }

    private static String optionalString(String name, JsonNode entry, String key) {
        JsonNode v = entry.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString()) {
            throw new McpSpecException(name, key, "must be a string, got " + kind(v));
        }
        if (v.stringValue().isBlank()) {
            throw new McpSpecException(name, key, "must not be empty");
        }
        return v.stringValue();
    }

    private static List<String> strings(String name, JsonNode entry, String key) {
        JsonNode v = entry.get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new McpSpecException(name, key, "must be an array of strings, got " + kind(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (e.isString()) {
                out.add(e.stringValue());
            } else if (e.isNumber() || e.isBoolean()) {
                out.add(e.asString()); // YAML and TOML users write numbers bare: --port 8080
            } else {
                throw new McpSpecException(name, key, "must hold strings only, got " + kind(e));
            }
        }
        return out;
    }

    private static Map<String, String> stringMap(String name, JsonNode entry, String key) {
        JsonNode v = entry.get(key);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            throw new McpSpecException(name, key, "must be an object of name → string, got " + kind(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode value = e.getValue();
            if (value.isString()) {
                out.put(e.getKey(), value.stringValue());
            } else if (value.isNumber() || value.isBoolean()) {
                out.put(e.getKey(), value.asString());
            } else {
                throw new McpSpecException(name, key + "." + e.getKey(), "must be a string, got " + kind(value));
            }
        }
        return out;
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        String text = node.toString();
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }
}
