package dev.munero.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.agent.safety.Sandbox;
import dev.munero.core.BuildManager;
import dev.munero.core.ExampleRepos;
import dev.munero.core.events.RunEvent;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.core.app.Access;
import dev.munero.server.MuneroServer;
import dev.munero.server.security.SecurityOptions;
import dev.munero.server.security.ServerGuard;
import dev.munero.store.Store;
import dev.munero.store.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard in a real browser (issue 12): Debian's headless Chromium, driven by playwright-core from a Node
 * script ({@code dashboard-live.mjs}), against {@code munero serve} started in-process on 127.0.0.1 with a run
 * started over the API and driven by a scripted model that holds its calls at gates the script opens — so the page is
 * seen updating live: the run in the runs list, its plan and task graph, a tool call in the transcript, a reconnect
 * of its event stream from the last seq, Pause → Paused, Resume → a failed check, a reflection, a fix, Completed.
 * Screenshots are kept under {@code target/screenshots/} and their paths printed.
 *
 * <p>Skipped with a message when Chromium, node or playwright-core is missing (.ci/run installs them).
 */
class DashboardBrowserTest {
    private static final ModelInfo PRICES = new ModelInfo(3, 15, 3.75, 0.3, 200_000, 64_000);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PLAN = """
            {"summary":"write the greeting, then the notes",
             "tasks":[{"id":"greet","description":"Write greeting.txt saying hello world","files":["greeting.txt"],
                       "depends_on":[]},
                      {"id":"notes","description":"Write NOTES.md saying what greeting.txt is for",
                       "files":["NOTES.md"],"depends_on":["greet"]}],
             "checks":[{"name":"greeting"}]}""";
    private static final String REFLECTION = """
            {"analysis":"greeting.txt says hello, the check wants hello world",
             "lessons":[{"check":"greeting","what_failed":"greeting.txt does not say hello world",
                         "why":"the file said only hello","fix":"write the whole phrase hello world",
                         "files":["greeting.txt"]}],
             "tasks":[{"id":"greet","description":"Write greeting.txt saying exactly hello world",
                       "files":["greeting.txt"],"depends_on":[]}]}""";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void theRunPageFollowsALiveRunThroughPauseAndResumeToCompletion() throws Exception {
        assumeTrue(Browser.missing().isEmpty(), () -> "skipped: " + Browser.missing().orElseThrow());
        Path repo = repository();
        GatedModel model = new GatedModel().plan(PLAN)
                .task("greet", "write_file", write("greeting.txt", "hello\\n"), "finish", finish("wrote hello"),
                        "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("fixed the greeting"))
                .task("notes", "write_file", write("NOTES.md", "greeting.txt greets.\\n"), "finish", finish("notes"))
                .reflect(REFLECTION)
                .gate("plan", 0, "plan")
                .gate("task:greet", 0, "task-turn-1")
                .gate("task:greet", 1, "all"); // held until the page has paused and resumed the run
        ServerGuard guard = ServerGuard.over(Access.open(dir.resolve("home/server.db"), Clock.systemUTC()),
                SecurityOptions.of(false)); // as munero serve without --auth: loopback, Host and Origin checked
        ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
        MuneroServer server = server(repo, model, guard, serverLog, e -> { });
        Path shots = Path.of("target", "screenshots").toAbsolutePath();
        Files.createDirectories(shots);
        try {
            // a run started over the API, as the issue asks
            HttpResponse<String> started = post(server, "/api/v1/runs", """
                    {"spec":"Add greeting.txt saying hello world, and NOTES.md about it.\\n\\nAcceptance: the greeting step passes.",
                     "budget_usd":2,"model":"anthropic:claude-sonnet-4-6","agents":1,"max_iterations":3}""");
            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            String runId = JSON.readTree(started.body()).path("summary").path("id").asString();

            // the builds page is checked where the server's build routes work (Builds, from h/builds)
            HttpResponse<String> graph = get(server, "/api/v1/repos/hello/graph");
            boolean builds = graph.statusCode() == 200;
            if (!builds) {
                System.out.println("DashboardBrowserTest: the builds page is not checked: GET /api/v1/repos/hello/graph "
                        + "answered " + graph.statusCode() + " " + graph.body());
            }
            Path script = Path.of(getClass().getResource("dashboard-live.mjs").toURI());
            Browser.Result result = Browser.run(script, Map.of(
                    "BASE_URL", "http://127.0.0.1:" + server.port(),
                    "RUN_ID", runId,
                    "SHOTS", shots.toString(),
                    "PROFILE", Files.createDirectories(dir.resolve("chromium-profile")).toString(),
                    "EXPECT_TASKS", "greet,notes",
                    "BUILDS", builds ? "1" : "0"),
                    command -> {
                        if (command.startsWith("release ")) {
                            model.release(command.substring("release ".length()));
                        }
                    }, 15);
            model.release("all"); // whatever happened, no call stays held
            result.screenshots().forEach(p -> System.out.println("dashboard screenshot: " + p));
            if (result.exitCode() != 0) {
                fail("the browser script failed (exit " + result.exitCode() + "):\n" + result.failure()
                        + "\n--- its output:\n" + String.join("\n", result.stdout())
                        + "\n--- the server's log:\n" + serverLog.toString(StandardCharsets.UTF_8));
            }
            assertThat(result.stdout()).anyMatch(l -> l.startsWith("@ok"));
            assertThat(result.screenshots()).hasSizeGreaterThanOrEqualTo(5).allSatisfy(p ->
                    assertThat(p).isRegularFile().satisfies(f -> assertThat(Files.size(f)).isGreaterThan(10_000)));

            // what the page showed is what the log holds: paused by the page's request, resumed, completed
            try (Store store = Store.open(BuildManager.databaseOf(repo), Clock.systemUTC())) {
                assertThat(store.run(runId).orElseThrow().state()).isEqualTo("Completed");
                List<String> types = store.events(runId, 0).stream().map(StoredEvent::type).toList();
                assertThat(types).containsSubsequence("plan_accepted", "pause_requested", "run_paused",
                        "session_started", "checks_finished", "lesson_recorded", "checks_finished", "run_completed");
                assertThat(store.events(runId, 0)).filteredOn(e -> e.type().equals("pause_requested"))
                        .singleElement().satisfies(e -> assertThat(e.payload().path("by").asString()).startsWith("api"));
            }
            assertThat(model.calls()).contains("plan#0", "task:greet#0", "reflect#0");
        } finally {
            model.release("all");
            server.stop();
            guard.close();
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void withAuthOnThePageAsksForATokenOnceAndUsesItForRestAndTheWebSocket() throws Exception {
        assumeTrue(Browser.missing().isEmpty(), () -> "skipped: " + Browser.missing().orElseThrow());
        Path repo = repository();
        GatedModel model = new GatedModel().plan(PLAN)
                .task("greet", "write_file", write("greeting.txt", "hello world\\n"), "finish", finish("wrote it"))
                .task("notes", "write_file", write("NOTES.md", "greeting.txt greets.\\n"), "finish", finish("notes"));
        Access access = Access.open(dir.resolve("home/server.db"), Clock.systemUTC());
        String secret = access.create("dashboard-test", Access.Role.OPERATOR).secret();
        ServerGuard guard = ServerGuard.over(access, SecurityOptions.of(true));
        ByteArrayOutputStream serverLog = new ByteArrayOutputStream();
        CountDownLatch completed = new CountDownLatch(1);
        MuneroServer server = server(repo, model, guard, serverLog, e -> {
            if (e instanceof RunEvent.RunCompleted) {
                completed.countDown();
            }
        });
        Path shots = Files.createDirectories(Path.of("target", "screenshots").toAbsolutePath());
        try {
            HttpResponse<String> started = send(server, HttpRequest.newBuilder(uri(server, "/api/v1/runs"))
                    .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"spec\":\"Add greeting.txt saying hello world.\","
                            + "\"model\":\"anthropic:claude-sonnet-4-6\",\"max_iterations\":2}")));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            String runId = JSON.readTree(started.body()).path("summary").path("id").asString();
            assertThat(completed.await(5, TimeUnit.MINUTES)).as("the run completed").isTrue();

            Browser.Result result = Browser.run(Path.of(getClass().getResource("dashboard-auth.mjs").toURI()), Map.of(
                    "BASE_URL", "http://127.0.0.1:" + server.port(),
                    "RUN_ID", runId,
                    "TOKEN", secret,
                    "SHOTS", shots.toString(),
                    "PROFILE", Files.createDirectories(dir.resolve("chromium-profile")).toString()),
                    command -> { }, 15);
            result.screenshots().forEach(p -> System.out.println("dashboard screenshot: " + p));
            if (result.exitCode() != 0) {
                fail("the browser script failed (exit " + result.exitCode() + "):\n" + result.failure()
                        + "\n--- its output:\n" + String.join("\n", result.stdout())
                        + "\n--- the server's log:\n" + serverLog.toString(StandardCharsets.UTF_8));
            }
            assertThat(result.stdout()).contains("@ok");
            // the wrong token was refused and audited; the right one was used by the page
            assertThat(access.audit(1000)).anySatisfy(a -> assertThat(a.status()).isEqualTo(401));
            assertThat(access.list()).singleElement().satisfies(tok -> assertThat(tok.lastUsedAt()).isPresent());
        } finally {
            server.stop();
            guard.close();
        }
    }

    /** munero serve in-process on 127.0.0.1 (a free port), its runs' sessions on {@code model}; events to {@code seen}. */
    private MuneroServer server(Path repo, GatedModel model, ServerGuard guard, ByteArrayOutputStream log,
                                Consumer<RunEvent> seen) {
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", dir.resolve("home").toString(),
                "MUNERO_CONFIG", dir.resolve("home/config.toml").toString());
        return MuneroServer.start(new MuneroServer.Config(List.of(repo),
                (r, settings, bus) -> {
                    bus.subscribe(seen);
                    return new BuildManager.Session(model, PRICES, env, Sandbox.none(), Clock.systemUTC(), bus);
                })
                .port(0).env(env).poll(Duration.ofMillis(100)).guard(guard).extensions(List.of(guard))
                .log(new PrintStream(log, true, StandardCharsets.UTF_8)));
    }

    /** A git repository whose munero.yaml has the run's check step (greeting) and two more for the builds page. */
    private Path repository() throws IOException, InterruptedException {
        Path repo = Files.createDirectories(dir.resolve("hello"));
        Files.writeString(repo.resolve("README.md"), "a project that greets\n");
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: greeting
                    command: [sh, -c, "echo checking greeting.txt; cat greeting.txt; grep -q 'hello world' greeting.txt || { echo 'greeting.txt does not say hello world' >&2; exit 1; }"]
                    inputs: [greeting.txt]
                  - name: lint
                    command: [sh, -c, "echo lint ok"]
                    inputs: [README.md]
                  - name: summary
                    command: [sh, -c, "wc -c README.md"]
                    dependsOn: [greeting, lint]
                    inputs: [README.md]
                """);
        return ExampleRepos.committed(repo);
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static URI uri(MuneroServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpResponse<String> send(MuneroServer server, HttpRequest.Builder request)
            throws IOException, InterruptedException {
        return HTTP.send(request.timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(MuneroServer server, String path) throws IOException, InterruptedException {
        return send(server, HttpRequest.newBuilder(uri(server, path)));
    }

    private static HttpResponse<String> post(MuneroServer server, String path, String json)
            throws IOException, InterruptedException {
        return send(server, HttpRequest.newBuilder(uri(server, path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String write(String path, String content) {
        return "{\"path\":\"" + path + "\",\"content\":\"" + content + "\"}";
    }

    private static String finish(String summary) {
        return "{\"summary\":\"" + summary + "\"}";
    }
}
