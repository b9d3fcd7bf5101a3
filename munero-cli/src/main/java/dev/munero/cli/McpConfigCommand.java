package dev.munero.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code munero mcp config HOST}: prints what registers Munero in an MCP host, on standard output (a line to run or a
 * JSON snippet to merge), with where it goes on standard error. The stdio form starts this installation's launcher
 * (absolute path: {@code $MUNERO_HOME/munero}, which the launcher sets, else the launcher beside the running jar, else
 * {@code java -jar} of the running jar) as {@code munero mcp -C <repository>}; {@code --http URL} registers the
 * {@code /mcp} endpoint of a {@code munero serve} with an {@code Authorization: Bearer <token>} header to fill in.
 *
 * <p>The formats (checked against each host's documentation, 2026): Claude Code's {@code claude mcp add [--transport
 * stdio|http] [--header H] NAME -- COMMAND ARGS...} (options before the name); Claude Desktop's
 * {@code claude_desktop_config.json} {@code {"mcpServers": {NAME: {"command", "args"}}}}, which takes stdio servers
 * only (remote ones are added in its Settings, under Connectors, and are reached from Anthropic's cloud, not from this
 * machine); Cursor's {@code .cursor/mcp.json} (or {@code ~/.cursor/mcp.json}) {@code {"mcpServers": {NAME: {"command",
 * "args"} | {"url", "headers"}}}}.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = {"Print how to register Munero in an MCP host: for claude-code the claude mcp add line to run, for "
                + "claude-desktop and cursor the JSON to merge into the host's configuration file. The host then starts "
                + "this installation's munero mcp on the repository; with --http it connects to a running munero "
                + "serve instead.", ""},
        footer = {"", "Exit codes: 0 printed; 2 an unknown host, a bad --http URL or --name, DIR not a directory, or "
                + "--http with claude-desktop (its configuration file takes local servers only)."})
final class McpConfigCommand implements Callable<Integer> {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    @ParentCommand
    McpCommand parent;

    @Parameters(index = "0", paramLabel = "HOST", description = "claude-code, claude-desktop or cursor.")
    String host;

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", defaultValue = ".",
            description = "The repository the host's Munero acts on (default: the current directory). With --http "
                    + "it is the first repository munero serve was given instead.")
    Path directory;

    @Option(names = "--http", paramLabel = "URL", description = "Register the /mcp endpoint of a running munero serve "
            + "(e.g. http://127.0.0.1:7070/mcp; a URL without a path gets /mcp) with an Authorization: Bearer <token> "
            + "header to fill in (munero token create --role operator), instead of a local munero mcp. Not for "
            + "claude-desktop.")
    String http;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "munero",
            description = "The server's name in the host (default ${DEFAULT-VALUE}; its tools are then "
                    + "mcp__NAME__build and so on in Claude Code).")
    String name;

    @Override
    public Integer call() {
        Invocation invocation = parent.invocation;
        PrintStream out = invocation.out();
        PrintStream err = invocation.err();
        if (!List.of("claude-code", "claude-desktop", "cursor").contains(host)) {
            err.println("munero: error: unknown MCP host '" + host + "': use claude-code, claude-desktop or cursor");
            return ExitCodes.USAGE;
        }
        if (!NAME.matcher(name).matches()) {
            err.println("munero: error: --name '" + name + "': use 1 to 64 letters, digits, '_' or '-'");
            return ExitCodes.USAGE;
        }
        if (http != null) {
            return http(out, err);
        }
        Path repo = invocation.cwd().resolve(directory).toAbsolutePath().normalize();
        if (!Files.isDirectory(repo)) {
            err.println("munero: error: -C " + directory + ": " + repo + " is not a directory");
            return ExitCodes.USAGE;
        }
        List<String> command = launcher(invocation.env());
        if (command == null) {
            err.println("munero: error: cannot tell where this installation's launcher is: run ./munero mcp config "
                    + "from a Munero checkout, or set MUNERO_HOME to it");
            return ExitCodes.USAGE;
        }
        command.addAll(List.of("mcp", "-C", repo.toString()));
        switch (host) {
            case "claude-code" -> {
                List<String> line = new ArrayList<>(List.of("claude", "mcp", "add", "--transport", "stdio", name,
                        "--"));
                line.addAll(command);
                out.println(String.join(" ", line.stream().map(McpConfigCommand::shellQuote).toList()));
                err.println("munero: run that line in the repository (Claude Code's local scope: this project, "
                        + "for you); claude mcp list then shows " + name + " connected");
            }
            case "claude-desktop" -> {
                out.println(json(stdioServer(command)));
                err.println("munero: merge that into claude_desktop_config.json (macOS: ~/Library/Application "
                        + "Support/Claude/, Windows: %APPDATA%\\Claude\\) and restart Claude Desktop");
            }
            default -> {
                out.println(json(stdioServer(command)));
                err.println("munero: merge that into .cursor/mcp.json in the project (or ~/.cursor/mcp.json for "
                        + "every project)");
            }
        }
        return ExitCodes.OK;
    }

    private int http(PrintStream out, PrintStream err) {
        if (host.equals("claude-desktop")) {
            err.println("munero: error: --http: Claude Desktop's claude_desktop_config.json takes local (stdio) "
                    + "servers only, and the remote servers of its Settings > Connectors are reached from "
                    + "Anthropic's cloud, not from this machine; run munero mcp config claude-desktop without --http "
                    + "(Claude Desktop then starts munero mcp itself)");
            return ExitCodes.USAGE;
        }
        String url;
        try {
            url = endpoint(http);
        } catch (IllegalArgumentException e) {
            err.println("munero: error: --http " + http + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        String header = "Authorization: Bearer <token>";
        if (host.equals("claude-code")) {
            out.println(String.join(" ", List.of("claude", "mcp", "add", "--transport", "http", name, url, "--header",
                    header).stream().map(McpConfigCommand::shellQuote).toList()));
        } else {
            ObjectNode server = JSON.createObjectNode();
            server.put("url", url);
            server.putObject("headers").put("Authorization", "Bearer <token>");
            out.println(json(server));
        }
        err.println("munero: replace <token> with a token of munero serve (munero token create --role operator; "
                + "viewer can only read); without --auth, munero serve needs no token on 127.0.0.1 and the header "
                + "can go");
        return ExitCodes.OK;
    }

    /**
     * The MCP endpoint of {@code text}: an http or https URL with a host; no path (or {@code /}) becomes {@code /mcp}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static String endpoint(String text) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL (" + e.getReason() + ")");
        }
        if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("give an http:// or https:// URL with a host, e.g. "
                    + "http://127.0.0.1:7070/mcp");
        }
        String path = uri.getRawPath();
        return path == null || path.isEmpty() || path.equals("/") ? text.replaceAll("/$", "") + "/mcp" : text;
    }

    /**
     * How the host starts this installation's {@code munero}: the launcher in {@code MUNERO_HOME} (the launcher sets
     * it), else the launcher of the checkout the running jar was built in, else {@code java -jar} of the running jar;
     * null when none is known (running from class directories).
     */
    static List<String> launcher(Map<String, String> env) {
        String home = env.get("MUNERO_HOME");
        if (home != null && Files.isExecutable(Path.of(home, "munero"))) {
            return new ArrayList<>(List.of(Path.of(home, "munero").toAbsolutePath().normalize().toString()));
        }
        Path jar;
        try {
            jar = Path.of(McpConfigCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return null;
        }
        if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
            return null;
        }
        // munero-cli/target/munero.jar in a checkout: its launcher is two levels up
        Path checkout = jar.toAbsolutePath().getParent().getParent().getParent();
        if (checkout != null && Files.isExecutable(checkout.resolve("munero"))) {
            return new ArrayList<>(List.of(checkout.resolve("munero").toString()));
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ArrayList<>(List.of(java, "-jar", jar.toAbsolutePath().toString()));
    }

    /** {@code {"mcpServers": {name: {"command": ..., "args": [...]}}}}, the shape both hosts read. */
    private ObjectNode stdioServer(List<String> command) {
        ObjectNode server = JSON.createObjectNode();
        server.put("command", command.getFirst());
        command.subList(1, command.size()).forEach(server.putArray("args")::add);
        return server;
    }

    private String json(ObjectNode server) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("mcpServers").set(name, server);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }

    /** {@code word} as one POSIX shell word: unchanged when plain, else in single quotes. */
    static String shellQuote(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
