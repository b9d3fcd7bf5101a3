package dev.munero.cli;

import dev.munero.agent.mcp.McpServerSpec;
import dev.munero.agent.mcp.McpServerStatus;
import dev.munero.agent.mcp.McpSpecException;
import dev.munero.core.app.AppException;
import dev.munero.core.app.McpSettings;
import dev.munero.core.app.RunSessions;
import dev.munero.engine.config.Durations;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code munero mcp servers list|check|add|remove}: the MCP servers Munero's agents use, through
 * {@link McpSettings}. Thin: every rule (where servers are defined, which wins, what may be removed, the handshake,
 * the npm install) is the application API's.
 */
@Command(name = "servers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The MCP servers whose tools munero run gives its task agents (as mcp__NAME__TOOL).",
                "",
                "Servers are defined in munero.yaml (run: mcpServers:), in the user config (config.toml "
                        + "[mcpServers.NAME] tables) and in mcp.json beside it (Claude Desktop's shape "
                        + "{\"mcpServers\": {...}}, the file add and remove write). A repository's server wins over "
                        + "a user's of the same name.",
                ""},
        subcommands = {McpServersCommand.ListServers.class, McpServersCommand.Check.class, McpServersCommand.Add.class,
                McpServersCommand.Remove.class},
        footer = {"", "Exit codes: 0 ok, 1 a server is down (check) or a file cannot be written, 2 usage error (bad "
                + "configuration, no such server, a server to edit by hand)."})
final class McpServersCommand implements Runnable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @picocli.CommandLine.ParentCommand
    McpCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every subcommand shares. */
    abstract static class Sub extends Subcommand {
        @picocli.CommandLine.ParentCommand
        McpServersCommand parent;

        // not RepoSubcommand's -C: its help says what the repository is for here
        @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
                description = "The repository whose munero.yaml may define servers (default: the current directory).")
        Path directory;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Override
        Invocation invocation() {
            return parent.parent.invocation;
        }

        @Override
        final int run() {
            Invocation invocation = invocation();
            Path repo = RunDriver.repo(invocation, directory);
            return call(new McpSettings(repo, invocation.env(), RunSessions.userConfig(invocation.env())),
                    invocation.out());
        }

        abstract int call(McpSettings settings, PrintStream out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the configured servers and where each is defined (no server is started).")
    static final class ListServers extends Sub {
        @Override
        int call(McpSettings settings, PrintStream out) {
            List<McpSettings.Server> servers = settings.list();
            if (json) {
                ArrayNode array = JSON.createArrayNode();
                servers.forEach(s -> array.add(serverJson(s)));
                out.println(JSON.writeValueAsString(array));
                return ExitCodes.OK;
            }
            if (servers.isEmpty()) {
                out.println("No MCP servers are configured. Add one with munero mcp servers add NAME -- COMMAND ARGS... "
                        + "(or --url URL), or under run: mcpServers: in munero.yaml.");
                return ExitCodes.OK;
            }
            for (McpSettings.Server s : servers) {
                List<String> notes = new ArrayList<>();
                if (s.spec().required()) {
                    notes.add("required");
                }
                if (s.installed() != null) {
                    notes.add("installed: " + s.installed());
                }
                if (s.overrides() != null) {
                    notes.add("overrides " + s.overrides());
                }
                out.println(s.name() + "  " + s.spec().transport().name().toLowerCase(java.util.Locale.ROOT) + "  "
                        + s.spec().describe() + "  (" + s.source() + ")"
                        + (notes.isEmpty() ? "" : "  [" + String.join("; ", notes) + "]"));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Start a server as a run would, do the MCP handshake (initialize, tools/list), print its "
                    + "version, tool count, start-up latency and tools, and stop it."})
    static final class Check extends Sub {
        @Parameters(index = "0", paramLabel = "NAME", description = "The server.")
        String name;

        @Option(names = "--install", description = "First install its npm package (npx PACKAGE servers) into "
                + "~/.cache/munero/mcp with npm install --prefix; later starts use the installed binary, not npx.")
        boolean install;

        @Override
        int call(McpSettings settings, PrintStream out) {
            McpSettings.Check check = settings.check(name, install);
            McpServerStatus status = check.status();
            if (json) {
                ObjectNode doc = serverJson(check.server());
                doc.put("state", status.state().label());
                doc.put("server_name", status.serverName());
                doc.put("server_version", status.serverVersion());
                doc.put("tool_count", status.tools());
                if (status.latencyMs() >= 0) {
                    doc.put("latency_ms", status.latencyMs());
                } else {
                    doc.putNull("latency_ms");
                }
                doc.put("error", status.error());
                check.tools().forEach(doc.putArray("tools")::add);
                doc.put("allow", check.allowPattern());
                doc.put("sandbox", check.sandbox());
                doc.put("hint", check.hint());
                out.println(JSON.writeValueAsString(doc));
                return status.up() ? ExitCodes.OK : ExitCodes.FAILED;
            }
            McpSettings.Server s = check.server();
            if (install) {
                out.println("Installed " + s.name() + ": " + s.installed() + " (runs start it instead of npx)");
            }
            if (!status.up()) {
                out.println(s.name() + ": " + status.state().label() + ": " + status.error());
                out.println("  started as: " + s.effective().describe() + "  (" + s.source() + "; " + check.sandbox()
                        + ")");
                if (check.hint() != null) {
                    out.println("  " + check.hint());
                }
                return ExitCodes.FAILED;
            }
            String version = status.serverName() == null ? "" : status.serverName()
                    + (status.serverVersion() == null ? "" : " " + status.serverVersion()) + ", ";
            out.println(s.name() + ": up (" + version + RunConsole.count(status.tools(), "tool") + ", started in "
                    + status.latencyMs() + " ms)");
            out.println("  started as: " + s.effective().describe() + "  (" + s.source() + "; " + check.sandbox() + ")");
            check.tools().forEach(t -> out.println("  " + t));
            out.println("Agents of munero run may call them with --allow '" + check.allowPattern() + "' (or allow: in "
                    + "munero.yaml's run: section); without it they are refused, as no one can be asked.");
            return ExitCodes.OK;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Add a server to mcp.json beside the user config (created when missing).",
                    "  munero mcp servers add fs -- npx -y @modelcontextprotocol/server-filesystem .",
                    "  munero mcp servers add docs --url https://example.com/mcp \\",
                    "      --header 'Authorization=Bearer $${DOCS_TOKEN}'",
                    "$${VAR} in the command, its arguments, --env and --header values is expanded from the "
                            + "environment when the server starts (as Claude Code does); mcp.json keeps it as written."})
    static final class Add extends Sub {
        @Parameters(index = "0", paramLabel = "NAME", description = "The server's name (letters, digits, _ and -).")
        String name;

        @Parameters(index = "1..*", paramLabel = "COMMAND", description = "After --: the command and its arguments "
                + "of a stdio server.")
        List<String> command = new ArrayList<>();

        @Option(names = "--url", paramLabel = "URL", description = "The endpoint of a Streamable HTTP server.")
        String url;

        @Option(names = "--header", paramLabel = "K=V", description = "An HTTP header (repeatable; with --url).")
        List<String> headers = new ArrayList<>();

        @Option(names = "--env", paramLabel = "K=V", description = "An environment variable of a stdio server "
                + "(repeatable).")
        List<String> env = new ArrayList<>();

        @Option(names = "--required", description = "Fail a run when this server cannot start (default: the run "
                + "goes on without its tools).")
        boolean required;

        @Option(names = "--timeout", paramLabel = "DURATION", description = "The longest its initialize and each "
                + "tool call may take, e.g. 30s or 2m (default 60s).")
        String timeout;

        @Override
        int call(McpSettings settings, PrintStream out) {
            McpServerSpec spec = spec();
            McpSettings.Server added = settings.add(spec);
            if (json) {
                out.println(JSON.writeValueAsString(serverJson(added)));
                return ExitCodes.OK;
            }
            out.println("Added MCP server " + name + " to " + settings.shortPath(settings.mcpJson()) + ": "
                    + spec.describe());
            if (added.origin() == McpSettings.Origin.REPOSITORY) {
                out.println("Note: the repository's " + added.source() + " also defines " + name + ", and it wins "
                        + "in runs of this repository.");
            }
            out.println("Check it with: munero mcp servers check " + name);
            return ExitCodes.OK;
        }

        private McpServerSpec spec() {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
                throw AppException.invalid("'" + name + "' is not a server name: use letters, digits, _ and - "
                        + "(it becomes part of the tools' names, mcp__" + name + "__TOOL)");
            }
            if ((url == null) == command.isEmpty()) {
                throw AppException.invalid(url == null ? "give the server's command after --, e.g. munero mcp servers "
                        + "add " + name + " -- npx -y PACKAGE, or --url URL for an HTTP server"
                        : "give either --url or a command after --, not both");
            }
            if (url == null && !headers.isEmpty()) {
                throw AppException.invalid("--header applies to an HTTP server (--url) only");
            }
            if (url != null && !env.isEmpty()) {
                throw AppException.invalid("--env applies to a stdio server (a command after --) only");
            }
            Duration wait = McpServerSpec.DEFAULT_TIMEOUT;
            if (timeout != null) {
                try {
                    wait = Durations.parse(timeout);
                } catch (IllegalArgumentException e) {
                    throw AppException.invalid("--timeout " + timeout + ": " + e.getMessage());
                }
            }
            try {
                return new McpServerSpec(name, url == null ? command.getFirst() : null,
                        url == null ? command.subList(1, command.size()) : List.of(), pairs("--env", env), url,
                        pairs("--header", headers), required, wait);
            } catch (McpSpecException e) {
                throw AppException.invalid(e.getMessage());
            }
        }

        private static Map<String, String> pairs(String option, List<String> values) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String v : values) {
                int eq = v.indexOf('=');
                if (eq <= 0) {
                    throw AppException.invalid(option + " " + v + ": write NAME=VALUE");
                }
                out.put(v.substring(0, eq), v.substring(eq + 1));
            }
            return out;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a server from mcp.json (a server config.toml or munero.yaml defines is edited there).")
    static final class Remove extends Sub {
        @Parameters(index = "0", paramLabel = "NAME", description = "The server.")
        String name;

        @Override
        int call(McpSettings settings, PrintStream out) {
            McpSettings.Server removed = settings.remove(name);
            if (json) {
                out.println(JSON.writeValueAsString(serverJson(removed)));
                return ExitCodes.OK;
            }
            out.println("Removed MCP server " + name + " from " + removed.source() + ".");
            return ExitCodes.OK;
        }
    }

    /** {@code {name, transport, command, args, url, required, timeout, origin, source, overrides, installed}}. */
    static ObjectNode serverJson(McpSettings.Server s) {
        ObjectNode doc = JSON.createObjectNode();
        McpServerSpec spec = s.spec();
        doc.put("name", s.name());
        doc.put("transport", spec.transport().name().toLowerCase(java.util.Locale.ROOT));
        doc.put("command", spec.command());
        ArrayNode args = doc.putArray("args");
        spec.args().forEach(args::add);
        doc.put("url", spec.url());
        // env and headers may hold secrets: only their names
        spec.env().keySet().stream().sorted().forEach(doc.putArray("env")::add);
        spec.headers().keySet().stream().sorted().forEach(doc.putArray("headers")::add);
        doc.put("required", spec.required());
        doc.put("timeout", Durations.format(spec.timeout()));
        doc.put("origin", s.origin().name().toLowerCase(java.util.Locale.ROOT));
        doc.put("source", s.source());
        doc.put("overrides", s.overrides());
        doc.put("installed", s.installed() == null ? null : s.installed().toString());
        return doc;
    }
}
