package dev.munero.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.core.app.Access;
import dev.munero.core.app.Access.Role;
import dev.munero.core.app.AppException;
import io.javalin.Javalin;
import dev.munero.server.ProblemException;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guard over real HTTP on 127.0.0.1, wired into a small Javalin app the way the server wires it: {@code admit}
 * first in each handler and in {@code wsBeforeUpgrade}, {@code completed} in the request logger, the WebSocket
 * handler wrapped by {@code websocket}, refusals answered as problem+json.
 */
class TokenGuardTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String THINGS = "/api/v1/things";
    private static final String EVENTS = "/api/v1/things/{id}/events";

    @TempDir
    Path dir;

    private Access access;
    private TokenGuard guard;
    private Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<Role, String> secrets = new LinkedHashMap<>();

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop();
        }
        if (guard != null) {
            guard.close();
        }
        if (access != null) {
            access.close();
        }
    }

    private String start(SecurityOptions options) {
        access = Access.open(dir.resolve("server.db"), Clock.systemUTC());
        for (Role r : Role.values()) {
            secrets.put(r, access.create(r.id(), r).secret());
        }
        guard = new TokenGuard(access, options);
        app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.jetty.host = "127.0.0.1";
            c.jetty.port = 0;
            guard.configure(c);
            // the server's Problems does this in munero serve; this small app writes the same RFC 9457 body
            c.routes.exception(ProblemException.class, (e, ctx) -> {
                e.headers().forEach(ctx::header);
                ctx.status(e.status()).contentType("application/problem+json").result(JSON.writeValueAsString(
                        Map.of("type", "urn:munero:problem:" + e.slug(), "title",
                                HttpStatus.forStatus(e.status()).getMessage(), "status", e.status(),
                                "detail", e.getMessage(), "instance", ctx.path())));
            });
            c.routes.addHttpHandler(HandlerType.GET, THINGS, ctx -> {
                guard.admit(ctx, Role.VIEWER);
                ctx.json(Map.of("who", TokenGuard.principal(ctx).orElseThrow().name()));
            });
            c.routes.addHttpHandler(HandlerType.POST, THINGS, ctx -> {
                guard.admit(ctx, Role.OPERATOR);
                ctx.status(201).json(Map.of("made", true));
            });
            c.routes.addHttpHandler(HandlerType.GET, "/api/v1/openapi.json", ctx -> {
                guard.admit(ctx, null);
                ctx.json(Map.of("openapi", "3.1.0"));
            });
            c.routes.wsBeforeUpgrade(EVENTS, ctx -> guard.admit(ctx, Role.VIEWER));
            c.routes.ws(EVENTS, guard.websocket(EVENTS, ws -> {
                ws.onConnect(ctx -> ctx.send("hello " + TokenGuard.principal(ctx).orElseThrow().name() + " on "
                        + ctx.pathParam("id")));
                ws.onMessage(ctx -> ctx.send("echo " + ctx.message()));
            }));
            c.requestLogger.http((ctx, ms) -> guard.completed(ctx));
        });
        app.start();
        return "http://127.0.0.1:" + app.port();
    }

    private HttpResponse<String> send(String base, String method, String path, String token, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode problem(HttpResponse<String> r) {
        assertThat(r.headers().firstValue("Content-Type")).get().asString().startsWith("application/problem+json");
        return JSON.readTree(r.body());
    }

    @Test
    void everyRoleAgainstAViewerRouteAndAnOperatorRoute() throws Exception {
        String base = start(SecurityOptions.of(true));
        String revoked = access.create("old", Role.ADMIN).secret();
        access.revoke("old");
        Map<String, String> callers = new LinkedHashMap<>();
        callers.put("none", null);
        callers.put("garbage", "mun_not-a-token");
        callers.put("revoked", revoked);
        secrets.forEach((role, secret) -> callers.put(role.id(), secret));
        Map<String, List<Integer>> expected = Map.of(
                "none", List.of(401, 401), "garbage", List.of(401, 401), "revoked", List.of(401, 401),
                "viewer", List.of(200, 403), "operator", List.of(200, 201), "admin", List.of(200, 201));

        Map<String, List<Integer>> actual = new LinkedHashMap<>();
        List<String> bodies = new ArrayList<>();
        for (var caller : callers.entrySet()) {
            HttpResponse<String> get = send(base, "GET", THINGS, caller.getValue());
            HttpResponse<String> post = send(base, "POST", THINGS, caller.getValue());
            actual.put(caller.getKey(), List.of(get.statusCode(), post.statusCode()));
            bodies.add(get.body());
            bodies.add(post.body());
        }

        assertThat(actual).isEqualTo(expected);
        assertThat(String.join("\n", bodies)).doesNotContain("mun_");
    }

    @Test
    void unauthorizedAndForbiddenAreProblemJsonSayingWhatToSend() throws Exception {
        String base = start(SecurityOptions.of(true));

        HttpResponse<String> none = send(base, "GET", THINGS, null);
        HttpResponse<String> bad = send(base, "GET", THINGS, "mun_wrong");
        HttpResponse<String> basic = send(base, "GET", THINGS, null, "Authorization", "Basic dXNlcjpwYXNz");
        HttpResponse<String> viewer = send(base, "POST", THINGS, secrets.get(Role.VIEWER));

        assertThat(problem(none)).isEqualTo(JSON.readTree("""
                {"type":"urn:munero:problem:unauthorized","title":"Unauthorized","status":401,
                 "detail":"this route needs a token with the viewer role: send the header Authorization: Bearer <token> (munero token create --role viewer)",
                 "instance":"/api/v1/things"}"""));
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"munero\"");
        assertThat(problem(bad).get("detail").asString()).startsWith("the token is not valid");
        assertThat(bad.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"munero\", error=\"invalid_token\"");
        assertThat(problem(basic).get("detail").asString()).isEqualTo("the Authorization header must be 'Bearer <token>'");
        assertThat(problem(viewer)).isEqualTo(JSON.readTree("""
                {"type":"urn:munero:problem:forbidden","title":"Forbidden","status":403,
                 "detail":"token 'viewer' has the viewer role; this needs operator (munero token create --role operator)",
                 "instance":"/api/v1/things"}"""));
    }

    @Test
    void aPublicRouteNeedsNoTokenEvenWithAuthOn() throws Exception {
        String base = start(SecurityOptions.of(true));

        assertThat(send(base, "GET", "/api/v1/openapi.json", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenOverItsRateLimitGets429WithRetryAfterAndOthersGoOn() throws Exception {
        String base = start(new SecurityOptions(true, List.of(), new RateLimit(3, Duration.ofHours(1)),
                Duration.ofSeconds(10)));

        List<Integer> statuses = new ArrayList<>();
        HttpResponse<String> last = null;
        for (int i = 0; i < 4; i++) {
            last = send(base, "GET", THINGS, secrets.get(Role.VIEWER));
            statuses.add(last.statusCode());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429);
        long retryAfter = Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 1200L);
        JsonNode body = problem(last);
        assertThat(body.get("type").asString()).isEqualTo("urn:munero:problem:rate-limited");
        assertThat(body.get("status").asInt()).isEqualTo(429);
        assertThat(body.get("detail").asString()).isEqualTo("token 'viewer' is over its rate limit of 3 requests per "
                + "3600 s; retry in " + retryAfter + " s");
        assertThat(send(base, "GET", THINGS, secrets.get(Role.OPERATOR)).statusCode()).isEqualTo(200);
    }

    @Test
    void everyTokenUseAndEveryMutatingRequestIsAuditedWithoutTheSecret() throws Exception {
        String base = start(SecurityOptions.of(true));
        long before = access.verify().rows();

        send(base, "GET", THINGS, secrets.get(Role.VIEWER));
        send(base, "POST", THINGS, secrets.get(Role.VIEWER));
        send(base, "POST", THINGS, secrets.get(Role.OPERATOR));
        send(base, "POST", THINGS, null);
        send(base, "GET", THINGS, null);
        send(base, "GET", "/api/v1/openapi.json", null);

        List<Access.AuditRecord> rows = access.audit(100).reversed().stream().skip(before).toList();
        assertThat(rows).extracting(r -> r.who() + " " + r.action() + " " + r.status() + " from " + r.remote())
                .containsExactly(
                        "viewer GET /api/v1/things 200 from 127.0.0.1",
                        "viewer POST /api/v1/things 403 from 127.0.0.1",
                        "operator POST /api/v1/things 201 from 127.0.0.1",
                        "- POST /api/v1/things 401 from 127.0.0.1");
        assertThat(rows.get(0).tokenId()).isPresent();
        assertThat(rows.get(3).tokenId()).isEmpty();
        assertThat(rows.toString()).doesNotContain("mun_");
        assertThat(access.verify().intact()).isTrue();
        assertThat(access.list()).filteredOn(t -> t.name().equals("viewer"))
                .singleElement().satisfies(t -> assertThat(t.lastUsedAt()).isPresent());
    }

    @Test
    void withAuthOffMutatingRequestsAreAuditedAsLocal() throws Exception {
        String base = start(SecurityOptions.of(false));

        HttpResponse<String> get = send(base, "GET", THINGS, null);
        HttpResponse<String> post = send(base, "POST", THINGS, null);

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(get.body()).get("who").asString()).isEqualTo("local");
        assertThat(post.statusCode()).isEqualTo(201);
        Access.AuditRecord last = access.audit(1).getFirst();
        assertThat(last.who()).isEqualTo("local");
        assertThat(last.action()).isEqualTo("POST /api/v1/things");
        assertThat(last.status()).isEqualTo(201);
    }

    @Test
    void withAuthOffAForeignHostIsRefusedAgainstDnsRebinding() throws Exception {
        String base = start(SecurityOptions.of(false));

        String evil = rawGet(app.port(), "attacker.example:" + app.port());
        String local = rawGet(app.port(), "localhost:" + app.port());

        assertThat(evil).startsWith("HTTP/1.1 403").contains("only answers requests addressed to localhost");
        assertThat(local).startsWith("HTTP/1.1 200");
        assertThat(send(base, "GET", THINGS, null).statusCode()).isEqualTo(200);
    }

    private static String rawGet(int port, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + THINGS + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aPageOfAnotherSiteCannotPostToTheLocalServer() throws Exception {
        String base = start(SecurityOptions.of(false));

        HttpResponse<String> foreign = send(base, "POST", THINGS, null, "Origin", "https://attacker.example");
        HttpResponse<String> same = send(base, "POST", THINGS, null, "Origin", base);

        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(problem(foreign).get("detail").asString()).isEqualTo("requests from pages of "
                + "https://attacker.example are refused: start the server with --cors https://attacker.example to "
                + "allow them");
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(same.statusCode()).isEqualTo(201);
    }

    @Test
    void aConfiguredCorsOriginGetsCorsHeadersAndOthersDoNot() throws Exception {
        String base = start(new SecurityOptions(true, List.of("https://ci.example.com"), RateLimit.DEFAULT,
                Duration.ofSeconds(10)));

        HttpResponse<String> preflight = send(base, "OPTIONS", THINGS, null, "Origin", "https://ci.example.com",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization");
        HttpResponse<String> allowed = send(base, "GET", THINGS, secrets.get(Role.VIEWER),
                "Origin", "https://ci.example.com");
        HttpResponse<String> other = send(base, "GET", THINGS, secrets.get(Role.VIEWER),
                "Origin", "https://other.example.com");

        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("https://ci.example.com");
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains("https://ci.example.com");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    /** Collects a WebSocket's text frames and its close. */
    private static final class Frames implements WebSocket.Listener {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            texts.add(data.toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }
    }

    private WebSocket connect(String base, Frames frames, String token) throws Exception {
        WebSocket.Builder b = http.newWebSocketBuilder();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.buildAsync(URI.create(base.replace("http:", "ws:") + "/api/v1/things/t1/events"), frames)
                .get(1, TimeUnit.MINUTES);
    }

    @Test
    void aWebSocketAuthenticatesWithTheHeaderOnTheUpgrade() throws Exception {
        String base = start(SecurityOptions.of(true));
        Frames frames = new Frames();

        WebSocket ws = connect(base, frames, secrets.get(Role.VIEWER));
        ws.sendText("ping", true);

        assertThat(frames.texts.poll(1, TimeUnit.MINUTES)).isEqualTo("hello viewer on t1");
        assertThat(frames.texts.poll(1, TimeUnit.MINUTES)).isEqualTo("echo ping");
        Access.AuditRecord audited = access.audit(1).getFirst();
        assertThat(audited.who() + " " + audited.action() + " " + audited.status())
                .isEqualTo("viewer WS /api/v1/things/t1/events 101");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    @Test
    void aWebSocketUpgradeWithABadTokenIsRefusedWith401() throws Exception {
        String base = start(SecurityOptions.of(true));

        assertThatThrownBy(() -> connect(base, new Frames(), "mun_wrong"))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        assertThat(access.audit(1).getFirst().status()).isEqualTo(401);
    }

    @Test
    void aBrowserWebSocketAuthenticatesWithItsFirstFrame() throws Exception {
        String base = start(SecurityOptions.of(true));
        Frames frames = new Frames();

        WebSocket ws = connect(base, frames, null);
        ws.sendText("{\"token\":\"" + secrets.get(Role.OPERATOR) + "\"}", true);
        assertThat(frames.texts.poll(1, TimeUnit.MINUTES)).isEqualTo("hello operator on t1");
        ws.sendText("ping", true);

        assertThat(frames.texts.poll(1, TimeUnit.MINUTES)).isEqualTo("echo ping");
        assertThat(access.audit(1).getFirst().who()).isEqualTo("operator");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }

    @Test
    void aWebSocketWhoseFirstFrameIsNotAValidTokenIsClosedWith1008() throws Exception {
        String base = start(SecurityOptions.of(true));
        Frames wrong = new Frames();
        Frames notJson = new Frames();

        connect(base, wrong, null).sendText("{\"token\":\"mun_wrong\"}", true);
        connect(base, notJson, null).sendText("ping", true);

        assertThat(wrong.closed.get(1, TimeUnit.MINUTES)).isEqualTo("1008 invalid token");
        assertThat(notJson.closed.get(1, TimeUnit.MINUTES)).isEqualTo("1008 the first frame must be {\"token\":\"...\"}");
        assertThat(wrong.texts).isEmpty();
        assertThat(notJson.texts).isEmpty();
    }

    @Test
    void aWebSocketThatSendsNoTokenInTimeIsClosedWith1008() throws Exception {
        String base = start(new SecurityOptions(true, List.of(), RateLimit.DEFAULT, Duration.ofSeconds(1)));
        Frames frames = new Frames();

        connect(base, frames, null);

        assertThat(frames.closed.get(1, TimeUnit.MINUTES)).isEqualTo("1008 no token: send {\"token\":\"...\"} first, "
                + "within 1 s");
        assertThat(frames.texts).isEmpty();
        Access.AuditRecord audited = access.audit(1).getFirst();
        assertThat(audited.who() + " " + audited.action() + " " + audited.status())
                .isEqualTo("- WS /api/v1/things/t1/events 401");
    }

    @Test
    void withAuthOffAWebSocketConnectsAsLocal() throws Exception {
        String base = start(SecurityOptions.of(false));
        Frames frames = new Frames();

        connect(base, frames, null);

        assertThat(frames.texts.poll(1, TimeUnit.MINUTES)).isEqualTo("hello local on t1");
    }

    @Test
    void refusesToBindANonLoopbackAddressWithoutAuth() {
        assertThatThrownBy(() -> SecurityOptions.of(false).requireSafeBind("0.0.0.0"))
                .isInstanceOfSatisfying(AppException.class, e -> assertThat(e.kind()).isEqualTo(AppException.Kind.INVALID))
                .hasMessageStartingWith("--bind 0.0.0.0 makes the API reachable from other machines, which needs --auth");
        SecurityOptions.of(false).requireSafeBind("127.0.0.1");
        SecurityOptions.of(false).requireSafeBind("localhost");
        SecurityOptions.of(false).requireSafeBind("::1");
        SecurityOptions.of(true).requireSafeBind("0.0.0.0");
    }

    @Test
    void recognisesLoopbackHostHeadersWithoutResolvingNames() {
        assertThat(TokenGuard.loopbackHost("127.0.0.1:7070")).isTrue();
        assertThat(TokenGuard.loopbackHost("localhost")).isTrue();
        assertThat(TokenGuard.loopbackHost("[::1]:7070")).isTrue();
        assertThat(TokenGuard.loopbackHost("127.1.2.3")).isTrue();
        assertThat(TokenGuard.loopbackHost("10.0.0.1:7070")).isFalse();
        assertThat(TokenGuard.loopbackHost("localhost.attacker.example")).isFalse();
        assertThat(TokenGuard.loopbackHost("attacker.example:7070")).isFalse();
    }

    @Test
    void parsesRateLimits() {
        assertThat(RateLimit.parse("600/m")).isEqualTo(new RateLimit(600, Duration.ofMinutes(1)));
        assertThat(RateLimit.parse("100/30s")).isEqualTo(new RateLimit(100, Duration.ofSeconds(30)));
        assertThatThrownBy(() -> RateLimit.parse("fast")).hasMessageStartingWith("bad rate limit 'fast'");
        assertThatThrownBy(() -> RateLimit.parse("0/m")).hasMessageContaining("at least 1 request");
    }
}
