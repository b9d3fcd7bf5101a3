package dev.munero.server.metrics;

import dev.munero.core.ExampleRepos;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.core.BuildManager;
import dev.munero.llm.ChatModel;
import dev.munero.llm.ChatRequest;
import dev.munero.llm.ChatResponse;
import dev.munero.llm.ModelRef;
import dev.munero.llm.StreamListener;
import dev.munero.server.MuneroServer;
import dev.munero.store.Store;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The metrics as {@code munero serve} feeds them, over real HTTP and WebSocket on 127.0.0.1: builds started over the
 * API reach the build metrics through the server's event fan-out, WebSocket clients are counted while connected, and
 * a live run shows in the runs-by-state gauge.
 */
class MetricsExtensionTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;
    MuneroServer server;
    final java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private MuneroServer serve(Path repo) {
        MetricsExtension extension = new MetricsExtension(MuneroMetrics.builder().failOnBadRegistration(true).build());
        server = MuneroServer.start(new MuneroServer.Config(List.of(repo), (r, settings, bus) -> {
            throw new AssertionError("no run is started over the API here");
        }).port(0).poll(Duration.ofMillis(100)).extensions(List.of(extension))
                .log(new PrintStream(log, true, StandardCharsets.UTF_8)));
        extension.serve(server.repos());
        return server;
    }

    @Test
    void buildsStartedOverTheApiAreCountedByStepStatusWithTheirCacheHits() throws Exception {
        Path repo = ReplayedRun.buildRepo(dir.resolve("app"), """
                steps:
                  - name: generate
                    command: [sh, -c, "cp input.txt out.txt"]
                    inputs: [input.txt]
                    outputs: [out.txt]
                  - name: check
                    command: [grep, -q, hello, out.txt]
                    dependsOn: [generate]
                    inputs: [out.txt]
                """);
        serve(repo);

        assertThat(post("/api/v1/builds", "{\"repo\":\"app\"}").statusCode()).isEqualTo(202);
        scrapeUntil(s -> s.sum("munero_builds_total") == 1);
        assertThat(post("/api/v1/builds", "{\"repo\":\"app\"}").statusCode()).isEqualTo(202);
        Exposition scraped = scrapeUntil(s -> s.sum("munero_builds_total") == 2);

        assertThat(scraped.value("munero_builds_total", "repo", "app", "status", "passed")).isEqualTo(2);
        assertThat(scraped.value("munero_build_steps_total", "repo", "app", "status", "passed")).isEqualTo(2);
        assertThat(scraped.value("munero_build_steps_total", "repo", "app", "status", "cached")).isEqualTo(2);
        assertThat(scraped.value("munero_cache_hits_total", "repo", "app", "origin", "build")).isEqualTo(2);
        assertThat(scraped.value("munero_cache_misses_total", "repo", "app", "origin", "build")).isEqualTo(2);
        assertThat(scraped.value("munero_build_step_duration_seconds_count", "status", "cached")).isEqualTo(2);
        assertThat(scraped.value("munero_build_events_undecodable_total")).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).as("the server's log").doesNotContain("observer failed");
        assertThat(scraped.value("munero_runs", "repo", "app", "state", "Building")).isZero(); // no run database yet
    }

    @Test
    void aLiveRunIsInTheRunsGaugeAndItsWebSocketClientIsCountedWhileConnected() throws Exception {
        Path repo = ExampleRepos.runCalc(dir.resolve("run-calc"));
        ReplayedRun.store(repo).close(); // the database made before the server watches it: see ReplayedRun.store
        serve(repo);
        HeldModel held = new HeldModel();
        // the run on a thread of its own: held, it would starve the common pool, which the JDK's WebSocket client uses
        CompletableFuture<BuildManager.Outcome> outcome = new CompletableFuture<>();
        Thread.ofPlatform().name("replayed-run").start(() -> {
            try (Store store = ReplayedRun.store(repo)) { // as munero run in a terminal would
                outcome.complete(ReplayedRun.start(store, repo, model -> held.around(model)));
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        try {
            assertThat(held.entered.await(3, TimeUnit.MINUTES)).as("the run's first model call").isTrue();
            Exposition live = scrapeUntil(s -> s.value("munero_runs", "state", "PreparingBuild") == 1);
            assertThat(live.sum("munero_runs", "repo", "run-calc")).isEqualTo(1);
            String runId = JSON.readTree(get(URI.create(server.url() + "api/v1/runs")).body()).path("items").path(0)
                    .path("id").asString();

            WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofMinutes(1))
                    .buildAsync(URI.create(server.url().replace("http:", "ws:")
                    + "api/v1/runs/" + runId + "/events?since=0"), new WebSocket.Listener() {
                    }).get(2, TimeUnit.MINUTES);
            scrapeUntil(s -> s.value("munero_websocket_clients", "stream", "runs") == 1);
            client.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(2, TimeUnit.MINUTES);
            scrapeUntil(s -> s.value("munero_websocket_clients", "stream", "runs") == 0);
        } finally {
            held.release.countDown();
        }
        assertThat(outcome.get(5, TimeUnit.MINUTES).status()).isEqualTo(BuildManager.Status.COMPLETED);
        Exposition done = scrapeUntil(s -> s.value("munero_run_events_total", "type", "run_completed") == 1);
        assertThat(done.value("munero_runs", "state", "Completed")).isEqualTo(1);
        assertThat(done.value("munero_runs", "state", "PreparingBuild")).isZero();
        assertThat(done.value("munero_model_calls_total", "result", "answered")).isEqualTo(8);
    }

    /** Holds the run's first model call until released, so that the run is live while the test looks at it. */
    private static final class HeldModel {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        ChatModel around(ChatModel inner) {
            return new ChatModel() {
                @Override
                public ModelRef model() {
                    return inner.model();
                }

                @Override
                public ChatResponse chat(ChatRequest request, StreamListener listener) throws InterruptedException {
                    entered.countDown();
                    release.await();
                    return inner.chat(request, listener);
                }
            };
        }
    }

    /** Scrapes until {@code done} holds (the follower polls the log; builds run on their own threads). */
    private Exposition scrapeUntil(Predicate<Exposition> done) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        Exposition scraped = new Exposition(get(URI.create(server.url() + "metrics")).body());
        while (!done.test(scraped)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the metrics did not get there within 3 minutes; the last scrape:\n"
                        + scraped.text + "\nthe server's log:\n" + log.toString(StandardCharsets.UTF_8));
            }
            TimeUnit.MILLISECONDS.sleep(50);
            scraped = new Exposition(get(URI.create(server.url() + "metrics")).body());
        }
        return scraped;
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path.substring(1)))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
