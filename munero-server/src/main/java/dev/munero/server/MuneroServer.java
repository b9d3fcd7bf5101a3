package dev.munero.server;

import dev.munero.server.dashboard.Dashboard;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson3;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code munero serve}: one HTTP server (Javalin 7 on Jetty 12, requests on virtual threads) for one or more
 * repositories, with the REST routes of {@link ApiRoutes} under {@code /api/v1}, the WebSocket event streams, the
 * OpenAPI document at {@code /api/v1/openapi.json}, the MCP endpoint at {@code /mcp} on the first repository
 * ({@link McpEndpoint}), and whatever the {@link Extension}s add (metrics, the dashboard). Runs started over the API run in this process, on virtual threads ({@link RunRegistry}); runs
 * started elsewhere (a CLI in another process) are followed through their repository's SQLite log.
 *
 * <p>Lifecycle: {@link #start} binds and returns; {@link #stop} asks the runs it drives to pause, waits for them,
 * closes the streams and the stores, and stops Jetty. Thread-safe.
 */
public final class MuneroServer implements AutoCloseable {
    /** The OpenAPI document's path. */
    public static final String OPENAPI_PATH = ApiRoutes.PREFIX + "/openapi.json";

    private final Config config;
    private final Repos repos;
    private final RunRegistry registry;
    private final RunFollower follower;
    private final BuildJobs jobs;
    private final McpEndpoint mcp;
    private final List<ApiRoute> routes;
    private final Javalin app;
    private final String openApi;
    private volatile boolean stopped;

    private MuneroServer(Config config) {
        this.config = config;
        List<StreamObserver> observers = new ArrayList<>(config.observers);
        List<ApiRoute> extra = new ArrayList<>();
        for (Extension e : config.extensions) {
            observers.addAll(e.observers());
            extra.addAll(e.routes());
        }
        this.repos = new Repos(config.repos, config.clock);
        this.registry = new RunRegistry(config.log);
        this.follower = new RunFollower(repos, observers, config.poll.toMillis(), config.log, registry);
        this.jobs = new BuildJobs(observers, config.clock, config.log);
        Streams streams = new Streams(repos, follower, jobs, observers, config.queueFrames,
                config.heartbeat.toMillis(), config.slowClient.toMillis(), config.log);
        List<ApiRoute> table = new ArrayList<>(ApiRoutes.table(new RunsApi(repos, registry, config.sessions,
                config.env), new BuildsApi(repos, jobs, config.env), new MemoryApi(repos, config.clock), streams));
        this.mcp = new McpEndpoint(repos.all().getFirst(), config.env, config.sessions, registry);
        table.addAll(mcp.routes());
        table.addAll(extra);
        table.add(ApiRoute.http("GET", OPENAPI_PATH, Role.PUBLIC, "This document (OpenAPI 3.1)", List.of(), null,
                200, new ApiRoute.Shape.AnyObject("the OpenAPI 3.1 document"), ctx -> ctx.contentType(
                        "application/json").result(openApi())));
        this.routes = List.copyOf(table);
        this.openApi = OpenApi.document(routes, version()).toString();
        Guard guard = config.guard;
        this.app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.jsonMapper(new JavalinJackson3(Json.MAPPER, true));
            c.http.prefer405over404 = true;
            c.router.ignoreTrailingSlashes = true;
            c.jetty.host = config.host;
            c.jetty.port = config.port;
            // no permessage-deflate: Node 20's WebSocket client offers it but fails on compressed frames (close
            // 1006 before the first event); event frames are small JSON, so nothing of worth is lost
            c.jetty.modifyWebSocketServletFactory(factory -> factory.getAvailableExtensionNames()
                    .remove("permessage-deflate"));
            Problems.install(c.routes, config.log);
            Dashboard.mount(c);
            for (ApiRoute route : routes) {
                if (route.isWebSocket()) {
                    boolean runs = route.path().startsWith(ApiRoutes.PREFIX + "/runs/");
                    c.routes.wsBeforeUpgrade(route.path(), ctx -> {
                        guard.admit(ctx, route.role());
                        if (runs) {
                            streams.checkRun(ctx);
                        } else {
                            streams.checkBuild(ctx);
                        }
                    });
                    c.routes.ws(route.path(), guard.websocket(route.path(), route.ws()), route.role());
                } else {
                    c.routes.addHttpHandler(HandlerType.findOrCreate(route.method()), route.path(), ctx -> {
                        guard.admit(ctx, route.role());
                        route.handler().handle(ctx);
                    }, route.role());
                }
            }
            c.requestLogger.http((ctx, ms) -> {
                var roles = ctx.routeRoles();
                Role role = roles.stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst()
                        .orElse(Role.PUBLIC);
                guard.completed(ctx, role);
            });
            config.extensions.forEach(e -> e.configure(c));
        });
    }

    /**
     * Builds the server and starts it: binds {@code config.host:config.port} (port 0: a free one, see
     * {@link #port}), takes note of the runs already in the served logs, and starts following them.
     *
     * @throws IllegalArgumentException when a repository is not a directory, none is given, or the host is not a
     *                                  loopback address while the guard is {@link Guard#OPEN}
     * @throws io.javalin.util.JavalinBindException when the port is taken
     */
    public static MuneroServer start(Config config) {
        Objects.requireNonNull(config.sessions, "config.sessions");
        if (config.guard == Guard.OPEN && !isLoopback(config.host)) {
            throw new IllegalArgumentException("binding to " + config.host + " exposes the API to the network, and "
                    + "this server has no authentication on; bind to 127.0.0.1 (the default)");
        }
        MuneroServer server = new MuneroServer(config);
        server.follower.start();
        server.app.start();
        return server;
    }

    /** The port it listens on (the one picked when 0 was asked). */
    public int port() {
        return app.port();
    }

    /** Its base URL, e.g. {@code http://127.0.0.1:7070/}. */
    public String url() {
        String host = config.host.contains(":") ? "[" + config.host + "]" : config.host;
        return "http://" + host + ":" + port() + "/";
    }

    /** The served repositories. */
    public Repos repos() {
        return repos;
    }

    /** The route table (every route, with its role), as registered with Javalin. */
    public List<ApiRoute> routes() {
        return routes;
    }

    /** The OpenAPI 3.1 document, as JSON text. */
    public String openApi() {
        return openApi;
    }

    /** The Javalin app, for tests that compare its routes with the table. */
    Javalin javalin() {
        return app;
    }

    /** The run follower, for tests that wait on its polls. */
    RunFollower follower() {
        return follower;
    }

    /** The runs this server drives, for tests that drive one themselves. */
    RunRegistry registry() {
        return registry;
    }

    /** The ids of the runs this server drives now. */
    public List<String> liveRuns() {
        return registry.live().stream().map(RunRegistry.Live::runId).toList();
    }

    /**
     * Stops: asks the runs it drives to pause and waits for them ({@link Config#stopWait} each), cancels running builds
     * and waits as long for them, closes every WebSocket (1001, going away), stops following, closes the stores and
     * stops Jetty.
     * Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        mcp.close(); // no new MCP calls; runs it started are in the registry and pause below
        try {
            registry.stopAll(config.stopWait);
            for (BuildJobs.Job job : jobs.running()) {
                job.cancel(); // a build cannot be paused; a cancelled one reports CANCELLED
                job.awaitDone(config.stopWait);
            }
            follower.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (EventConnection c : follower.allClients()) {
            c.close(1001, "the server is stopping");
        }
        app.stop();
        repos.close();
    }

    @Override
    public void close() {
        stop();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve the bind address " + host + ": " + e.getMessage());
        }
    }

    private static String version() {
        String v = MuneroServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The OpenAPI document as a tree (tests). */
    static ObjectNode openApiTree(MuneroServer server) {
        return (ObjectNode) Json.MAPPER.readTree(server.openApi);
    }

    /**
     * What to serve and how. Mutable until passed to {@link #start}; not thread-safe.
     */
    public static final class Config {
        String host = "127.0.0.1";
        int port = 7070;
        List<Path> repos = List.of();
        Map<String, String> env = System.getenv();
        SessionFactory sessions;
        Guard guard = Guard.OPEN;
        List<StreamObserver> observers = List.of();
        List<Extension> extensions = List.of();
        Duration heartbeat = Duration.ofSeconds(15);
        int queueFrames = 1024;
        Duration poll = Duration.ofMillis(250);
        Duration slowClient = Duration.ofSeconds(30);
        Duration stopWait = Duration.ofSeconds(60);
        PrintStream log = System.err;
        Clock clock = Clock.systemUTC();

        /**
         * @param repos    the repositories to serve (at least one)
         * @param sessions makes the session of each run started or resumed over the API
         */
        public Config(List<Path> repos, SessionFactory sessions) {
            this.repos = List.copyOf(repos);
            this.sessions = Objects.requireNonNull(sessions, "sessions");
        }

        /** The address to bind (default 127.0.0.1). */
        public Config host(String value) {
            host = value;
            return this;
        }

        /** The port (default 7070; 0 picks a free one). */
        public Config port(int value) {
            port = value;
            return this;
        }

        /** The environment runs and builds see (default: this process's). */
        public Config env(Map<String, String> value) {
            env = Map.copyOf(value);
            return this;
        }

        /** Who may call what (default {@link Guard#OPEN}: loopback only). */
        public Config guard(Guard value) {
            guard = Objects.requireNonNull(value);
            return this;
        }

        /** Observers of the event fan-out (metrics). */
        public Config observers(List<StreamObserver> value) {
            observers = List.copyOf(value);
            return this;
        }

        /** Parts that plug in (metrics, the dashboard). */
        public Config extensions(List<Extension> value) {
            extensions = List.copyOf(value);
            return this;
        }

        /** How often a quiet WebSocket gets a heartbeat frame (default 15 s). */
        public Config heartbeat(Duration value) {
            heartbeat = value;
            return this;
        }

        /**
         * How many live frames a WebSocket client's queue holds (default 1024); past that, they are read back from
         * the log.
         */
        public Config queueFrames(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("queue frames must be at least 1, was " + value);
            }
            queueFrames = value;
            return this;
        }

        /**
         * How long a WebSocket client's socket may accept nothing while a frame waits before the client is closed
         * with 1008 as too slow (default 30 s).
         */
        public Config slowClient(Duration value) {
            slowClient = value;
            return this;
        }

        /** How often the served logs are read for new events (default 250 ms). */
        public Config poll(Duration value) {
            poll = value;
            return this;
        }

        /** How long {@link #stop} waits for each run it drives to pause (default 60 s). */
        public Config stopWait(Duration value) {
            stopWait = value;
            return this;
        }

        /** Where the server writes what it does and its errors (default stderr). */
        public Config log(PrintStream value) {
            log = value;
            return this;
        }

        /** Time (default UTC). */
        public Config clock(Clock value) {
            clock = value;
            return this;
        }
    }
}
