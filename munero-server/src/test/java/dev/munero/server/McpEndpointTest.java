package dev.munero.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.ReplayedRuns;
import dev.munero.core.app.Access;
import dev.munero.server.security.RateLimit;
import dev.munero.server.security.SecurityOptions;
import dev.munero.server.security.ServerGuard;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /mcp} in {@code munero serve} (issue 13), driven by the MCP Java SDK's own Streamable HTTP client over real
 * HTTP: behind the same tokens, roles, rate limit and audit log as the REST API, on the first served repository.
 */
class McpEndpointTest {
    private static final List<String> ALL = List.of("build", "graph", "explain", "run_start", "run_status",
            "run_events", "run_pause", "run_resume", "run_cost", "runs_list", "memory_search");

    @TempDir
    Path dir;
    private MuneroServer server;
    private ServerGuard guard;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final List<McpSyncClient> clients = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(McpSyncClient::closeGracefully);
        if (server != null) {
            server.stop();
        }
        if (guard != null) {
            guard.close();
        }
    }

    /** A server over copies of run-calc named {@code names}, with auth on at {@code rate} and the tokens made. */
    private Map<Access.Role, String> secured(String rate, String... names) throws Exception {
        Access access = Access.open(dir.resolve("config/server.db"), Clock.systemUTC());
        Map<Access.Role, String> tokens = new java.util.EnumMap<>(Access.Role.class);
        for (Access.Role r : Access.Role.values()) {
            tokens.put(r, access.create("mcp-" + r.id(), r).secret());
        }
        guard = ServerGuard.over(access, new SecurityOptions(true, List.of(), RateLimit.parse(rate),
                Duration.ofSeconds(10)));
        List<Path> repos = new java.util.ArrayList<>();
        for (String name : names) {
            repos.add(RunServer.example(dir, name));
        }
        server = RunServer.start(dir, repos, ReplayedRuns.Gate.none(), log, c -> c.guard(guard)
                .extensions(List.of(guard)));
        return tokens;
    }

    private McpSyncClient client(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(server.url())
                        .endpoint("/mcp").requestBuilder(request).build())
                .requestTimeout(Duration.ofMinutes(5)).initializationTimeout(Duration.ofMinutes(1)).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static List<String> tools(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(McpSchema.CallToolRequest.builder().name(tool).arguments(args).build());
    }

    private HttpResponse<String> post(String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + "mcp"))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anOperatorTokenSeesEveryToolAndBuildsTheFirstServedRepositoryAndIsAudited() throws Exception {
        Map<Access.Role, String> tokens = secured("600/m", "calc", "other");
        McpSyncClient operator = client(tokens.get(Access.Role.OPERATOR));

        assertThat(tools(operator)).containsExactlyElementsOf(ALL);
        McpSchema.CallToolResult built = call(operator, "build", Map.of("targets", List.of("compile")));

        assertThat(built.isError()).as("%s", built).isNotEqualTo(Boolean.TRUE);
        assertThat(built.structuredContent().toString()).contains("passed");
        Path first = server.repos().all().getFirst().path();
        assertThat(first.resolve("out/calc/Calc.class")).exists();
        assertThat(server.repos().all().get(1).path().resolve("out")).doesNotExist();
        // the audit log names the MCP message of each request, the tool of a call
        List<String> audited = guard.access().audit(100).stream().filter(e -> e.who().equals("mcp-operator"))
                .map(e -> e.action() + " " + e.status()).toList();
        assertThat(audited).contains("POST /mcp initialize 200", "POST /mcp notifications/initialized 202",
                "POST /mcp tools/list 200", "POST /mcp tools/call build 200");
    }

    @Test
    void theAuditDetailIsTheMessagesMethodAndToolOrUriShortAndWithoutControlCharacters() {
        assertThat(detail("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"build\","
                + "\"arguments\":{}}}")).isEqualTo("tools/call build");
        assertThat(detail("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/read\",\"params\":{\"uri\":"
                + "\"munero://runs/r1/report\\u0007\"}}")).isEqualTo("resources/read munero://runs/r1/report");
        assertThat(detail("{\"method\":\"tools/call\",\"params\":{\"name\":\"" + "x".repeat(500) + "\"}}"))
                .hasSize(200);
        assertThat(detail("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")).isNull();
        assertThat(detail("not json")).isNull();
        assertThat(McpEndpoint.detail("{\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8), true)).isNull();
    }

    private static String detail(String body) {
        return McpEndpoint.detail(body.getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void aViewerTokenSeesOnlyTheReadingToolsAndABuildIsAToolErrorNamingTheRole() throws Exception {
        Map<Access.Role, String> tokens = secured("600/m", "calc");
        McpSyncClient viewer = client(tokens.get(Access.Role.VIEWER));

        assertThat(tools(viewer)).containsExactly("graph", "explain", "run_status", "run_events", "run_cost",
                "runs_list", "memory_search");
        McpSchema.CallToolResult refused = call(viewer, "build", Map.of());
        assertThat(refused.isError()).isTrue();
        assertThat(((McpSchema.TextContent) refused.content().getFirst()).text()).contains("operator");
        assertThat(server.repos().all().getFirst().path().resolve("out")).doesNotExist();
        McpSchema.CallToolResult graph = call(viewer, "graph", Map.of());
        assertThat(graph.isError()).as("%s", graph).isNotEqualTo(Boolean.TRUE);
        assertThat(graph.structuredContent().toString()).contains("compile", "test");
        // an admin token may do what an operator may
        assertThat(tools(client(tokens.get(Access.Role.ADMIN)))).containsExactlyElementsOf(ALL);
    }

    @Test
    void noTokenOrAnUnknownOneIsRefusedBeforeTheMcpServerAndOverTheRateLimitIs429() throws Exception {
        Map<Access.Role, String> tokens = secured("3/m", "calc");
        String initialize = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

        HttpResponse<String> none = post(null, initialize);
        HttpResponse<String> unknown = post("mun_not-a-token", initialize);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"munero\"");
        assertThat(none.body()).contains("munero token create");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.body()).contains("not valid");

        String viewer = tokens.get(Access.Role.VIEWER);
        for (int i = 0; i < 3; i++) {
            assertThat(post(viewer, initialize).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> over = post(viewer, initialize);
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Retry-After")).isPresent();
        assertThat(guard.access().audit(100)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("POST /mcp");
            assertThat(e.status()).isEqualTo(401);
        });
    }

    @Test
    void withoutAuthTheLocalUserHasEveryToolAndTheServerOffersNoGetStream() throws Exception {
        server = RunServer.start(dir, List.of(RunServer.example(dir, "calc")), ReplayedRuns.Gate.none(), log, c -> c);
        McpSyncClient local = client(null);

        assertThat(tools(local)).containsExactlyElementsOf(ALL);
        assertThat(local.listResourceTemplates().resourceTemplates()).extracting(
                McpSchema.ResourceTemplate::uriTemplate).containsExactly("munero://runs/{id}/report",
                "munero://builds/{build}/steps/{step}/log");
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "mcp")).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST, DELETE");
        assertThat(server.routes()).anySatisfy(r -> {
            assertThat(r.method() + " " + r.path()).isEqualTo("POST /mcp");
            assertThat(r.role()).isEqualTo(Role.VIEWER);
        });
        assertThat(server.openApi()).contains("\"/mcp\"");
    }
}
