package dev.munero.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.app.Access;
import dev.munero.server.ApiRoute;
import dev.munero.server.MuneroServer;
import dev.munero.server.Role;
import dev.munero.server.TokensApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** munero serve's real route table behind {@link ServerGuard}: every route × every role over real HTTP. */
class SecuredServerTest {
    @TempDir
    Path dir;

    private MuneroServer server;
    private ServerGuard guard;
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("repo"));
        Access access = Access.open(dir.resolve("config/server.db"), Clock.systemUTC());
        for (Access.Role r : Access.Role.values()) {
            secrets.put(r.id(), access.create(r.id(), r).secret());
        }
        guard = ServerGuard.over(access, SecurityOptions.of(true));
        server = MuneroServer.start(new MuneroServer.Config(List.of(dir.resolve("repo")), (repo, settings, bus) -> {
            throw new AssertionError("no run is started here");
        }).port(0).guard(guard).extensions(List.of(guard, new TokensApi(access))).log(new PrintStream(log, true, StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        server.stop();
        guard.close();
    }

    private int status(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody())
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).doesNotContain("mun_");
        return r.statusCode();
    }

    private static String concrete(String path) {
        return path.replaceAll("\\{[^}]+}", "nope");
    }

    @Test
    void everyHttpRouteAnswersEachRoleAsTheRouteTableSays() throws Exception {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (ApiRoute route : server.routes()) {
            if (route.isWebSocket()) {
                continue;
            }
            String path = concrete(route.path());
            int anonymous = status(route.method(), path, null);
            boolean open = route.role() == Role.PUBLIC;
            if (open ? anonymous == 401 || anonymous == 403 : anonymous != 401) {
                wrong.add(route.method() + " " + route.path() + " without a token: " + anonymous);
            }
            for (Access.Role caller : Access.Role.values()) {
                int got = status(route.method(), path, secrets.get(caller.id()));
                boolean allowed = open || caller.includes(Access.Role.valueOf(route.role().name()));
                if (allowed ? got == 401 || got == 403 || got == 429 : got != 403) {
                    wrong.add(route.method() + " " + route.path() + " as " + caller.id() + ": " + got);
                }
                checked++;
            }
        }

        assertThat(wrong).isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(4 * 10);
        assertThat(guard.access().verify().intact()).isTrue();
        assertThat(guard.access().audit(1000)).hasSizeGreaterThanOrEqualTo(checked);
    }

    @Test
    void everyWebSocketRouteNeedsAValidTokenOnItsUpgrade() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (ApiRoute route : server.routes()) {
            if (!route.isWebSocket()) {
                continue;
            }
            URI uri = URI.create("ws://127.0.0.1:" + server.port() + concrete(route.path()));
            int garbage = handshake(uri, "mun_wrong");
            int viewer = handshake(uri, secrets.get("viewer"));
            if (garbage != 401) {
                wrong.add(route.path() + " with a bad token: " + garbage);
            }
            if (viewer == 401 || viewer == 403) {
                wrong.add(route.path() + " as viewer: " + viewer);
            }
        }

        assertThat(wrong).isEmpty();
        // no run or build 'nope' exists: the viewer's upgrades were refused by the route (404), so none reads 101
        assertThat(guard.access().audit(100)).filteredOn(r -> r.action().startsWith("WS "))
                .extracting(r -> r.who() + " " + r.status()).containsOnly("- 401");
    }

    /** The upgrade's status: 101 when it opened, else the refusal's. */
    private int handshake(URI uri, String token) throws Exception {
        try {
            http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                    .buildAsync(uri, new WebSocket.Listener() { }).get(1, TimeUnit.MINUTES)
                    .sendClose(WebSocket.NORMAL_CLOSURE, "");
            return 101;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
            throw e;
        }
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAdminListsAndRevokesTokensAndReadsTheAuditLogOverTheApiButNeverSeesASecret() throws Exception {
        // issue 12: admin manages tokens; no token's secret (nor its hash) is ever in a response
        HttpResponse<String> list = send("GET", "/api/v1/tokens", secrets.get("admin"));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(list.body()).contains("\"name\":\"operator\"", "\"role\":\"viewer\"").doesNotContain("mun_");
        for (String secret : secrets.values()) {
            assertThat(list.body()).doesNotContain(secret.substring(4, 20));
        }
        assertThat(send("GET", "/api/v1/tokens", secrets.get("operator")).statusCode()).isEqualTo(403);
        assertThat(send("GET", "/api/v1/runs", secrets.get("operator")).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = send("DELETE", "/api/v1/tokens/operator", secrets.get("admin"));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.body()).contains("\"name\":\"operator\"").doesNotContain("mun_");
        assertThat(send("GET", "/api/v1/runs", secrets.get("operator")).statusCode()).isEqualTo(401);
        assertThat(send("DELETE", "/api/v1/tokens/nobody", secrets.get("admin")).statusCode()).isEqualTo(404);

        HttpResponse<String> audit = send("GET", "/api/v1/audit?limit=50", secrets.get("admin"));
        assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
        assertThat(audit.body()).contains("DELETE /api/v1/tokens/operator").doesNotContain("mun_");
        // the revoke itself is recorded as the admin's, from the admin's address, not as the CLI's
        assertThat(guard.access().audit(50)).filteredOn(a -> a.action().equals("token revoke operator"))
                .singleElement().satisfies(a -> {
                    assertThat(a.who()).isEqualTo("admin");
                    assertThat(a.remote()).isEqualTo("127.0.0.1");
                });
        assertThat(send("GET", "/api/v1/audit?limit=0", secrets.get("admin")).statusCode()).isEqualTo(400);
    }
}
