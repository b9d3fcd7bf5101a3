package dev.munero.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.munero.core.BuildManager;
import dev.munero.core.RunMetrics;
import dev.munero.core.RunState;
import dev.munero.core.app.Runs;
import dev.munero.core.events.RunEvents;
import dev.munero.store.StoredEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

/**
 * The metrics of a real run: the bundled example driven by its recorded model (a plan, a failing check, a
 * reflection, a passing second iteration), its stored events fed as the server's followers feed them, the scraped
 * text read back. The expected numbers come from {@link RunMetrics} ({@code munero report}'s fold of the same log).
 */
class MetricsFromRunEventsTest {
    private static final String REPO = "run-calc";
    private static final String MODEL = "anthropic:claude-sonnet-4-6";

    @TempDir
    static Path dir;
    static ReplayedRun run;

    @BeforeAll
    static void runTheExample() throws Exception {
        run = ReplayedRun.in(dir);
        assertThat(run.outcome.status()).as("%s", run.outcome).isEqualTo(BuildManager.Status.COMPLETED);
    }

    private static MuneroMetrics metrics() {
        return MuneroMetrics.builder().countEventsFrom(Instant.EPOCH).repository(REPO, () -> run.runsByState)
                .failOnBadRegistration(true).jvmMetrics(false).build();
    }

    private static void feed(MuneroMetrics metrics, List<StoredEvent> events) {
        events.forEach(e -> metrics.onRunEvent(REPO, ReplayedRun.apiEvent(e)));
    }

    @Test
    void aRunsModelCallsTokensAndCostAreCountedByModelAsMuneroReportCountsThem() {
        MuneroMetrics metrics = metrics();
        feed(metrics, run.events);
        Exposition scraped = new Exposition(metrics.scrape());
        RunMetrics expected = RunMetrics.of(run.events);

        assertThat(expected.modelCalls()).isEqualTo(8);
        assertThat(scraped.value("munero_model_calls_total", "repo", REPO, "model", MODEL, "result", "answered"))
                .isEqualTo(8);
        assertThat(scraped.value("munero_model_calls_total", "result", "from_store")).isZero();
        assertThat(scraped.value("munero_model_tokens_total", "model", MODEL, "kind", "input"))
                .isEqualTo(expected.inputTokens()).isPositive();
        assertThat(scraped.value("munero_model_tokens_total", "model", MODEL, "kind", "output"))
                .isEqualTo(expected.outputTokens()).isPositive();
        assertThat(scraped.value("munero_model_tokens_total", "model", MODEL, "kind", "cache_write"))
                .isEqualTo(expected.cacheWriteTokens());
        assertThat(scraped.value("munero_model_tokens_total", "model", MODEL, "kind", "cache_read"))
                .isEqualTo(expected.cacheReadTokens());
        assertThat(scraped.value("munero_model_cost_usd_total", "model", MODEL, "basis", "billed"))
                .isCloseTo(expected.costUsd(), within(1e-9)).isPositive();
        assertThat(scraped.value("munero_model_unpriced_calls_total")).isZero();
    }

    @Test
    void toolCallsAreCountedByToolAndOutcome() {
        MuneroMetrics metrics = metrics();
        feed(metrics, run.events);
        Exposition scraped = new Exposition(metrics.scrape());
        RunMetrics expected = RunMetrics.of(run.events);

        assertThat(scraped.sum("munero_tool_calls_total", "repo", REPO)).isEqualTo(expected.toolCalls()).isEqualTo(6);
        assertThat(scraped.sum("munero_tool_calls_total", "outcome", "error")).isEqualTo(expected.toolErrors());
        for (StoredEvent e : run.events) {
            if (e.type().equals("tool_call")) {
                String tool = e.payload().path("name").asString();
                long calls = run.events.stream().filter(x -> x.type().equals("tool_call")
                        && x.payload().path("name").asString().equals(tool)).count();
                assertThat(scraped.sum("munero_tool_calls_total", "tool", tool)).as(tool).isEqualTo(calls);
            }
        }
        assertThat(scraped.find("munero_tool_calls_total")).extracting(s -> s.labels().get("tool"))
                .contains("finish").doesNotContain(LabelValues.OTHER);
    }

    @Test
    void theChecksCacheHitsAndMissesAndThePhaseDurationsComeFromTheLog() {
        MuneroMetrics metrics = metrics();
        feed(metrics, run.events);
        Exposition scraped = new Exposition(metrics.scrape());
        RunMetrics expected = RunMetrics.of(run.events);

        long stepsRun = run.events.stream().filter(e -> e.type().equals("checks_finished"))
                .mapToLong(e -> e.payload().path("steps_run").asLong()).sum();
        assertThat(stepsRun).isPositive();
        assertThat(scraped.value("munero_cache_misses_total", "origin", "run_checks")).isEqualTo(stepsRun);
        assertThat(scraped.value("munero_cache_hits_total", "origin", "run_checks")).isEqualTo(expected.checkCacheHits());
        // planning once; executing and observing in each of the two iterations; one reflection between them
        Map<String, Integer> phases = Map.of("planning", 1, "executing", 2, "observing", 2, "reflecting", 1);
        phases.forEach((phase, count) -> {
            assertThat(scraped.value("munero_run_phase_duration_seconds_count", "repo", REPO, "phase", phase))
                    .as(phase).isEqualTo((double) count);
            assertThat(scraped.value("munero_run_phase_duration_seconds_sum", "phase", phase)).as(phase)
                    .isCloseTo(expected.phaseMillis().get(phase) / 1000.0, within(count * 0.001 + 1e-6)); // its ms floor
            assertThat(scraped.value("munero_run_phase_duration_seconds_bucket", "phase", phase, "le", "+Inf"))
                    .isEqualTo((double) count);
        });
        assertThat(scraped.value("munero_run_events_total", "type", "model_call")).isEqualTo(8);
        assertThat(scraped.sum("munero_run_events_total")).isEqualTo(run.events.size());
    }

    @Test
    void runsByStateAreReadFromTheRunsTableAtScrapeTimeWithEveryStateShown() {
        MuneroMetrics metrics = metrics();
        Exposition scraped = new Exposition(metrics.scrape());

        assertThat(scraped.value("munero_runs", "repo", REPO, "state", "Completed")).isEqualTo(1);
        for (RunState state : RunState.values()) {
            if (state != RunState.COMPLETED) {
                assertThat(scraped.value("munero_runs", "repo", REPO, "state", state.label())).as(state.label())
                        .isZero();
            }
        }
        assertThat(scraped.find("munero_runs")).hasSize(RunState.values().length);
    }

    @Test
    void theRunsTableAndTheEventsComeThroughTheApplicationApiAsTheServerReadsThem() {
        try (Runs runs = Runs.open(run.repo, java.time.Clock.systemUTC(), false)) {
            MuneroMetrics metrics = MuneroMetrics.builder().countEventsFrom(Instant.EPOCH)
                    .repository(REPO, RunTable.of(runs)).failOnBadRegistration(true).jvmMetrics(false).build();
            runs.events(run.outcome.runId(), 0, 10_000).forEach(e -> metrics.onRunEvent(REPO, e));

            Exposition scraped = new Exposition(metrics.scrape());

            assertThat(RunTable.of(runs).countByState()).containsEntry("Completed", 1L)
                    .containsEntry("Building", 0L).hasSize(RunState.values().length);
            assertThat(scraped.value("munero_runs", "repo", REPO, "state", "Completed")).isEqualTo(1);
            assertThat(scraped.value("munero_model_calls_total", "result", "answered")).isEqualTo(8);
            assertThat(scraped.sum("munero_run_events_total")).isEqualTo(run.events.size());
        }
    }

    @Test
    void aRunsTableThatCannotBeReadKeepsTheLastValuesAndCountsTheError() {
        boolean[] broken = {false};
        MuneroMetrics metrics = MuneroMetrics.builder().jvmMetrics(false).failOnBadRegistration(true)
                .repository(REPO, () -> {
                    if (broken[0]) {
                        throw new IllegalStateException("database is locked");
                    }
                    return run.runsByState;
                }).build();
        assertThat(new Exposition(metrics.scrape()).value("munero_runs", "state", "Completed")).isEqualTo(1);

        broken[0] = true;
        Exposition scraped = new Exposition(metrics.scrape());

        assertThat(scraped.value("munero_runs", "state", "Completed")).isEqualTo(1);
        assertThat(scraped.value("munero_runs_read_errors_total", "repo", REPO)).isEqualTo(1);
    }

    @Test
    void theSameEventsFedTwiceCountOnce() {
        MuneroMetrics metrics = metrics();
        feed(metrics, run.events);
        String once = metrics.scrape();

        feed(metrics, run.events); // a follower that re-read the log after a reconnect
        feed(metrics, run.events.subList(run.events.size() / 2, run.events.size()));

        Exposition twice = new Exposition(metrics.scrape());
        Exposition first = new Exposition(once);
        assertThat(twice.value("munero_model_calls_total", "result", "answered")).isEqualTo(8);
        assertThat(twice.sum("munero_run_events_total")).isEqualTo(first.sum("munero_run_events_total"));
        assertThat(twice.sum("munero_tool_calls_total")).isEqualTo(first.sum("munero_tool_calls_total"));
    }

    @Test
    void eventsAppendedBeforeTheServerStartedAreNotCounted() {
        MuneroMetrics metrics = MuneroMetrics.builder().countEventsFrom(run.events.getLast().at().plusMillis(1))
                .jvmMetrics(false).build();
        feed(metrics, run.events);

        Exposition scraped = new Exposition(metrics.scrape());

        assertThat(scraped.sum("munero_run_events_total")).isZero();
        assertThat(scraped.sum("munero_model_calls_total")).isZero();
    }

    @Test
    void aToolNameOutsideTheStandardToolsAndModelsPastTheCapBecomeOther() {
        MuneroMetrics metrics = metrics();
        StoredEvent toolCall = run.events.stream().filter(e -> e.type().equals("tool_call")).findFirst().orElseThrow();
        StoredEvent modelCall = run.events.stream().filter(e -> e.type().equals("model_call")).findFirst()
                .orElseThrow();
        long seq = 1;
        // a model asked for a tool that does not exist; then 60 runs each on a model of their own
        metrics.onRunEvent(REPO, event(seq++, "r0", toolCall, "name", "summon_dragon"));
        for (int i = 0; i < 60; i++) {
            metrics.onRunEvent(REPO, event(seq++, "r" + i, modelCall, "model", "openai:model-" + i));
        }

        Exposition scraped = new Exposition(metrics.scrape());

        assertThat(scraped.value("munero_tool_calls_total", "tool", LabelValues.OTHER)).isEqualTo(1);
        assertThat(scraped.find("munero_tool_calls_total", "tool", "summon_dragon")).isEmpty();
        assertThat(scraped.find("munero_model_calls_total").stream().map(s -> s.labels().get("model")).distinct())
                .hasSize(51).contains(LabelValues.OTHER, "openai:model-0", "openai:model-49");
        assertThat(scraped.value("munero_model_calls_total", "model", LabelValues.OTHER)).isEqualTo(10);
    }

    @Test
    void anEventWhosePayloadCannotBeReadIsCountedAsUndecodableAndNothingElse() {
        MuneroMetrics metrics = metrics();
        StoredEvent modelCall = run.events.stream().filter(e -> e.type().equals("model_call")).findFirst()
                .orElseThrow();
        Runs.Event bad = event(1, "r1", modelCall, "input_tokens", "a great many");

        metrics.onRunEvent(REPO, bad);

        Exposition scraped = new Exposition(metrics.scrape());
        assertThat(scraped.value("munero_run_events_undecodable_total", "repo", REPO)).isEqualTo(1);
        assertThat(scraped.value("munero_run_events_total", "type", "model_call")).isEqualTo(1);
        assertThat(scraped.sum("munero_model_calls_total")).isZero();
    }

    @Test
    void everyMetricHasHelpTextAndOneFixedSetOfLabelNames() {
        MuneroMetrics metrics = MuneroMetrics.builder().countEventsFrom(Instant.EPOCH)
                .repository(REPO, () -> run.runsByState).failOnBadRegistration(true).build(); // with the JVM's
        feed(metrics, run.events);
        metrics.webSocketOpened(MuneroMetrics.WebSocketStream.RUNS);

        Exposition scraped = new Exposition(metrics.scrape());

        assertThat(scraped.type).isNotEmpty();
        assertThat(scraped.help.keySet()).containsAll(scraped.type.keySet());
        assertThat(scraped.help.values()).allSatisfy(h -> assertThat(h).isNotBlank());
        scraped.labelSetsByFamily().forEach((family, sets) -> assertThat(sets).as(family).hasSize(1));
        assertThat(scraped.type).containsEntry("munero_model_calls_total", "counter")
                .containsEntry("munero_model_cost_usd_total", "counter")
                .containsEntry("munero_run_phase_duration_seconds", "histogram")
                .containsEntry("munero_runs", "gauge")
                .containsEntry("munero_websocket_clients", "gauge");
        assertThat(scraped.labelSetsByFamily()).containsEntry("munero_model_tokens_total",
                Set.of(Set.of("kind", "model", "repo")));
        // no label carries a run id, a task or a step name
        assertThat(scraped.samples).allSatisfy(s -> assertThat(s.labels().values())
                .doesNotContain(run.outcome.runId(), "fix-add", "add-multiply", "compile", "test"));
    }

    @Test
    void theWebSocketClientsGaugeFollowsOpensAndCloses() {
        MuneroMetrics metrics = metrics();
        metrics.webSocketOpened(MuneroMetrics.WebSocketStream.RUNS);
        metrics.webSocketOpened(MuneroMetrics.WebSocketStream.RUNS);
        metrics.webSocketOpened(MuneroMetrics.WebSocketStream.BUILDS);
        metrics.webSocketClosed(MuneroMetrics.WebSocketStream.RUNS);

        Exposition scraped = new Exposition(metrics.scrape());

        assertThat(scraped.value("munero_websocket_clients", "stream", "runs")).isEqualTo(1);
        assertThat(scraped.value("munero_websocket_clients", "stream", "builds")).isEqualTo(1);
    }

    /** {@code template} as another run's event {@code seq}, with one payload field changed. */
    @Test
    void mcpServerStateChangesAreCountedByStateAndRowsBeforeIssue13CountNone() { // issue 13
        MuneroMetrics metrics = metrics();
        Instant at = run.events.getLast().at();
        java.util.function.Function<String, ObjectNode> server = state -> RunEvents.JSON.createObjectNode()
                .put("name", "fs").put("state", state).put("required", false).put("tools", 14).put("restarts", 0);
        ObjectNode start = RunEvents.JSON.createObjectNode().put("status", "ready").put("cause", "start");
        start.putArray("servers").add(server.apply("up")).add(server.apply("up").put("name", "memory"));
        ObjectNode crashed = RunEvents.JSON.createObjectNode().put("status", "degraded").put("cause", "change");
        crashed.putArray("servers").add(server.apply("restarting"));
        ObjectNode back = RunEvents.JSON.createObjectNode().put("status", "ready").put("cause", "change");
        back.putArray("servers").add(server.apply("up"));
        ObjectNode old = RunEvents.JSON.createObjectNode().put("status", "no MCP servers: MCP support is not built yet");
        old.putArray("servers");
        ObjectNode oldNamed = old.deepCopy();
        ((tools.jackson.databind.node.ArrayNode) oldNamed.get("servers")).add("fs");
        ObjectNode call = RunEvents.JSON.createObjectNode().put("scope", "task:1:copy").put("task", "copy")
                .put("name", "mcp__fs__read_text_file").put("arguments", "{}").put("error", false).put("result", "x")
                .put("duration_millis", 3);
        List<ObjectNode> payloads = List.of(start, crashed, back, old, oldNamed);
        for (int i = 0; i < payloads.size(); i++) {
            metrics.onRunEvent(REPO, new Runs.Event(i + 1, "mcp-run", at, "mcp_status", payloads.get(i)));
        }
        metrics.onRunEvent(REPO, new Runs.Event(payloads.size() + 1, "mcp-run", at, "tool_call", call));

        Exposition scraped = new Exposition(metrics.scrape());

        assertThat(scraped.value("munero_mcp_server_changes_total", "repo", REPO, "state", "up")).isEqualTo(3);
        assertThat(scraped.value("munero_mcp_server_changes_total", "state", "restarting")).isEqualTo(1);
        assertThat(scraped.sum("munero_mcp_server_changes_total")).isEqualTo(4);
        assertThat(scraped.value("munero_run_events_undecodable_total", "repo", REPO)).isZero();
        assertThat(scraped.value("munero_tool_calls_total", "tool", "mcp", "outcome", "ok")).isEqualTo(1);
    }

    private static Runs.Event event(long seq, String runId, StoredEvent template, String field, String value) {
        ObjectNode payload = template.payload().deepCopy();
        payload.put(field, value);
        return new Runs.Event(seq, runId, template.at(), template.type(), payload);
    }
}
