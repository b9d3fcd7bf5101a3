package dev.munero.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.BuildManager;
import dev.munero.core.app.Access;
import dev.munero.memory.Author;
import dev.munero.memory.Entry;
import dev.munero.memory.MemoryBank;
import dev.munero.server.MuneroServer;
import dev.munero.server.TokensApi;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The memory routes (issue 14) over real HTTP behind tokens: viewers read, operators write, errors are problems. */
class MemoryApiTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BASE = "/api/v1/repos/repo/memory";

    @TempDir
    Path dir;

    private MuneroServer server;
    private ServerGuard guard;
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newHttpClient();

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
        }).port(0).guard(guard).extensions(List.of(guard, new TokensApi(access)))
                .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    @AfterEach
    void stop() {
        server.stop();
        guard.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String role) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + secrets.get(role));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Test
    void anOperatorStoresAViewerSearchesAndReadsAndOnlyOperatorsWrite() throws Exception {
        String body = "{\"key\":\"deploy/steps\",\"value\":\"deploy with make release\",\"tags\":[\"deploy\"]}";

        HttpResponse<String> byViewer = send("PUT", BASE + "/entry", body, "viewer");
        HttpResponse<String> byOperator = send("PUT", BASE + "/entry", body, "operator");

        assertThat(byViewer.statusCode()).isEqualTo(403);
        assertThat(byViewer.headers().firstValue("Content-Type")).hasValueSatisfying(t ->
                assertThat(t).startsWith("application/problem+json"));
        assertThat(byOperator.statusCode()).as(byOperator.body()).isEqualTo(200);
        JsonNode stored = JSON.readTree(byOperator.body());
        assertThat(stored.path("version").asLong()).isEqualTo(1);
        assertThat(stored.at("/author/agent").asString()).isEqualTo("api:operator");

        JsonNode found = JSON.readTree(send("GET", BASE + "/search?q=" + q("how to deploy"), null, "viewer").body());
        assertThat(found.path("mode").asString()).isEqualTo("full-text");
        assertThat(found.path("hits").get(0).at("/entry/key").asString()).isEqualTo("deploy/steps");
        JsonNode shown = JSON.readTree(send("GET", BASE + "/entry?key=" + q("deploy/steps"), null, "viewer").body());
        assertThat(shown.path("value").asString()).isEqualTo("deploy with make release");
        JsonNode listed = JSON.readTree(send("GET", BASE + "?tag=deploy", null, "viewer").body());
        assertThat(listed).extracting(e -> e.path("key").asString()).containsExactly("deploy/steps");
        assertThat(JSON.readTree(send("GET", BASE + "/stats", null, "viewer").body()).path("entries").asLong())
                .isEqualTo(1);
        assertThat(send("DELETE", BASE + "/entry?key=deploy%2Fsteps", null, "viewer").statusCode()).isEqualTo(403);

        // the entry is in the repository's database, where munero run's agents and munero memory find it
        try (MemoryBank bank = MemoryBank.open(BuildManager.databaseOf(dir.resolve("repo")), Clock.systemUTC())) {
            Entry e = bank.get("project", "deploy/steps").orElseThrow();
            assertThat(e.author()).isEqualTo(new Author("api:operator", null, null));
        }
    }

    @Test
    void aStaleWriteIsA409NamingTheCurrentVersionAndAMissingEntryA404() throws Exception {
        send("PUT", BASE + "/entry", "{\"key\":\"k\",\"value\":\"one\"}", "operator");

        HttpResponse<String> stale = send("PUT", BASE + "/entry", "{\"key\":\"k\",\"value\":\"two\"}", "admin");
        HttpResponse<String> missing = send("GET", BASE + "/entry?key=nope", null, "viewer");
        HttpResponse<String> unknownField = send("PUT", BASE + "/entry", "{\"key\":\"k\",\"value\":\"v\",\"ttl\":3}",
                "operator");
        HttpResponse<String> deleted = send("DELETE", BASE + "/entry?key=k&expected_version=1", null, "operator");

        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(stale.body()).path("detail").asString()).contains("is at version 1, written by "
                + "agent api:operator");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).path("detail").asString()).startsWith("there is no memory entry "
                + "project/nope");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknownField.body()).path("detail").asString()).contains("unknown field 'ttl'");
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    }

    @Test
    void theOpenApiDocumentListsTheMemoryRoutes() throws Exception {
        JsonNode doc = JSON.readTree(send("GET", "/api/v1/openapi.json", null, "viewer").body());

        assertThat(doc.path("paths").has(BASE.replace("/repo/", "/{repo}/") + "/search")).as(doc.path("paths")
                .propertyNames().toString()).isTrue();
        assertThat(doc.path("paths").path(BASE.replace("/repo/", "/{repo}/") + "/entry").has("put")).isTrue();
    }
}
