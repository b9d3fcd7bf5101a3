package dev.munero.mcp;

import dev.munero.core.ExampleRepos;
import dev.munero.core.ReplayedRuns;
import dev.munero.core.ReplayedRuns.Gate;
import dev.munero.core.app.Runs;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Test fixture: the MCP server over a real repository ({@code examples/run-calc} copied and committed, or a small
 * workspace of shell steps), served as Streamable HTTP from a real Jetty 12 on 127.0.0.1, called with the SDK's own
 * {@link McpSyncClient}. The caller's role is the test header {@code X-Test-Role} (as {@code munero serve} takes it
 * from the token); runs replay the recorded session {@code examples/run-calc.session.jsonl} (no network, no key),
 * each model wrapped in a {@link Gate} ({@link ReplayedRuns}).
 */
final class McpFixture implements AutoCloseable {
    static final String ROLE_HEADER = "X-Test-Role";

    final Path repo;
    final McpBackend backend;
    final MuneroMcpServer mcp;
    private final MuneroMcpServer.Http http;
    private final Server jetty;
    final String url;

    McpFixture(Path repo, McpBackend backend) throws Exception {
        this.repo = repo;
        this.backend = backend;
        this.mcp = new MuneroMcpServer(backend);
        this.http = mcp.servlet("/mcp", req -> {
            String role = req.getHeader(ROLE_HEADER);
            return role == null ? null : McpRole.valueOf(role);
        });
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(http.servlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/mcp");
        jetty.setHandler(context);
        jetty.start();
        url = "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** The fixture over {@code repo} with runs replaying the recording through {@code gate}. */
    static McpFixture over(Path dir, Path repo, Gate gate) throws Exception {
        return new McpFixture(repo, McpBackend.local(repo, env(dir), replaying(dir, gate)));
    }

    /** A client with {@code role} (null: no role header), initialized. */
    McpSyncClient client(McpRole role) {
        return client(role, n -> { });
    }

    /** A client with {@code role} whose progress notifications go to {@code progress}. */
    McpSyncClient client(McpRole role, Consumer<McpSchema.ProgressNotification> progress) {
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (role != null) {
            request.header(ROLE_HEADER, role.name());
        }
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(url).endpoint("/mcp")
                        .requestBuilder(request).build())
                .requestTimeout(Duration.ofMinutes(5)).initializationTimeout(Duration.ofMinutes(1))
                .progressConsumer(progress).build();
        client.initialize();
        return client;
    }

    @Override
    public void close() throws Exception {
        http.close();
        jetty.stop();
        backend.close();
    }

    /** The environment runs and builds see: no user config, no keys ({@link ReplayedRuns#env}). */
    static Map<String, String> env(Path dir) {
        return ReplayedRuns.env(dir);
    }

    /** A copy of {@code examples/run-calc}, committed in a new git repository {@code dir/name}. */
    static Path runCalc(Path dir, String name) throws IOException, InterruptedException {
        return ExampleRepos.runCalc(dir.resolve(name));
    }

    /** A copy of {@code examples/polyglot} (a Java library, its check, a generated page), committed in {@code dir/name}. */
    static Path polyglot(Path dir, String name) throws IOException, InterruptedException {
        Path from = ExampleRepos.EXAMPLES.resolve("polyglot");
        Path copy = dir.resolve(name);
        try (java.util.stream.Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path rel = from.relativize(file);
                if (rel.startsWith(".munero") || rel.toString().contains("out") || rel.startsWith("build")) {
                    continue;
                }
                Path target = copy.resolve(rel.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return ExampleRepos.committed(copy);
    }

    /** A workspace {@code dir/name} whose {@code munero.yaml} is {@code yaml}, committed. */
    static Path workspace(Path dir, String name, String yaml) throws IOException, InterruptedException {
        Path repo = Files.createDirectories(dir.resolve(name));
        Files.writeString(repo.resolve("munero.yaml"), yaml);
        return ExampleRepos.committed(repo);
    }

    /** Sessions replaying the recorded run, each model wrapped in {@code gate}. */
    static McpBackend.Sessions replaying(Path dir, Gate gate) {
        return (repo, settings, bus) -> ReplayedRuns.session(dir, gate, repo, settings, bus);
    }

    /** Waits (up to 5 minutes) until run {@code id} is in {@code state}; the run database is read each 100 ms. */
    static void awaitState(Runs runs, String id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!runs.summary(id).state().equals(state)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + id + " is " + runs.summary(id).state() + ", not " + state);
            }
            Thread.sleep(100);
        }
    }

    /** The structured content of a successful call, failing the test with the text of a failed one. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> ok(McpSchema.CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError())) {
            throw new AssertionError("the tool failed: " + text(result));
        }
        return (Map<String, Object>) result.structuredContent();
    }

    /** The text of a result's first content. */
    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    /** A call request. */
    static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
        return new McpSchema.CallToolRequest(tool, args);
    }

    static List<String> names(List<McpSchema.Tool> tools) {
        return tools.stream().map(McpSchema.Tool::name).toList();
    }
}
