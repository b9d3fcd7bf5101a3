package dev.munero.server.metrics;

import dev.munero.core.app.Runs;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.StepResult;
import dev.munero.server.ApiRoute;
import dev.munero.server.Extension;
import dev.munero.server.Json;
import dev.munero.server.Repos;
import dev.munero.server.Role;
import dev.munero.server.ServedRepo;
import dev.munero.server.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ObjectNode;

/**
 * Plugs {@link MuneroMetrics} into {@code munero serve}: the route {@code GET /metrics} (role viewer, so open when the
 * server runs without auth, which it does only on loopback), and an observer of the server's event fan-out that
 * feeds the metrics every run event the followers read, every step and end of the builds the server runs, and the
 * WebSocket clients coming and going. {@link #serve} adds the served repositories' runs tables to the runs-by-state
 * gauge once the server has named them.
 *
 * <p>Thread-safe.
 */
public final class MetricsExtension implements Extension {
    /** Where the metrics are served. */
    public static final String PATH = "/metrics";

    private final MuneroMetrics metrics;
    private final StreamObserver observer;

    /** @param metrics the metrics to serve and feed */
    public MetricsExtension(MuneroMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.observer = new Observer(metrics);
    }

    /** The metrics it serves. */
    public MuneroMetrics metrics() {
        return metrics;
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(ApiRoute.http("GET", PATH, Role.VIEWER, "Prometheus metrics: runs by state, model calls, "
                + "tokens and cost by model, tool calls, build steps, cache hits and misses, step and phase "
                + "durations, WebSocket clients", List.of(), null, 200,
                new ApiRoute.Shape.Text("text/plain", "the Prometheus text format 0.0.4"), metrics.handler()));
    }

    @Override
    public List<StreamObserver> observers() {
        return List.of(observer);
    }

    /**
     * Adds every served repository to the runs-by-state gauge, read through its {@link Runs} at each scrape (zeros
     * while it has no run database). Call once, after the server has started.
     *
     * @throws IllegalArgumentException when a repository was added before
     */
    public void serve(Repos repos) {
        for (ServedRepo repo : repos.all()) {
            metrics.repository(repo.id(), runTable(repo));
        }
    }

    /** A served repository's runs table; a repository without a run database has no runs. */
    static RunTable runTable(ServedRepo repo) {
        return () -> repo.runsIfAny().map(runs -> RunTable.of(runs).countByState()).orElse(Map.of());
    }

    /** The fan-out's events, into the metrics; never throws (the fan-out's contract). */
    private static final class Observer implements StreamObserver {
        private final MuneroMetrics metrics;

        Observer(MuneroMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public void runEvent(String repoId, Runs.Event event) {
            metrics.onRunEvent(repoId, event);
        }

        @Override
        public void buildEvent(String repoId, String buildId, String type, ObjectNode payload) {
            BuildListener builds = metrics.buildListener(repoId);
            try {
                switch (type) {
                    case "step_finished" -> builds.stepFinished(Json.MAPPER.treeToValue(payload, StepResult.class));
                    case "build_finished" -> builds.buildFinished(Json.MAPPER.treeToValue(payload, BuildReport.class));
                    default -> {
                    }
                }
            } catch (JacksonException e) {
                metrics.undecodableBuildEvent(repoId);
            }
        }

        @Override
        public void clientOpened(String kind) {
            stream(kind).ifPresent(metrics::webSocketOpened);
        }

        @Override
        public void clientClosed(String kind, int code) {
            stream(kind).ifPresent(metrics::webSocketClosed);
        }

        private static java.util.Optional<MuneroMetrics.WebSocketStream> stream(String kind) {
            return switch (kind) {
                case "runs" -> java.util.Optional.of(MuneroMetrics.WebSocketStream.RUNS);
                case "builds" -> java.util.Optional.of(MuneroMetrics.WebSocketStream.BUILDS);
                default -> java.util.Optional.empty();
            };
        }
    }
}
