package dev.munero.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.router.ParsedEndpoint;
import io.javalin.websocket.WsHandlerEntry;
import io.javalin.websocket.WsHandlerType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The server without runs: repositories, problem+json for bad requests, the OpenAPI document against the routes. */
class ServerBasicsTest {
    @TempDir
    Path dir;
    MuneroServer server;
    Http http;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("a/app"));
        Files.createDirectories(dir.resolve("b/app"));
        server = MuneroServer.start(new MuneroServer.Config(List.of(dir.resolve("a/app"), dir.resolve("b/app")),
                (repo, settings, bus) -> {
                    throw new AssertionError("no run is started here");
                }).port(0).log(new PrintStream(log, true, StandardCharsets.UTF_8)));
        http = new Http(server);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void listsTheServedRepositoriesWithUniqueIdsFromTheirDirectoryNames() throws Exception {
        Http.Response r = http.get("/api/v1/repos");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode repos = r.json();
        assertThat(repos).hasSize(2);
        assertThat(repos.get(0).get("id").asString()).isEqualTo("app");
        assertThat(repos.get(1).get("id").asString()).isEqualTo("app-2");
        assertThat(repos.get(1).get("path").asString()).isEqualTo(dir.resolve("b/app").toString());
        assertThat(repos.get(0).get("has_runs").asBoolean()).isFalse();
    }

    @Test
    void anUnknownRouteIsA404ProblemThatPointsToTheOpenApiDocument() throws Exception {
        Http.Response r = http.get("/api/v1/nothing");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asString()).isEqualTo("urn:munero:problem:not-found");
        assertThat(p.get("title").asString()).isEqualTo("Not Found");
        assertThat(p.get("status").asInt()).isEqualTo(404);
        assertThat(p.get("detail").asString()).contains("GET /api/v1/nothing", "/api/v1/openapi.json");
        assertThat(p.get("instance").asString()).isEqualTo("/api/v1/nothing");
    }

    @Test
    void aKnownPathWithAnotherMethodIsA405ProblemNamingTheMethodItTakes() throws Exception {
        Http.Response r = http.send("DELETE", "/api/v1/repos");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("detail").asString()).contains("DELETE is not allowed on /api/v1/repos", "GET");
    }

    @Test
    void aBodyThatIsNotJsonIsA400ProblemSayingWhereAndWhatToSend() throws Exception {
        Http.Response r = http.post("/api/v1/runs", "{\"spec\": ");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().get("detail").asString()).contains("line 1", "send {\"repo\": ID, \"spec\"");
    }

    @Test
    void anUnknownFieldInABodyIsA400ProblemNamingIt() throws Exception {
        Http.Response r = http.post("/api/v1/runs", "{\"repo\": \"app\", \"budget\": 2}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asString()).contains("unknown field 'budget'", "budget_usd");
    }

    @Test
    void aStartNamingNoRepositoryWhenSeveralAreServedIsA400ListingThem() throws Exception {
        Http.Response r = http.post("/api/v1/runs", "{\"spec\": \"do it\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asString()).contains("several repositories", "app, app-2");
        Http.Response unknown = http.post("/api/v1/runs", "{\"repo\": \"zzz\", \"spec\": \"do it\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asString()).contains("no served repository zzz", "app, app-2");
    }

    @Test
    void aBadQueryParameterIsA400NamingItsRange() throws Exception {
        Http.Response r = http.get("/api/v1/runs?limit=0");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("detail").asString())
                .isEqualTo("the query parameter limit must be an integer from 1 to 500, was '0'");
        assertThat(http.get("/api/v1/runs?offset=x").status()).isEqualTo(400);
    }

    @Test
    void aRepositoryWithoutRunsListsNone() throws Exception {
        Http.Response r = http.get("/api/v1/runs");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("total").asInt()).isZero();
        assertThat(r.json().get("items")).isEmpty();
        assertThat(http.get("/api/v1/runs/r1").status()).isEqualTo(404);
    }

    @Test
    void theOpenApiDocumentListsEveryRouteJavalinHasAndNoOther() throws Exception {
        Http.Response r = http.get(MuneroServer.OPENAPI_PATH);
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
        Set<String> documented = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").properties().iterator();
        while (paths.hasNext()) {
            var path = paths.next();
            for (var op : path.getValue().properties()) {
                JsonNode responses = op.getValue().get("responses");
                if (responses.has("101")) {
                    documented.add("WS " + path.getKey());
                }
                if (responses.propertyNames().stream().anyMatch(s -> s.startsWith("2"))) {
                    documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }
        }
        Set<String> real = new HashSet<>();
        for (ParsedEndpoint e : server.javalin().unsafe.internalRouter.allHttpHandlers()) {
            if (e.endpoint.method.isHttpMethod()) {
                real.add(e.endpoint.method.name() + " " + e.endpoint.path);
            }
        }
        for (WsHandlerEntry e : server.javalin().unsafe.internalRouter.allWsHandlers()) {
            if (e.getType() == WsHandlerType.WEBSOCKET) {
                real.add("WS " + e.getPath());
            }
        }
        assertThat(real).isNotEmpty();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(real);
        // every operation says which role it needs, and schemas of the answers are there
        assertThat(doc.at("/paths/~1api~1v1~1runs/post/x-munero-role").asString()).isEqualTo("operator");
        assertThat(doc.at("/paths/~1api~1v1~1runs~1{id}/get/x-munero-role").asString()).isEqualTo("viewer");
        assertThat(doc.at("/components/schemas/RunsSummary/properties/cost_usd/type").asString()).isEqualTo("number");
        assertThat(doc.at("/components/schemas/RunsApiStartRun/properties/spec_path/type").asString())
                .isEqualTo("string");
    }

    @Test
    void refusesToBindOutsideLoopbackWithoutAGuard() {
        assertThatThrownBy(() -> MuneroServer.start(new MuneroServer.Config(List.of(dir), (a, b, c) -> null)
                .host("0.0.0.0").port(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no authentication");
    }
}
