package dev.munero.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.BuildManager;
import dev.munero.core.app.Access;
import dev.munero.server.MuneroServer;
import dev.munero.server.TokensApi;
import dev.munero.store.Store;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/repos/{repo}/agents} (issue 14) over real HTTP behind a viewer token. */
class AgentsApiTest {
    @TempDir
    Path dir;

    @Test
    void aViewerReadsTheProfilesWithTheirHistoryAndABadListIsAProblem() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("munero.yaml"), "steps:\n  - name: t\n    command: [\"true\"]\nagents:\n"
                + "  - name: coder-1\n    role: coder\n", StandardCharsets.UTF_8);
        Files.createDirectories(repo.resolve(".munero"));
        try (Store store = Store.open(BuildManager.databaseOf(repo), Clock.systemUTC())) {
            store.createRun("r1", "Completed", JsonMapper.builder().build().createObjectNode(),
                    JsonMapper.builder().build().createObjectNode());
            Instant t0 = Instant.parse("2026-11-26T20:00:00Z");
            store.startAgentTask("r1", 1, "a", "coder-1", "coder", t0);
            store.finishAgentTask("r1", 1, "a", t0.plusSeconds(4), "finished", OptionalDouble.of(0.5), List.of());
            store.settleAgentTasks("r1", true);
        }
        Access access = Access.open(dir.resolve("config/server.db"), Clock.systemUTC());
        String viewer = access.create("v", Access.Role.VIEWER).secret();
        ServerGuard guard = ServerGuard.over(access, SecurityOptions.of(true));
        MuneroServer server = MuneroServer.start(new MuneroServer.Config(List.of(repo), (r, settings, bus) -> {
            throw new AssertionError("no run is started here");
        }).port(0).guard(guard).extensions(List.of(guard, new TokensApi(access)))
                .log(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/v1/repos/repo/agents")).header("Authorization", "Bearer " + viewer).build();
            HttpResponse<String> ok = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            JsonNode profiles = JsonMapper.builder().build().readTree(ok.body());
            assertThat(profiles).hasSize(1);
            assertThat(profiles.get(0).path("name").asString()).isEqualTo("coder-1");
            assertThat(profiles.get(0).path("tasks").asInt()).isEqualTo(1);
            assertThat(profiles.get(0).path("success_rate").asDouble()).isEqualTo(1.0);

            Files.writeString(repo.resolve("munero.yaml"), "steps:\n  - name: t\n    command: [\"true\"]\nagents:\n"
                    + "  - name: coder-1\n    role: coder\n  - name: coder-1\n    role: tester\n");
            HttpResponse<String> bad = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isBetween(400, 499);
            assertThat(bad.body()).contains("munero.yaml:7", "already used");
        } finally {
            server.stop();
            guard.close();
        }
    }
}
