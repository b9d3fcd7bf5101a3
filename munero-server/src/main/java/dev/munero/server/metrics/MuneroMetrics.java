package dev.munero.server.metrics;

import dev.munero.core.app.Runs;
import dev.munero.engine.build.BuildListener;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Munero's Prometheus metrics ({@code munero serve}'s {@code GET /metrics}), on Micrometer's Prometheus registry:
 * <ul>
 *   <li>{@code munero_runs{repo,state}}: runs by state, read from each served repository's runs table at scrape time;
 *   <li>{@code munero_model_calls_total{repo,model,result}}, {@code munero_model_tokens_total{repo,model,kind}} (kind
 *       input, output, cache_write, cache_read), {@code munero_model_cost_usd_total{repo,model,basis}},
 *       {@code munero_model_unpriced_calls_total{repo,model}};
 *   <li>{@code munero_tool_calls_total{repo,tool,outcome}};
 *   <li>{@code munero_build_steps_total{repo,status}}, {@code munero_build_step_duration_seconds{repo,status}}
 *       (histogram), {@code munero_builds_total{repo,status}}: builds the server runs;
 *   <li>{@code munero_cache_hits_total{repo,origin}}, {@code munero_cache_misses_total{repo,origin}} (origin build or
 *       run_checks);
 *   <li>{@code munero_run_phase_duration_seconds{repo,phase}} (histogram);
 *   <li>{@code munero_websocket_clients{stream}}: open WebSocket event streams (runs, builds);
 *   <li>{@code munero_run_events_total{repo,type}}, {@code munero_run_events_undecodable_total{repo}},
 *       {@code munero_build_events_undecodable_total{repo}}, {@code munero_runs_read_errors_total{repo}}; and the
 *       JVM's memory, threads, CPU use and uptime.
 * </ul>
 * Every metric has HELP text and one fixed set of label names on every code path; every label's values are bounded
 * (a repository or model past the first 100 or 50 is {@code other}, a tool outside the standard and memory tools is
 * {@code other}); no run id, step name or task is a label. Names follow the Prometheus conventions
 * (https://prometheus.io/docs/practices/naming/): counters end in {@code _total}, durations are {@code _seconds},
 * money is {@code _usd}.
 *
 * <p>Fed by the server: its run event followers call {@link #onRunEvent} with each stored event they read (counted
 * once, and only when appended after {@link Builder#countEventsFrom}), builds it runs get {@link #buildListener},
 * and its WebSocket code calls {@link #webSocketOpened} / {@link #webSocketClosed}.
 *
 * <p>Thread-safe.
 */
public final class MuneroMetrics implements RunEventObserver {
    /**
     * The content type of {@link #scrape()}: the Prometheus text format 0.0.4
     * (https://prometheus.io/docs/instrumenting/exposition_formats/), as the registry's text writer names it.
     */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** The server's WebSocket event streams, the {@code stream} label of {@code munero_websocket_clients}. */
    public enum WebSocketStream {
        /** {@code /api/v1/runs/{id}/events}. */
        RUNS,
        /** {@code /api/v1/builds/{id}/events}. */
        BUILDS
    }

    private final PrometheusMeterRegistry registry;
    private final LabelValues repos;
    private final RunEventMeters runEvents;
    private final BuildMeters builds;
    private final RunStateGauges runStates;
    private final Map<WebSocketStream, AtomicInteger> webSockets = new EnumMap<>(WebSocketStream.class);

    private MuneroMetrics(Builder b) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (b.failOnBadRegistration) {
            registry.throwExceptionOnRegistrationFailure();
        }
        // two of Micrometer's processor meters break the Prometheus naming rules (promtool check metrics flags
        // "process_cpu_time_ns_total" for its abbreviated unit and "system_cpu_count" for its _count suffix);
        // filters go before the first meter
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")
                || id.getName().equals("system.cpu.count")));
        repos = LabelValues.capped(100);
        runStates = new RunStateGauges(registry);
        b.tables.forEach(this::repository);
        runEvents = new RunEventMeters(registry, repos, b.countFrom != null ? b.countFrom : b.clock.instant());
        builds = new BuildMeters(registry, repos, runEvents);
        for (WebSocketStream stream : WebSocketStream.values()) {
            AtomicInteger open = new AtomicInteger();
            webSockets.put(stream, open);
            Gauge.builder("munero.websocket.clients", open, AtomicInteger::get)
                    .description("Open WebSocket event streams, by stream: runs or builds")
                    .tag("stream", stream.name().toLowerCase(Locale.ROOT))
                    .strongReference(true)
                    .register(registry);
        }
        if (b.jvm) {
            new JvmMemoryMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
        }
    }

    /** A builder with no served repositories, events counted from its {@link #build()} on, JVM metrics on. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Counts one stored run event (see {@link RunEventObserver}). An event seen before for its run (its seq is not
     * above the last one seen), or appended before {@link Builder#countEventsFrom}, is ignored. Never throws for a
     * payload it cannot read: it counts it in {@code munero_run_events_undecodable_total}.
     */
    @Override
    public void onRunEvent(String repo, Runs.Event event) {
        Objects.requireNonNull(repo, "repo");
        runEvents.onRunEvent(repo, Objects.requireNonNull(event, "event"));
    }

    /**
     * A listener that counts one build of {@code repo} the server runs (its steps by status and duration, its cache
     * hits and misses, the build's status); combine it with the server's other listeners for the build.
     */
    public BuildListener buildListener(String repo) {
        return builds.listener(Objects.requireNonNull(repo, "repo"));
    }

    /**
     * Adds a served repository to the runs-by-state gauge (its series appear at once, at 0 until the next scrape
     * reads {@code runs}).
     *
     * @param repo the repository's id, the {@code repo} label (as the server names it in {@code /api/v1/repos})
     * @throws IllegalArgumentException when {@code repo} was added before
     */
    public void repository(String repo, RunTable runs) {
        runStates.add(repos.of(Objects.requireNonNull(repo, "repo")), Objects.requireNonNull(runs, "runs"));
    }

    /** A build event of {@code repo} whose payload could not be read; counted, never thrown. */
    void undecodableBuildEvent(String repo) {
        builds.undecodable(repo);
    }

    /** A WebSocket client connected to {@code stream}; call {@link #webSocketClosed} once when it goes. */
    public void webSocketOpened(WebSocketStream stream) {
        webSockets.get(stream).incrementAndGet();
    }

    /** A WebSocket client of {@code stream} disconnected or was closed. */
    public void webSocketClosed(WebSocketStream stream) {
        webSockets.get(stream).decrementAndGet();
    }

    /** Reads the served repositories' runs tables, then renders every metric in {@link #CONTENT_TYPE}. */
    public String scrape() {
        runStates.refresh();
        return registry.scrape(CONTENT_TYPE);
    }

    /**
     * The {@code GET /metrics} handler: {@link #scrape()} with {@link #CONTENT_TYPE}. Who may call it (everyone on
     * loopback, viewers elsewhere) is the server's access control's to decide.
     */
    public Handler handler() {
        return ctx -> ctx.contentType(CONTENT_TYPE).result(scrape());
    }

    /** The registry, for meters the server adds of its own (e.g. HTTP requests). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** How to make a {@link MuneroMetrics}. Not thread-safe. */
    public static final class Builder {
        private final Map<String, RunTable> tables = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private Instant countFrom;
        private boolean jvm = true;
        private boolean failOnBadRegistration;

        private Builder() {
        }

        /**
         * A served repository: its id (the {@code repo} label, as the server names it in {@code /api/v1/repos}) and
         * where its runs are read at scrape time.
         *
         * @throws IllegalArgumentException when {@code repo} was added before
         */
        public Builder repository(String repo, RunTable runs) {
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(runs, "runs");
            if (tables.putIfAbsent(repo, runs) != null) {
                throw new IllegalArgumentException("the repository " + repo + " was added to the metrics twice");
            }
            return this;
        }

        /** The clock whose instant at {@link #build()} is where events start to count (default: system UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Count only events appended at or after {@code from} (default: when {@link #build()} is called, so a
         * follower that reads a log from its start does not count history again after a server restart).
         */
        public Builder countEventsFrom(Instant from) {
            this.countFrom = Objects.requireNonNull(from, "from");
            return this;
        }

        /** Whether to add the JVM's memory, thread, CPU and uptime metrics (default: yes). */
        public Builder jvmMetrics(boolean on) {
            this.jvm = on;
            return this;
        }

        /**
         * Throw instead of dropping a meter the registry cannot take (e.g. one name with two label sets); for
         * tests, so that a label-set mistake fails loudly (default: off, as in Micrometer).
         */
        public Builder failOnBadRegistration(boolean on) {
            this.failOnBadRegistration = on;
            return this;
        }

        /** The metrics. */
        public MuneroMetrics build() {
            return new MuneroMetrics(this);
        }
    }
}
