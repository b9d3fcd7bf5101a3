package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code munero build --remote-cache URL} as a user sees it (issue 16): the summary's {@code CACHED (remote)} and
 * remote cache line, the JSON report's fields, a wrong setting as a usage error, and the token never printed. The
 * server is a small Bazel HTTP cache on the JDK's HTTP server (the real servers are the engine's tests).
 */
class RemoteCacheCommandTest {
    static final String YAML = """
            steps:
              - name: gen
                command: [sh, -c, "mkdir -p out && cat in.txt in.txt > out/gen.txt"]
                inputs: [in.txt]
                outputs: [out/gen.txt]
              - name: use
                command: [sh, -c, "cp out/gen.txt out/use.txt"]
                dependsOn: [gen]
                inputs: [in.txt]
                outputs: [out/use.txt]
            """;

    @TempDir
    Path tmp;
    HttpServer server;
    final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    final Map<String, String> auth = new ConcurrentHashMap<>();
    String url;

    @BeforeEach
    void bazelHttpCache() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String header = exchange.getRequestHeaders().getFirst("Authorization");
            auth.put(path, header == null ? "" : header);
            switch (exchange.getRequestMethod()) {
                case "PUT" -> {
                    stored.put(path, exchange.getRequestBody().readAllBytes());
                    exchange.sendResponseHeaders(201, -1);
                }
                case "HEAD" -> exchange.sendResponseHeaders(stored.containsKey(path) ? 200 : 404, -1);
                case "GET" -> {
                    byte[] body = stored.get(path);
                    if (body == null) {
                        exchange.sendResponseHeaders(404, -1);
                    } else {
                        exchange.sendResponseHeaders(200, body.length);
                        exchange.getResponseBody().write(body);
                    }
                }
                default -> exchange.sendResponseHeaders(405, -1);
            }
            exchange.close();
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Path workspace(String name, String yaml) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Cli.write(dir, "munero.yaml", yaml);
        Cli.write(dir, "in.txt", "hello\n");
        return dir;
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("MUNERO_CONFIG", tmp.resolve("no-user-config.toml").toString());
        env.put("MUNERO_REMOTE_CACHE_TOKEN", "s3cret-token");
        return env;
    }

    @Test
    void aSecondWorkspacesBuildShowsRemoteHitsInTheSummaryAndTheJsonReport() throws Exception {
        Path one = workspace("one", YAML);
        Path two = workspace("two", YAML);

        Cli.Result first = Cli.run(one, env(), "build", "--remote-cache", url);
        Cli.Result second = Cli.run(two, env(), "build", "--remote-cache", url);
        Cli.Result json = Cli.run(workspace("three", YAML), env(), "build", "--json", "--remote-cache", url);

        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(first.out()).contains("remote cache " + url + " (bazel, readwrite): 0 hits, 0 B downloaded; 2 uploads");
        assertThat(second.exitCode()).as(second.all()).isZero();
        assertThat(second.out()).contains("CACHED (remote) gen", "2 cached (2 remote)",
                "remote cache " + url + " (bazel, readwrite): 2 hits");
        assertThat(Files.readString(two.resolve("out/use.txt"))).isEqualTo("hello\nhello\n");
        JsonNode report = JsonMapper.builder().build().readTree(json.out());
        assertThat(report.path("counts").path("cachedRemote").asInt()).isEqualTo(2);
        assertThat(report.path("remoteCache").path("hits").asInt()).isEqualTo(2);
        assertThat(report.path("remoteCache").path("downloadedBytes").asLong()).isPositive();
        assertThat(report.path("steps").get(0).path("cachedFrom").asString()).isEqualTo("remote");
        assertThat(auth.values()).containsOnly("Bearer s3cret-token");
        assertThat(first.all() + second.all() + json.all()).doesNotContain("s3cret");
        assertThat(stored.keySet()).anyMatch(k -> k.startsWith("/ac/")).anyMatch(k -> k.startsWith("/cas/"));
    }

    @Test
    void aWrongRemoteCacheSettingIsAUsageErrorNamingTheLine() throws Exception {
        Path dir = workspace("bad", YAML + "cache:\n  remote:\n    url: " + url + "\n    mode: sometimes\n");

        Cli.Result r = Cli.run(dir, env(), "build");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("munero.yaml:14:11: cache.remote.mode").doesNotContain("Exception");
        assertThat(stored).isEmpty();
    }

    @Test
    void aBadRemoteCacheUrlOnTheCommandLineIsAUsageError() throws Exception {
        Cli.Result r = Cli.run(workspace("flag", YAML), env(), "build", "--remote-cache", "ftp://example");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--remote-cache: the remote cache URL must be http://");
    }
}
