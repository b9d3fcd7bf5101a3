package dev.munero.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.BuildManager;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Runs over the REST API, replayed: start, watch, read, pause, rollback; asserted on the JSON and the database. */
class RunsApiTest {
    @TempDir
    Path dir;
    MuneroServer server;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        System.err.print(log); // the server's log, kept in the test report
    }

    @Test
    void aRunStartedOverTheApiRunsInTheServerAndEveryReadRouteShowsWhatTheDatabaseHolds() throws Exception {
        Path repo = RunServer.example(dir, "calc");
        server = RunServer.start(dir, List.of(repo), RunServer.Gate.none(), log, c -> c);
        Http http = new Http(server);

        Http.Response started = http.post("/api/v1/runs", "{\"spec_path\": \"SPEC.md\"}");
        assertThat(started.status()).as("%s %s", started, log).isEqualTo(201);
        JsonNode run = started.json();
        String id = run.at("/summary/id").asString();
        assertThat(run.path("repo_id").asString()).isEqualTo("calc");
        assertThat(run.at("/summary/spec_path").asString()).isEqualTo("SPEC.md");

        WsClient ws = WsClient.connect(server, "/api/v1/runs/" + id + "/events", false);
        List<JsonNode> frames = ws.until("end");
        assertThat(frames.getLast().path("state").asString()).isEqualTo("Completed");

        JsonNode shown = http.get("/api/v1/runs/" + id).json();
        assertThat(shown.at("/summary/state").asString()).isEqualTo("Completed");
        assertThat(shown.at("/summary/iteration").asInt()).isEqualTo(2);
        assertThat(shown.at("/summary/tasks_done").asInt()).isEqualTo(2);
        assertThat(shown.path("tasks")).extracting(t -> t.path("id").asString())
                .containsExactly("fix-add", "add-multiply");

        JsonNode list = http.get("/api/v1/runs?state=Completed").json();
        assertThat(list.path("total").asInt()).isEqualTo(1);
        assertThat(list.path("items").get(0).path("id").asString()).isEqualTo(id);
        assertThat(list.path("items").get(0).path("repo_id").asString()).isEqualTo("calc");

        List<StoredEvent> stored;
        try (Store store = Store.open(BuildManager.databaseOf(repo), Clock.systemUTC())) {
            stored = store.events(id, 0);
        }
        JsonNode events = http.get("/api/v1/runs/" + id + "/events?limit=5000").json();
        assertThat(events).extracting(e -> e.path("seq").asLong())
                .containsExactlyElementsOf(stored.stream().map(StoredEvent::seq).toList());
        assertThat(events).extracting(e -> e.path("type").asString())
                .containsExactlyElementsOf(stored.stream().map(StoredEvent::type).toList());
        assertThat(events.get(0).path("run_id").asString()).isEqualTo(id);
        // the stream sent exactly the log
        assertThat(WsClient.seqs(frames)).containsExactlyElementsOf(stored.stream().map(StoredEvent::seq).toList());
        long third = stored.get(2).seq();
        assertThat(http.get("/api/v1/runs/" + id + "/events?since=" + third + "&limit=2").json())
                .extracting(e -> e.path("seq").asLong())
                .containsExactly(stored.get(3).seq(), stored.get(4).seq());

        JsonNode cost = http.get("/api/v1/runs/" + id + "/cost").json();
        assertThat(cost.path("cost_usd").asDouble()).isPositive();
        assertThat(cost.path("model_calls").asInt()).isEqualTo(8);
        assertThat(cost.path("by_phase").has("planning")).isTrue();
        assertThat(http.get("/api/v1/runs/" + id + "/report").json().path("model_calls").asInt()).isEqualTo(8);
        JsonNode diff = http.get("/api/v1/runs/" + id + "/diff?from=0&to=2").json();
        assertThat(diff.path("patch").asString()).contains("-        return a - b;", "+        return a + b;");

        Http.Response pause = http.post("/api/v1/runs/" + id + "/pause", "");
        assertThat(pause.status()).isEqualTo(409);
        assertThat(pause.contentType()).startsWith("application/problem+json");
        assertThat(pause.json().path("type").asString()).isEqualTo("urn:munero:problem:conflict");
        assertThat(pause.json().path("detail").asString()).contains("run " + id + " completed at",
                "there is nothing to pause");

        Http.Response rollback = http.post("/api/v1/runs/" + id + "/rollback", "{\"iteration\": 1}");
        assertThat(rollback.status()).as("%s", rollback).isEqualTo(200);
        assertThat(rollback.json().path("to").asString()).isEqualTo("PAUSED");
        assertThat(http.get("/api/v1/runs/" + id).json().at("/summary/state").asString()).isEqualTo("Paused");
        Http.Response missing = http.post("/api/v1/runs/" + id + "/rollback", "{}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("detail").asString()).contains("{\"iteration\": N, \"force\": false}");

        Http.Response unknown = http.get("/api/v1/runs/r-nope/cost");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("detail").asString()).contains("r-nope");
    }

    @Test
    void aBadStartIsRefusedBeforeAnyRunExists() throws Exception {
        Path repo = RunServer.example(dir, "calc");
        server = RunServer.start(dir, List.of(repo), RunServer.Gate.none(), log, c -> c);
        Http http = new Http(server);
        Http.Response both = http.post("/api/v1/runs", "{\"spec\": \"x\", \"spec_path\": \"SPEC.md\"}");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().path("detail").asString()).contains("not both");
        Http.Response outside = http.post("/api/v1/runs", "{\"spec_path\": \"../x.md\"}");
        assertThat(outside.status()).isEqualTo(400);
        assertThat(outside.json().path("detail").asString()).contains("inside the repository");
        Http.Response agents = http.post("/api/v1/runs", "{\"spec\": \"do it\", \"agents\": 0}");
        assertThat(agents.status()).isEqualTo(400);
        assertThat(agents.json().path("detail").asString()).contains("agents");
        Http.Response timeout = http.post("/api/v1/runs", "{\"spec\": \"do it\", \"timeout\": \"soon\"}");
        assertThat(timeout.status()).isEqualTo(400);
        assertThat(timeout.json().path("detail").asString()).contains("timeout");
        assertThat(http.get("/api/v1/runs").json().path("total").asInt()).isZero();
    }

    @Test
    void twoRunsInOneRepositoryAndOneInAnotherRunAtOnceAndAllComplete() throws Exception {
        Path a = RunServer.example(dir, "calc");
        Path b = RunServer.example(dir.resolve("other"), "calc");
        // leases off in calc: with them (issue 14) its second run's task waits for the first's lease on Calc.java,
        // so the two could not be in their second model call at once
        java.nio.file.Files.writeString(a.resolve("munero.yaml"), "run:\n  leases: off\n",
                java.nio.file.StandardOpenOption.APPEND);
        RunServer.Gate gate = new RunServer.Gate(2);
        server = RunServer.start(dir, List.of(a, b), gate, log, c -> c);
        Http http = new Http(server);
        String r1 = http.post("/api/v1/runs", "{\"repo\": \"calc\", \"spec_path\": \"SPEC.md\"}").json()
                .at("/summary/id").asString();
        String r2 = http.post("/api/v1/runs", "{\"repo\": \"calc\", \"spec_path\": \"SPEC.md\"}").json()
                .at("/summary/id").asString();
        String r3 = http.post("/api/v1/runs", "{\"repo\": \"calc-2\", \"spec_path\": \"SPEC.md\"}").json()
                .at("/summary/id").asString();
        gate.awaitHeld(3); // all three are in their second model call at the same time
        assertThat(server.liveRuns()).containsExactlyInAnyOrder(r1, r2, r3);
        JsonNode running = http.get("/api/v1/runs?repo=calc").json();
        assertThat(running.path("total").asInt()).isEqualTo(2);
        gate.open();
        // run ids are unique per repository (they may repeat across repositories): ?repo= says which
        for (String[] run : List.of(new String[] {r1, "calc"}, new String[] {r2, "calc"},
                new String[] {r3, "calc-2"})) {
            WsClient ws = WsClient.connect(server, "/api/v1/runs/" + run[0] + "/events?repo=" + run[1], false);
            assertThat(ws.until("end").getLast().path("state").asString()).as("%s %s", run[0], log)
                    .isEqualTo("Completed");
        }
        JsonNode all = http.get("/api/v1/runs").json();
        assertThat(all.path("total").asInt()).isEqualTo(3);
        assertThat(all.path("items")).extracting(i -> i.path("repo_id").asString())
                .containsExactlyInAnyOrder("calc", "calc", "calc-2");
    }

    @Test
    void stoppingTheServerPausesTheRunsItDrivesAndTheyCanBeResumed() throws Exception {
        Path repo = RunServer.example(dir, "calc");
        RunServer.Gate gate = new RunServer.Gate(3);
        server = RunServer.start(dir, List.of(repo), gate, log, c -> c);
        String id = new Http(server).post("/api/v1/runs", "{\"spec_path\": \"SPEC.md\"}").json()
                .at("/summary/id").asString();
        gate.awaitHeld(1);
        Thread stopper = Thread.ofVirtual().start(server::stop);
        gate.open(); // the call returns; the run sees the pause request and pauses
        stopper.join();
        assertThat(server.liveRuns()).isEmpty();
        try (Store store = Store.open(BuildManager.databaseOf(repo), Clock.systemUTC())) {
            assertThat(store.run(id).orElseThrow().state()).isEqualTo("Paused");
        }
        // a new server resumes it
        server = RunServer.start(dir, List.of(repo), RunServer.Gate.none(), log, c -> c);
        Http http = new Http(server);
        Http.Response resumed = http.post("/api/v1/runs/" + id + "/resume", "{}");
        assertThat(resumed.status()).as("%s %s", resumed, log).isEqualTo(202);
        WsClient ws = WsClient.connect(server, "/api/v1/runs/" + id + "/events", false);
        assertThat(ws.until("end").getLast().path("state").asString()).as("%s", log).isEqualTo("Completed");
    }
}
