package dev.munero.agent.mcp;

import dev.munero.engine.exec.ProcessRunner;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The stdio transport of one MCP server process (MCP spec 2025-11-25, "Transports: stdio": newline-delimited
 * JSON-RPC on the child's stdin and stdout, its stderr free for logs).
 *
 * <p>Munero launches the process itself instead of using the SDK's {@code StdioClientTransport} (2.1.0), which
 * starts the command line it is given with this JVM's whole environment added under the server's (every secret
 * included), destroys only the direct child on close (an {@code npx} or {@code bwrap} child's own children live
 * on), only logs a line that is not JSON-RPC and then stops reading, so pending requests wait for their timeout,
 * and does not tell its client that the process exited. Here:
 * <ul>
 *   <li>the argv (already wrapped by the sandbox) starts with exactly the environment given, in the workspace;</li>
 *   <li>{@link #failure()} completes with a sentence the moment the process exits, prints a line that is not a
 *       JSON-RPC message, or its pipes break; the hub waits on it next to every request;</li>
 *   <li>the last {@value #STDERR_LINES} lines of stderr are kept for messages ({@link #stderrTail()}), and stderr is
 *       drained so the server never blocks on a full pipe;</li>
 *   <li>{@link #closeGracefully()} closes stdin, gives the process a moment, then kills its whole tree.</li>
 * </ul>
 *
 * <p>Thread-safe: writes are serialized; one platform-independent virtual thread reads stdout, one stderr.
 */
final class StdioTransport implements McpClientTransport {
    static final int STDERR_LINES = 20;
    private static final int MAX_LINE_CHARS = 200;

    private final List<String> argv;
    private final Map<String, String> env;
    private final Path cwd;
    private final McpJsonMapper json;
    private final String server;
    private final CompletableFuture<String> failure = new CompletableFuture<>();
    private final ArrayDeque<String> stderr = new ArrayDeque<>();
    private final Object writeLock = new Object();
    private volatile Process process;
    private volatile boolean closing;
    private volatile String startError;
    private volatile Consumer<McpSchema.JSONRPCMessage> outboundObserver = m -> { };

    /**
     * @param server the server's name, for messages
     * @param argv   the complete command line (wrapped by the sandbox), program resolved
     * @param env    the complete environment of the process
     * @param cwd    its working directory
     */
    StdioTransport(String server, List<String> argv, Map<String, String> env, Path cwd, McpJsonMapper json) {
        this.server = server;
        this.argv = List.copyOf(argv);
        this.env = Map.copyOf(env);
        this.cwd = cwd;
        this.json = json;
    }

    /** Sees every message before it is written (the hub maps its call markers to request ids). */
    void observeOutbound(Consumer<McpSchema.JSONRPCMessage> observer) {
        this.outboundObserver = observer;
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
            pb.environment().clear();
            pb.environment().putAll(env);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                startError = "cannot start '" + argv.getFirst() + "': " + e.getMessage();
                failure.complete(startError);
                throw new McpStartException(startError, false);
            }
            process = p;
            Thread.ofVirtual().name("mcp-" + server + "-stdout").start(() -> readStdout(p, handler));
            Thread stderrReader = Thread.ofVirtual().name("mcp-" + server + "-stderr").start(() -> readStderr(p));
            Thread.ofVirtual().name("mcp-" + server + "-exit").start(() -> {
                try {
                    int code = p.waitFor();
                    // its last words: stderr reaches its end just after the exit (a child still holding it: 2 s)
                    stderrReader.join(java.time.Duration.ofSeconds(2));
                    if (!closing) {
                        failure.complete("exited with code " + code + tail());
                    }
                } catch (InterruptedException e) {
                    // not interrupted by anyone: the thread is private
                }
            });
        });
    }

    private void readStdout(Process p, Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                McpSchema.JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(json, line);
                } catch (IOException | RuntimeException e) {
                    if (!closing) {
                        failure.complete("sent a line on stdout that is not a JSON-RPC message: '" + cut(line)
                                + "' (an MCP stdio server must write only JSON-RPC messages to stdout, logs go to "
                                + "stderr)");
                    }
                    return;
                }
                handler.apply(Mono.just(message)).subscribe(m -> { }, e -> { });
            }
        } catch (IOException e) {
            if (!closing) {
                failure.complete("its stdout broke: " + e.getMessage());
            }
        }
    }

    private void readStderr(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                synchronized (stderr) {
                    stderr.addLast(cut(line));
                    if (stderr.size() > STDERR_LINES) {
                        stderr.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process went away
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            Process p = process;
            if (p == null || closing) {
                throw new IllegalStateException("MCP server '" + server + "' is not running");
            }
            outboundObserver.accept(message);
            try {
                String text = json.writeValueAsString(message);
                synchronized (writeLock) {
                    OutputStream os = p.getOutputStream();
                    os.write(text.getBytes(StandardCharsets.UTF_8));
                    os.write('\n');
                    os.flush();
                }
            } catch (IOException e) {
                failure.complete("its stdin broke: " + e.getMessage() + tail());
                throw new java.io.UncheckedIOException("MCP server '" + server + "' stdin broke", e);
            }
        });
    }

    /** Completes with why the server is gone (exited, malformed output, broken pipe); never on {@link #close}. */
    CompletableFuture<String> failure() {
        return failure;
    }

    /** Why the process could not be started at all (no retry helps), or null. */
    String startError() {
        return startError;
    }

    /** The process, or null before {@link #connect}. */
    Process process() {
        return process;
    }

    /** The last lines of stderr, each cut at 200 characters. */
    List<String> stderrTail() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** {@code "; its last stderr lines: ..."} or empty. */
    String tail() {
        List<String> lines = stderrTail();
        if (lines.isEmpty()) {
            return "";
        }
        List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
        return "; its last stderr lines: " + String.join(" | ", last);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::stop);
    }

    @Override
    public void close() {
        stop();
    }

    /** Closes stdin (the spec's shutdown), waits up to 2 s for the process, then kills its whole tree. */
    private void stop() {
        closing = true;
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> tree = new java.util.ArrayList<>(p.descendants().toList());
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            p.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ProcessRunner.killTree(p.toHandle());
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                ProcessRunner.killTree(h); // a child that outlived its parent (reparented: not a descendant any more)
            }
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
        return json.convertValue(data, type);
    }

    private static String cut(String line) {
        return line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS) + "...";
    }
}
