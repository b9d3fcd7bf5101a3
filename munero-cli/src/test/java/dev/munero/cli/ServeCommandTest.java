package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** munero serve as a user runs it: it prints its URL, answers over HTTP, and stops cleanly on Ctrl-C. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void servesOnAFreePortPrintsTheUrlAndStopsCleanlyOnCtrlC() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("app"));
        PipedInputStream piped = new PipedInputStream(1 << 16);
        PrintStream out = new PrintStream(new PipedOutputStream(piped), true, StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicReference<Runnable> ctrlC = new AtomicReference<>();
        Invocation invocation = new Invocation(out, new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("PATH", System.getenv().getOrDefault("PATH", ""), "MUNERO_CONFIG",
                        dir.resolve("config/config.toml").toString()), dir, false, onInterrupt -> {
                    ctrlC.set(onInterrupt);
                    return () -> { };
                }, null);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run(invocation, "serve", "--port",
                "0", "--repo", "app"));
        BufferedReader lines = new BufferedReader(new InputStreamReader(piped, StandardCharsets.UTF_8));
        String first = lines.readLine();
        Matcher url = Pattern.compile("munero serve: (http://127\\.0\\.0\\.1:(\\d+)/) ").matcher(first);
        assertThat(url.find()).as(first + err).isTrue();
        assertThat(Integer.parseInt(url.group(2))).isPositive();
        assertThat(lines.readLine()).isEqualTo("  repository app: " + repo);

        HttpResponse<String> repos = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url.group(1) + "api/v1/repos")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(repos.statusCode()).isEqualTo(200);
        assertThat(repos.body()).contains("\"id\":\"app\"");

        ctrlC.get().run();
        assertThat(exit.get(5, TimeUnit.MINUTES)).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("munero serve: stopping");
    }

    @Test
    void aRepositoryThatIsNotADirectoryIsAUsageError() {
        Cli.Result r = Cli.run(dir, Map.of("PATH", System.getenv().getOrDefault("PATH", "")), "serve", "--port", "0",
                "--repo", "missing");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--repo missing: " + dir.resolve("missing") + " is not a directory");
    }
}
