package dev.munero.cli;

import dev.munero.core.app.Access;
import dev.munero.core.app.AppException;
import dev.munero.server.MuneroServer;
import dev.munero.server.SessionFactory;
import dev.munero.server.metrics.MetricsExtension;
import dev.munero.server.metrics.MuneroMetrics;
import dev.munero.server.security.RateLimit;
import dev.munero.server.security.SecurityOptions;
import dev.munero.server.security.ServerGuard;
import io.javalin.util.JavalinBindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code munero serve}: the REST + WebSocket API over the given repositories until Ctrl-C, then a clean stop (the
 * runs it drives pause and can be resumed).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the runs and builds of one or more repositories over HTTP: a dashboard at /, a REST "
                + "API under /api/v1 "
                + "(its OpenAPI document at /api/v1/openapi.json), WebSocket event streams, Prometheus metrics at "
                + "/metrics and Munero's MCP server at /mcp (Streamable HTTP, on the first repository; munero mcp "
                + "config HOST --http URL registers it in a host). Runs started over "
                + "the API run in this process; runs started by munero run in a terminal show up and stream too. "
                + "Stops on Ctrl-C: the runs it drives pause (munero resume continues them).", ""},
        footer = {"", "Exit codes: 0 stopped by Ctrl-C; 2 a bad option, a repository that is not a directory, or a "
                + "port already in use."})
final class ServeCommand implements Callable<Integer> {
    private final Invocation invocation;

    ServeCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "The address to listen on (default 127.0.0.1: this machine only). Any other address "
                    + "needs --auth.")
    String bind;

    @Option(names = "--auth", description = "Require a bearer token (munero token create) on the API (the OpenAPI "
            + "document and the dashboard's files stay open): viewer reads, operator starts, pauses, resumes and "
            + "rolls back. Every token use and every mutating request goes to the audit log (munero audit).")
    boolean auth;

    @Option(names = "--cors", paramLabel = "ORIGIN", description = "Let pages of this origin (scheme://host[:port]) "
            + "call the API from a browser (repeatable; default: none, and requests from other sites' pages are "
            + "refused).")
    List<String> cors = new ArrayList<>();

    @Option(names = "--rate-limit", paramLabel = "N/PERIOD", defaultValue = "600/m",
            description = "Requests per token per period, e.g. 600/m, 10/s, 5000/h (default ${DEFAULT-VALUE}); over "
                    + "it: 429 with Retry-After.")
    String rateLimit;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "7070",
            description = "The port (default 7070; 0 picks a free one and prints it).")
    int port;

    @Option(names = "--repo", paramLabel = "DIR",
            description = "A repository to serve (repeatable; default: the current directory). Its id in URLs is "
                    + "its directory's name.")
    List<Path> repos = new ArrayList<>();

    @Option(names = "--replay", paramLabel = "FILE",
            description = "Runs started over the API replay this recording (from munero run --record) instead of "
                    + "calling a model: no network, no key.")
    Path replay;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            invocation.err().println("munero: error: --port must be 0 to 65535, was " + port);
            return ExitCodes.USAGE;
        }
        List<Path> dirs = new ArrayList<>();
        for (Path r : repos.isEmpty() ? List.of(Path.of(".")) : repos) {
            Path dir = invocation.cwd().resolve(r).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                invocation.err().println("munero: error: --repo " + r + ": " + dir + " is not a directory");
                return ExitCodes.USAGE;
            }
            dirs.add(dir);
        }
        Path replayFile = null;
        if (replay != null) {
            try {
                replayFile = FileErrors.readable(invocation.cwd().resolve(replay).toAbsolutePath().normalize(),
                        "the recording");
            } catch (IllegalArgumentException e) {
                invocation.err().println("munero: error: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        ServerGuard guard;
        try {
            guard = ServerGuard.open(invocation.env(), bind, new SecurityOptions(auth, cors,
                    RateLimit.parse(rateLimit), Duration.ofSeconds(10)));
        } catch (AppException e) {
            return RunDriver.error(invocation.err(), e);
        }
        MuneroServer server;
        MetricsExtension metrics = new MetricsExtension(MuneroMetrics.builder().build());
        try {
            server = MuneroServer.start(new MuneroServer.Config(dirs, SessionFactory.standard(invocation.env(),
                    replayFile)).host(bind).port(port).env(invocation.env()).log(invocation.err()).guard(guard)
                    .extensions(List.of(guard, metrics, new dev.munero.server.TokensApi(guard.access()))));
        } catch (IllegalArgumentException e) {
            guard.close();
            invocation.err().println("munero: error: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (JavalinBindException e) {
            guard.close();
            invocation.err().println("munero: error: cannot listen on " + bind + ":" + port + " (" + e.getMessage()
                    + "); pick another --port, or 0 for a free one");
            return ExitCodes.USAGE;
        }
        metrics.serve(server.repos()); // the runs-by-state gauge reads each served repository's runs
        if (auth) {
            long active = guard.access().list().stream().filter(Access.Token::active).count();
            invocation.out().println("Auth on: " + active + " active token" + (active == 1 ? "" : "s") + " in "
                    + guard.access().database() + (active == 0 ? "; make one with munero token create --role viewer"
                    : "") + ". Audit log: munero audit.");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (AutoCloseable ignored = invocation.interrupts().register(() -> {
            invocation.err().println("munero serve: stopping: the runs it drives pause (munero resume continues "
                    + "them)");
            server.stop();
            guard.close();
            stopped.countDown();
        })) {
            invocation.out().println("munero serve: " + server.url() + "  (API " + server.url() + "api/v1/, "
                    + "OpenAPI " + server.url() + "api/v1/openapi.json, metrics " + server.url() + "metrics, MCP "
                    + server.url() + "mcp)");
            server.repos().all().forEach(r -> invocation.out().println("  repository " + r.id() + ": " + r.path()));
            invocation.out().println("Ctrl-C stops it.");
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.stop();
            guard.close();
        } catch (Exception e) {
            server.stop();
            guard.close();
            throw new IllegalStateException(e);
        }
        return ExitCodes.OK;
    }
}
