package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.core.ExampleRepos;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Munero's MCP server driven by hosts no one here wrote, against the real launcher and the packaged jar (run by failsafe
 * after {@code package}): the official TypeScript SDK's client ({@code @modelcontextprotocol/sdk} 1.32.2, through
 * {@code mcp-client.mjs} in the test resources) over stdio ({@code ./munero mcp}) and over Streamable HTTP ({@code /mcp}
 * of a real {@code ./munero serve --auth} with tokens from {@code ./munero token create}), and the official MCP
 * Inspector's CLI mode. Each lists the tools, calls {@code build} on a copy of {@code examples/polyglot} and reads a
 * step's log as a resource. The medians of seven cached {@code build} calls over each transport are printed (issue 13's
 * latency figure). Skipped with a message without node or the npm packages (.ci/run installs them).
 */
class McpHostsIT {
    private static final Path CHECKOUT = Path.of("").toAbsolutePath().getParent();
    private static final Path LAUNCHER = CHECKOUT.resolve("munero");
    private static final Path CACHE = Path.of(System.getProperty("user.home"), ".cache", "munero-test");
    private static final Path NODE_MODULES = CACHE.resolve("mcp").resolve("node_modules");
    private static final Path INSPECTOR = CACHE.resolve("inspector/node_modules/.bin/mcp-inspector");
    private static final Path SCRIPT = Path.of("src/test/resources/dev/munero/cli/mcp/mcp-client.mjs")
            .toAbsolutePath();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> TOOLS = List.of("build", "graph", "explain", "run_start", "run_status",
            "run_events", "run_pause", "run_resume", "run_cost", "runs_list", "memory_search");
    private static final List<String> VIEWER_TOOLS = List.of("graph", "explain", "run_status", "run_events",
            "run_cost", "runs_list", "memory_search");
    private static final int CACHED_CALLS = 7;

    @TempDir
    Path dir;
    private Process serve;

    @AfterEach
    void stopServer() throws InterruptedException {
        if (serve != null) {
            serve.destroy(); // SIGTERM: munero serve stops cleanly (its runs pause)
            if (!serve.waitFor(2, TimeUnit.MINUTES)) {
                serve.destroyForcibly();
            }
        }
    }

    @Test
    void theTypeScriptSdkClientBuildsAnExampleOverStdioAndOnlyProtocolReachesItsStdout() throws Exception {
        requireNodeClient();
        Path repo = polyglot();
        JsonNode out = client(List.of("--stdio", LAUNCHER.toString(), "mcp", "-C", repo.toString()),
                List.of("list", "templates", "call", "build", "{}", "call", "build", "{}",
                        Integer.toString(CACHED_CALLS), "read", "LOG"), repo);
        // a line on stdout that is not JSON-RPC (a banner, a JVM warning, the launcher's notes) is a transport error
        assertThat(out.get("transportErrors")).as("%s", out).isEmpty();
        assertThat(out.at("/server/name").asString()).isEqualTo("munero");
        JsonNode list = out.at("/steps/0");
        assertThat(names(list.get("tools"))).containsExactlyElementsOf(TOOLS);
        assertThat(names(list.get("withOutputSchema"))).containsExactlyElementsOf(TOOLS);
        assertThat(names(out.at("/steps/1/templates"))).containsExactly("munero://runs/{id}/report",
                "munero://builds/{build}/steps/{step}/log");
        assertBuilt(out, repo, "stdio");
    }

    @Test
    void theTypeScriptSdkClientBuildsOverStreamableHttpWithAnOperatorTokenAndAViewerOrNoTokenCannot()
            throws Exception {
        requireNodeClient();
        Path repo = polyglot();
        Map<String, String> env = Map.of("MUNERO_CONFIG", dir.resolve("config/config.toml").toString());
        String operator = munero(env, "token", "create", "--role", "operator", "--name", "host-op");
        String viewer = munero(env, "token", "create", "--role", "viewer", "--name", "host-viewer");
        String url = serve(env, repo, "--auth") + "mcp";

        JsonNode out = client(List.of("--http", url, "--token", operator), List.of("list", "call", "build", "{}",
                "call", "build", "{}", Integer.toString(CACHED_CALLS), "read", "LOG"), repo);
        assertThat(out.get("transportErrors")).as("%s", out).isEmpty();
        assertThat(names(out.at("/steps/0/tools"))).containsExactlyElementsOf(TOOLS);
        assertBuilt(out, repo, "Streamable HTTP");

        JsonNode asViewer = client(List.of("--http", url, "--token", viewer), List.of("list", "call", "build", "{}",
                "call", "graph", "{}"), repo);
        assertThat(names(asViewer.at("/steps/0/tools"))).containsExactlyElementsOf(VIEWER_TOOLS);
        assertThat(asViewer.at("/steps/1/isError").asBoolean()).isTrue();
        assertThat(asViewer.at("/steps/1/text").asString()).contains("operator");
        assertThat(asViewer.at("/steps/2/isError").asBoolean()).as("%s", asViewer).isFalse();
        assertThat(asViewer.at("/steps/2/structuredContent/nodes")).hasSize(6);

        JsonNode anonymous = client(List.of("--http", url), List.of("list"), repo);
        assertThat(anonymous.get("code").asInt()).as("%s", anonymous).isEqualTo(401);
        assertThat(anonymous.get("error").asString()).contains("munero token create");
        JsonNode forged = client(List.of("--http", url, "--token", "mnr_not-a-token"), List.of("list"), repo);
        assertThat(forged.get("code").asInt()).as("%s", forged).isEqualTo(401);

        // the server sends nothing outside a request: no GET stream (405, as the specification allows)
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + operator).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(munero(env, "audit")).contains("host-op").contains("POST /mcp tools/call build");
    }

    @Test
    void aRunStartedOverHttpIsDrivenByTheServerAndItsReportIsAResource() throws Exception {
        requireNodeClient();
        Path repo = ExampleRepos.runCalc(dir.resolve("run-calc"));
        Map<String, String> env = Map.of("MUNERO_CONFIG", dir.resolve("config/config.toml").toString());
        String url = serve(env, repo, "--replay", ExampleRepos.SESSION.toString()) + "mcp";
        JsonNode started = client(List.of("--http", url), List.of("call", "run_start", "{\"spec_path\":\"SPEC.md\"}"),
                repo);
        assertThat(started.at("/steps/0/isError").asBoolean()).as("%s", started).isFalse();
        String id = started.at("/steps/0/structuredContent/id").asString();
        String state = "";
        for (int i = 0; i < 300 && !List.of("Completed", "Failed", "Paused").contains(state); i++) {
            JsonNode status = client(List.of("--http", url), List.of("call", "run_status",
                    "{\"id\":\"" + id + "\"}"), repo);
            state = status.at("/steps/0/structuredContent/summary/state").asString(
                    status.at("/steps/0/structuredContent/state").asString(""));
            if (!List.of("Completed", "Failed", "Paused").contains(state)) {
                Thread.sleep(1000); // polling a real run the server drives; no event to wait on from outside
            }
        }
        assertThat(state).isEqualTo("Completed");
        JsonNode report = client(List.of("--http", url), List.of("read", "munero://runs/" + id + "/report"), repo);
        JsonNode contents = report.at("/steps/0/contents/0");
        assertThat(contents.get("mimeType").asString()).isEqualTo("application/json");
        JsonNode json = JSON.readTree(contents.get("text").asString());
        assertThat(json.path("run").asString()).isEqualTo(id);
        assertThat(json.path("status").asString()).isEqualTo("completed");
        // a viewer's tools run over the same server: the run is in runs_list
        JsonNode list = client(List.of("--http", url), List.of("call", "runs_list", "{}"), repo);
        assertThat(list.at("/steps/0/structuredContent").toString()).contains(id);
    }

    @Test
    void theMcpInspectorCliListsTheToolsWithoutSchemaErrorsAndCallsBuild() throws Exception {
        assumeTrue(Files.isExecutable(LAUNCHER), "runs from the munero-cli module of a checkout");
        assumeTrue(Files.isExecutable(INSPECTOR), "the MCP Inspector is not installed in " + INSPECTOR.getParent()
                + " (npm install --prefix ~/.cache/munero-test/inspector @modelcontextprotocol/inspector@2.12.0)");
        Path repo = polyglot();
        Path home = Files.createDirectories(dir.resolve("inspector-home")); // its catalog file goes to $HOME
        List<String> server = List.of(LAUNCHER.toString(), "mcp", "-C", repo.toString());
        Result list = inspector(home, server, "--method", "tools/list", "--strict");
        assertThat(list.code()).as(list.err()).isZero(); // --strict: exit 6 on an error-severity schema problem
        assertThat(names(JSON.readTree(list.out()).get("tools").valueStream().map(t -> t.get("name")).toList()))
                .containsExactlyElementsOf(TOOLS);
        Result build = inspector(home, server, "--method", "tools/call", "--tool-name", "build", "--tool-arg",
                "targets=[\"lib:check\"]");
        assertThat(build.code()).as(build.err()).isZero();
        JsonNode result = JSON.readTree(build.out());
        assertThat(result.at("/structuredContent/status").asString()).as(build.out()).isEqualTo("passed");
        assertThat(result.at("/structuredContent/targets/0").asString()).isEqualTo("lib:check");
        assertThat(repo.resolve("lib/out/test/demo/GreeterCheck.class")).exists();
    }

    /** The build, its cached repeats and the log read of one client's output; prints the cached calls' median. */
    private static void assertBuilt(JsonNode out, Path repo, String transport) {
        JsonNode first = find(out, "call", 0);
        assertThat(first.get("isError").asBoolean()).as("%s", first).isFalse();
        assertThat(first.at("/structuredContent/status").asString()).isEqualTo("passed");
        assertThat(first.at("/structuredContent/counts/passed").asInt()).isEqualTo(6);
        assertThat(repo.resolve("build/greeting.txt")).content().contains("Munero");
        JsonNode cached = find(out, "call", 1);
        assertThat(cached.at("/structuredContent/counts/cached").asInt()).as("%s", cached).isEqualTo(6);
        // a progress notification per step of each call (some the TypeScript client reads too late to attribute)
        assertThat(first.get("progress").asInt() + cached.get("progress").asInt() + out.get("lateProgress").asInt())
                .isEqualTo(6 * (1 + CACHED_CALLS));
        List<Double> ms = cached.get("ms").valueStream().map(JsonNode::asDouble).sorted().toList();
        assertThat(ms).hasSize(CACHED_CALLS);
        System.out.printf("issue 13: build of cached examples/polyglot (6 steps) over %s: median %.1f ms of %d calls "
                + "(min %.1f, max %.1f)%n", transport, ms.get(ms.size() / 2), ms.size(), ms.getFirst(), ms.getLast());
        JsonNode log = find(out, "read", 0);
        assertThat(log.at("/contents/0/mimeType").asString()).isEqualTo("text/plain");
        assertThat(log.at("/contents/0/text").asString()).contains("GreeterCheck: 3 checks passed");
    }

    private static JsonNode find(JsonNode out, String step, int nth) {
        List<JsonNode> found = out.get("steps").valueStream().filter(s -> s.get("step").asString().equals(step))
                .toList();
        assertThat(found).as("%s", out).hasSizeGreaterThan(nth);
        return found.get(nth);
    }

    private static List<String> names(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    private static List<String> names(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asString).toList();
    }

    private static void requireNodeClient() throws InterruptedException {
        assumeTrue(Files.isExecutable(LAUNCHER), "runs from the munero-cli module of a checkout");
        assumeTrue(Files.isRegularFile(NODE_MODULES.resolve("@modelcontextprotocol/sdk/package.json")),
                "the MCP TypeScript SDK is not installed in " + NODE_MODULES + " (.ci/run installs it: npm install "
                        + "--prefix ~/.cache/munero-test/mcp @modelcontextprotocol/sdk@1.32.2 ...)");
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assumeTrue(p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0, "node does not run");
        } catch (IOException e) {
            assumeTrue(false, "node is not installed: " + e.getMessage());
        }
    }

    /** A committed copy of {@code examples/polyglot}. */
    private Path polyglot() throws IOException, InterruptedException {
        Path source = ExampleRepos.EXAMPLES.resolve("polyglot");
        Path copy = dir.resolve("polyglot");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path rel = source.relativize(file);
                if (rel.startsWith(".munero") || rel.toString().contains("/out") || rel.startsWith("build")) {
                    continue;
                }
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy.resolve(rel.toString()));
                } else {
                    Files.copy(file, copy.resolve(rel.toString()));
                }
            }
        }
        return ExampleRepos.committed(copy);
    }

    /**
     * Runs the TypeScript client with {@code target} and {@code steps} ({@code LOG} in a read step: the log of
     * {@code lib:check} in the build of the first {@code build} call, filled in from a first run without it).
     */
    private JsonNode client(List<String> target, List<String> steps, Path repo) throws Exception {
        int read = steps.indexOf("LOG");
        if (read < 0) {
            return node(target, steps, repo);
        }
        // the log's URI names the build, known once it ran: run up to the read, then read in a second connection
        JsonNode before = node(target, steps.subList(0, read - 1), repo);
        String build = find(before, "call", 0).at("/structuredContent/build_id").asString();
        JsonNode log = node(target, List.of("read", "munero://builds/" + build + "/steps/lib:check/log"), repo);
        ((tools.jackson.databind.node.ArrayNode) before.get("steps")).addAll(
                (tools.jackson.databind.node.ArrayNode) log.get("steps"));
        ((tools.jackson.databind.node.ArrayNode) before.get("transportErrors")).addAll(
                (tools.jackson.databind.node.ArrayNode) log.get("transportErrors"));
        return before;
    }

    private JsonNode node(List<String> target, List<String> steps, Path repo) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", SCRIPT.toString(), NODE_MODULES.toString()));
        command.addAll(target);
        command.add("--");
        command.addAll(steps);
        ProcessBuilder pb = new ProcessBuilder(command).directory(repo.toFile())
                .redirectError(dir.resolve("client-stderr.txt").toFile());
        pb.environment().put("MUNERO_CONFIG", dir.resolve("config/config.toml").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // generous: the first start of a freshly built jar makes its start-up cache with a training run
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(out).as("client stdout; stderr: %s", Files.readString(dir.resolve("client-stderr.txt"))).isNotBlank();
        return JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    private record Result(int code, String out, String err) { }

    private Result inspector(Path home, List<String> server, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(INSPECTOR.toString(), "--cli"));
        command.addAll(server);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(dir.resolve("inspector-stderr.txt").toFile());
        pb.environment().put("HOME", home.toString());
        pb.environment().put("MUNERO_CONFIG", dir.resolve("config/config.toml").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), out, Files.readString(dir.resolve("inspector-stderr.txt")));
    }

    /** {@code ./munero args...} with {@code env} added; its stdout, stripped (exit 0 asserted). */
    private static String munero(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.environment().put("MUNERO_DAEMON", "0");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }

    /** Starts {@code ./munero serve --port 0 --repo repo more...}; its base URL once it listens. */
    private String serve(Map<String, String> env, Path repo, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString(), "serve", "--port", "0", "--repo",
                repo.toString()));
        command.addAll(List.of(more));
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(dir.resolve("serve-stderr.txt").toFile());
        pb.environment().putAll(env);
        serve = pb.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("^munero serve: (http://127\\.0\\.0\\.1:\\d+/) ");
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> drain(lines));
                return m.group(1);
            }
        }
        throw new AssertionError("munero serve ended before listening: "
                + Files.readString(dir.resolve("serve-stderr.txt")));
    }

    private static void drain(BufferedReader lines) {
        try {
            while (lines.readLine() != null) {
                // keep the pipe from filling
            }
        } catch (IOException e) {
            // the server ended
        }
    }
}
