package dev.munero.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.ReplayedRuns;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** Builds over the REST API and their event stream, on a copy of examples/run-calc (whose compile step fails). */
class BuildsApiTest {
    @TempDir
    Path dir;
    MuneroServer server;
    Http http;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Path repo = RunServer.example(dir, "calc");
        server = RunServer.start(dir, List.of(repo), ReplayedRuns.Gate.none(), log, c -> c);
        http = new Http(server);
    }

    @AfterEach
    void stop() {
        server.stop();
        System.err.print(log);
    }

    @Test
    void aBuildStartedOverTheApiStreamsItsStepsAndItsReportLogAndGraphAreServed() throws Exception {
        Http.Response started = http.post("/api/v1/builds", "{\"targets\": [\"test\"]}");
        assertThat(started.status()).as("%s %s", started, log).isEqualTo(202);
        String id = started.json().path("build_id").asString();
        assertThat(started.json().path("repo").asString()).isEqualTo("calc");
        assertThat(started.json().path("steps_total").asInt()).isEqualTo(2);

        WsClient ws = WsClient.connect(server, "/api/v1/builds/" + id + "/events", false);
        List<JsonNode> frames = ws.until("end");
        assertThat(frames.getLast().path("state").asString()).isEqualTo("failed");
        List<JsonNode> events = frames.stream().filter(f -> f.path("kind").asString().equals("event")).toList();
        assertThat(events).extracting(e -> e.at("/event/seq").asLong())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).extracting(e -> e.at("/event/type").asString())
                .startsWith("build_started", "step_started").endsWith("build_finished");
        assertThat(events.getFirst().at("/event/build_id").asString()).isEqualTo(id);
        assertThat(events).filteredOn(e -> e.at("/event/type").asString().equals("step_finished"))
                .extracting(e -> e.at("/event/payload/name").asString() + " "
                        + e.at("/event/payload/status").asString())
                .contains("compile FAILED");
        // a reconnect with since= gets the rest only
        WsClient again = WsClient.connect(server, "/api/v1/builds/" + id + "/events?since=2", false);
        assertThat(WsClient.seqs(again.until("end"))).first().isEqualTo(3L);

        JsonNode build = http.get("/api/v1/builds/" + id).json();
        assertThat(build.path("state").asString()).isEqualTo("failed");
        assertThat(build.at("/report/status").asString()).isEqualTo("FAILED");
        assertThat(build.at("/report/run_id").asString()).isEqualTo(id);
        Http.Response stepLog = http.get("/api/v1/builds/" + id + "/steps/compile/log");
        assertThat(stepLog.status()).isEqualTo(200);
        assertThat(stepLog.contentType()).startsWith("text/plain");
        assertThat(stepLog.body()).contains("multiply");
        assertThat(http.get("/api/v1/builds/" + id + "/steps/compile/log?tail=10").body().length())
                .isLessThanOrEqualTo(10);
        assertThat(http.get("/api/v1/builds/" + id + "/steps/nope/log").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/repos/calc/builds/latest").json().path("run_id").asString()).isEqualTo(id);
    }

    @Test
    void theGraphComesAsJsonDotOrMermaidAndAStepIsExplained() throws Exception {
        JsonNode graph = http.get("/api/v1/repos/calc/graph").json();
        assertThat(graph.path("nodes")).extracting(n -> n.path("name").asString()).containsExactly("compile", "test");
        assertThat(graph.path("edges").get(0).path("from").asString()).isEqualTo("test");
        Http.Response dot = http.get("/api/v1/repos/calc/graph?format=dot");
        assertThat(dot.contentType()).startsWith("text/vnd.graphviz");
        assertThat(dot.body()).contains("digraph", "compile");
        assertThat(http.get("/api/v1/repos/calc/graph?format=mermaid").body()).contains("compile");
        Http.Response svg = http.get("/api/v1/repos/calc/graph?format=svg");
        assertThat(svg.status()).isEqualTo(400);
        assertThat(svg.json().path("detail").asString()).contains("json, dot or mermaid");
        JsonNode explained = http.get("/api/v1/repos/calc/steps/compile/explain").json();
        assertThat(explained.path("step").asString()).isEqualTo("compile");
        assertThat(explained.path("cache_key").asString()).isNotBlank();
        Http.Response unknown = http.get("/api/v1/repos/calc/steps/compil/explain");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("detail").asString()).contains("compile");
    }

    @Test
    void anUnknownTargetIsRefusedWithTheEnginesMessageAndNoBuildRuns() throws Exception {
        Http.Response r = http.post("/api/v1/builds", "{\"targets\": [\"nope\"]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("detail").asString()).contains("nope");
        assertThat(http.get("/api/v1/repos/calc/builds/latest").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/builds/b-none").status()).isEqualTo(404);
        assertThat(http.get("/api/v1/builds/b-none/events").status()).isEqualTo(404);
    }
}
