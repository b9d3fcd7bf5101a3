package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code munero mcp} in-process: a host's JSON-RPC lines on its standard input, the answers on its standard output and
 * nothing else there; the end of the input ends it with 0. (The hosts no one here wrote drive the real launcher in
 * {@link McpHostsIT}.)
 */
class McpCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    private static final String EOF = "(end of stdout)";

    private Invocation invocation(PrintStream out, PrintStream err) {
        return new Invocation(out, err, Map.of("HOME", dir.toString(), "MUNERO_CONFIG",
                dir.resolve("none/config.toml").toString(), "PATH", System.getenv("PATH")), dir, false,
                onInterrupt -> () -> { }, null);
    }

    @Test
    void answersAHostsRequestsOnStdoutWithNothingButJsonRpcAndEndsWhenStdinEnds() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: hello
                    command: 'echo hello > hello.txt'
                    shell: true
                    outputs: [hello.txt]
                """);
        // a host: writes a request, reads its answer, and closes stdin at the end
        PipedOutputStream host = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(host, 1 << 16);
        PipedInputStream answers = new PipedInputStream(1 << 20);
        PrintStream stdout = new PrintStream(new PipedOutputStream(answers), true, StandardCharsets.UTF_8);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        McpCommand command = new McpCommand(invocation(stdout, new PrintStream(err, true, StandardCharsets.UTF_8)));
        command.directory = Path.of("repo");
        FutureTask<Integer> serving = new FutureTask<>(() -> command.serve(stdin));
        Thread.ofVirtual().start(serving);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(answers, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(stdout ended: " + e + ")");
            }
            lines.add(EOF);
        });
        Writer requests = new OutputStreamWriter(host, StandardCharsets.UTF_8);

        JsonNode init = ask(requests, lines, serving, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"test\","
                + "\"version\":\"1\"}}}");
        requests.write("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
        JsonNode tools = ask(requests, lines, serving, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        JsonNode graph = ask(requests, lines, serving, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"graph\",\"arguments\":{}}}");
        requests.close();

        assertThat(serving.get(5, TimeUnit.MINUTES)).as(err.toString(StandardCharsets.UTF_8)).isZero();
        stdout.close();
        assertThat(lines.poll(5, TimeUnit.MINUTES)).as("nothing more on stdout").isEqualTo(EOF);
        assertThat(init.at("/result/serverInfo/name").asString()).isEqualTo("munero");
        assertThat(tools.at("/result/tools")).hasSize(11);
        assertThat(graph.at("/result/structuredContent/nodes/0/name").asString()).isEqualTo("hello");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("munero mcp: serving " + repo);
    }

    /** Writes one request line and reads the next line of stdout, which must be a JSON-RPC message. */
    private static JsonNode ask(Writer requests, BlockingQueue<String> lines, FutureTask<Integer> serving,
                                String request) throws Exception {
        requests.write(request + "\n");
        requests.flush();
        String line = null;
        for (int i = 0; i < 300 && line == null; i++) { // up to 5 minutes, but no longer once munero mcp ended
            line = lines.poll(1, TimeUnit.SECONDS);
            if (line == null && serving.isDone()) {
                throw new AssertionError("munero mcp ended (" + serving.get() + ") without answering " + request);
            }
        }
        assertThat(line).as("an answer to %s", request).isNotNull().isNotEqualTo(EOF);
        JsonNode message = JSON.readTree(line);
        assertThat(message.get("jsonrpc").asString()).isEqualTo("2.0");
        return message;
    }

    @Test
    void aDirectoryThatIsNotThereIsAUsageError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        McpCommand command = new McpCommand(invocation(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        command.directory = Path.of("nowhere");
        assertThat(command.serve(new ByteArrayInputStream(new byte[0]))).isEqualTo(ExitCodes.USAGE);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("-C nowhere: " + dir.resolve("nowhere")
                + " is not a directory");
    }

    @Test
    void refusesToRunInsideTheBuildDaemonWhoseStdinIsNotTheHosts() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Invocation inDaemon = new Invocation(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), dir, false, onInterrupt -> () -> { },
                new Invocation.Warm(null, null));
        McpCommand command = new McpCommand(inDaemon);
        command.directory = Path.of(".");
        assertThat(command.serve(new ByteArrayInputStream(new byte[0]))).isEqualTo(ExitCodes.USAGE);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot run in the build daemon");
    }
}
