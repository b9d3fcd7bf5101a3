package dev.munero.server.metrics;

import dev.munero.core.ExampleRepos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.core.BuildManager;
import dev.munero.server.MuneroServer;
import dev.munero.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /metrics} of a real {@code munero serve} ({@link MuneroServer} with the {@link MetricsExtension}) over
 * real HTTP on 127.0.0.1, checked by the real Prometheus tools (the Debian {@code prometheus} package, 2.42):
 * {@code promtool check metrics} lints the scraped text, and a real Prometheus server scrapes the endpoint every
 * second and answers queries for Munero's series. The metrics come the way they do in use: the bundled example run,
 * replayed in the served repository as {@code munero run} in a terminal would, is followed by the server through its
 * event log. Skipped with a message when promtool or prometheus is not installed ({@code .ci/run} installs them).
 */
class PrometheusScrapeTest {
    private static final String REPO = "run-calc";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    @TempDir
    static Path dir;
    static MuneroServer server;
    static MuneroMetrics metrics;

    @BeforeAll
    static void serveARepositoryAndRunTheExampleInIt() throws Exception {
        Path repo = ExampleRepos.runCalc(dir.resolve(REPO));
        ReplayedRun.store(repo).close(); // the database made before the server watches it: see ReplayedRun.store
        MetricsExtension extension = new MetricsExtension(MuneroMetrics.builder().failOnBadRegistration(true).build());
        metrics = extension.metrics();
        server = MuneroServer.start(new MuneroServer.Config(List.of(repo), (r, settings, bus) -> {
            throw new AssertionError("no run is started over the API here");
        }).port(0).poll(Duration.ofMillis(100)).extensions(List.of(extension))
                .log(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8)));
        extension.serve(server.repos());
        try (Store store = ReplayedRun.store(repo)) { // as munero run in a terminal: the server follows its log
            assertThat(ReplayedRun.start(store, repo).status()).isEqualTo(BuildManager.Status.COMPLETED);
        }
        // the follower reads the log every 100 ms; wait until it has passed the whole run to the metrics
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        Exposition scraped = new Exposition(get(endpoint()).body());
        while (scraped.value("munero_run_events_total", "type", "run_completed") < 1 && Instant.now().isBefore(deadline)) {
            TimeUnit.MILLISECONDS.sleep(100);
            scraped = new Exposition(get(endpoint()).body());
        }
        assertThat(scraped.value("munero_run_events_total", "type", "run_completed")).as("the follower saw the run")
                .isEqualTo(1);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop();
        }
    }

    private static URI endpoint() {
        return URI.create(server.url() + "metrics");
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theEndpointServesTheTextFormatThatPromtoolAccepts() throws Exception {
        Path promtool = onPath("promtool");
        HttpResponse<String> response = get(endpoint());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        Path file = Files.writeString(artifacts().resolve("metrics.txt"), response.body(), StandardCharsets.UTF_8);
        Exposition scraped = new Exposition(response.body());
        assertThat(scraped.value("munero_model_calls_total", "repo", REPO, "result", "answered")).isEqualTo(8);
        assertThat(scraped.value("munero_runs", "repo", REPO, "state", "Completed")).isEqualTo(1);
        assertThat(scraped.sum("munero_tool_calls_total", "repo", REPO)).isEqualTo(6);
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true)
                .redirectInput(file.toFile()).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(5, TimeUnit.MINUTES)).as("promtool finished").isTrue();
        assertThat(check.exitValue()).as("promtool check metrics on %s said:%n%s", file, out).isZero();
        assertThat(out).as("promtool's lint problems").isBlank();
    }

    @Test
    void aRealPrometheusScrapesTheEndpointAndItsQueryApiReturnsMunerosSeries() throws Exception {
        Path prometheus = onPath("prometheus");
        Path home = Files.createDirectories(dir.resolve("prometheus"));
        Path config = Files.writeString(home.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: munero
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(server.port()), StandardCharsets.UTF_8);
        Path log = home.resolve("prometheus.log");
        int port = freePort();
        Process server = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + home.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=info").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
            JsonNode calls = pollQuery(server, log, port, "munero_model_calls_total{result=\"answered\"}", deadline);
            assertThat(calls.path(0).path("metric").path("job").asString()).isEqualTo("munero");
            assertThat(calls.path(0).path("metric").path("repo").asString()).isEqualTo(REPO);
            assertThat(calls.path(0).path("metric").path("model").asString()).isEqualTo("anthropic:claude-sonnet-4-6");
            assertThat(calls.path(0).path("value").path(1).asString()).isEqualTo("8");

            JsonNode completed = pollQuery(server, log, port, "munero_runs{state=\"Completed\"}", deadline);
            assertThat(completed.path(0).path("value").path(1).asString()).isEqualTo("1");
            JsonNode phases = pollQuery(server, log, port,
                    "sum by (phase) (munero_run_phase_duration_seconds_count)", deadline);
            assertThat(phases).hasSize(4);
            JsonNode up = pollQuery(server, log, port, "up{job=\"munero\"}", deadline);
            assertThat(up.path(0).path("value").path(1).asString()).isEqualTo("1");
        } finally {
            server.destroy();
            if (!server.waitFor(1, TimeUnit.MINUTES)) {
                server.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
            Files.copy(log, artifacts().resolve("prometheus.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Asks Prometheus's query API until the query has a result (Prometheus needs a moment to start and a scrape or
     * two); the result's {@code data.result} array.
     */
    private static JsonNode pollQuery(Process server, Path log, int port, String query, Instant deadline)
            throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + java.net.URLEncoder.encode(query, StandardCharsets.UTF_8));
        String last = "no answer yet";
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("prometheus exited with " + server.exitValue() + "; its log:\n" + tail(log));
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                        .build(), HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                JsonNode result = JSON.readTree(response.body()).path("data").path("result");
                if (response.statusCode() == 200 && result.isArray() && !result.isEmpty()) {
                    return result;
                }
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            // poll: Prometheus scrapes every second; a short pause between questions, bounded by the deadline
            Thread.onSpinWait();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("prometheus had no result for " + query + " within the deadline; last answer: "
                + last + "\nits log:\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The program on PATH, or the test is skipped saying how to get it. */
    private static Path onPath(String program) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(entry.isEmpty() ? "." : entry, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        assumeTrue(false, program + " is not installed (Debian package prometheus; .ci/run installs it): skipping "
                + "the check of /metrics by the real Prometheus tools");
        return null;
    }

    /** Where the scraped text and Prometheus's log are kept for a look after the test. */
    private static Path artifacts() throws IOException {
        return Files.createDirectories(Path.of("target", "metrics-artifacts"));
    }
}
