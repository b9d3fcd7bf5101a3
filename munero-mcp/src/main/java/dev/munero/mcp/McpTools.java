package dev.munero.mcp;

import dev.munero.core.BuildManager;
import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import dev.munero.core.app.Memory;
import dev.munero.core.app.Runs;
import dev.munero.core.config.RunSettings;
import dev.munero.core.events.EventBus;
import dev.munero.core.events.RunEvents;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import dev.munero.memory.Filter;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import tools.jackson.core.type.TypeReference;

/**
 * The eleven tools: each reads its arguments, makes one call into {@link Runs} or {@link Builds} through the
 * {@link McpBackend} ({@code memory_search}: into the {@link Memory} of the backend's repository), and answers the result as {@code structuredContent} (snake_case JSON, as the REST API) plus
 * the same JSON as text. Every {@link AppException} (and a bad argument) becomes {@code isError} with its message.
 * Thread-safe.
 */
final class McpTools {
    /** Bytes of a failed step's log a {@code build} result carries. */
    static final int LOG_TAIL_BYTES = 2000;
    /** Events {@code run_events} returns when no limit is given, and at most. */
    static final int EVENTS_DEFAULT = 200;
    static final int EVENTS_MAX = 5000;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final McpBackend backend;
    private final Cancellations cancellations;

    McpTools(McpBackend backend, Cancellations cancellations) {
        this.backend = backend;
        this.cancellations = cancellations;
    }

    /** One tool: its definition, the least role it needs, and its handler. */
    record Def(String name, McpRole needs, String description, String input, String output,
               BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, Object> handler) { }

    /** The tools, in the order {@code tools/list} shows them. */
    List<Def> defs() {
        String id = "\"id\":{\"type\":\"string\"}";
        String runOut = obj("\"id\":{\"type\":\"string\"},\"state\":{\"type\":\"string\"},\"cost_usd\":{\"type\":\"number\"}",
                "id", "state");
        String accepted = obj("\"run_id\":{\"type\":\"string\"},\"state\":{\"type\":\"string\"},\"message\":{\"type\":\"string\"}",
                "run_id", "state");
        String targets = "\"targets\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}";
        return List.of(
                new Def("build", McpRole.OPERATOR, "Build targets (none: the default tasks): per-step status, cache "
                        + "hits, failures with log tails.",
                        obj(targets + ",\"force\":{\"type\":\"boolean\"},\"keep_going\":{\"type\":\"boolean\"}"),
                        obj("\"build_id\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"},\"steps\":"
                                + "{\"type\":\"array\"},\"failures\":{\"type\":\"array\"}", "build_id", "status", "steps"),
                        this::build),
                new Def("graph", McpRole.VIEWER, "Task graph of the targets (default: all steps).", obj(targets),
                        obj("\"nodes\":{\"type\":\"array\"},\"edges\":{\"type\":\"array\"}", "nodes", "edges"),
                        (x, r) -> backend.builds().graph(args(r).texts("targets"))),
                new Def("explain", McpRole.VIEWER, "Why a step would run or hit the cache: its cache key and inputs.",
                        obj("\"step\":{\"type\":\"string\"}", "step"),
                        obj("\"step\":{\"type\":\"string\"},\"action\":{\"type\":\"string\"},"
                                + "\"cache_key\":{\"type\":[\"string\",\"null\"]}",
                                "step", "action"),
                        (x, r) -> backend.builds().explain(args(r).text("step"))),
                new Def("run_start", McpRole.OPERATOR, "Start a build-manager run of a spec (text or a file in the "
                        + "repository); it goes on in the background.",
                        obj("\"spec\":{\"type\":\"string\",\"description\":\"what to build\"},\"spec_path\":{\"type\":"
                                + "\"string\",\"description\":\"or a spec file in the repository\"},\"budget_usd\":"
                                + "{\"type\":\"number\"},\"model\":{\"type\":\"string\",\"description\":"
                                + "\"provider:model\"},\"agents\":{\"type\":\"integer\"},"
                                + "\"max_iterations\":{\"type\":\"integer\"},\"timeout\":{\"type\":\"string\",\"description\":"
                                + "\"e.g. 30m\"}"),
                        runOut, this::runStart),
                new Def("run_status", McpRole.VIEWER, "A run's state, plan tasks and checks.", obj(id, "id"),
                        obj("\"summary\":{\"type\":\"object\"},\"tasks\":{\"type\":\"array\"}", "summary"),
                        (x, r) -> backend.runs().existing().show(args(r).text("id"))),
                new Def("run_events", McpRole.VIEWER, "A run's events after seq 'since', oldest first.",
                        obj(id + ",\"since\":{\"type\":\"integer\",\"description\":\"last seq seen; 0 from "
                                + "the start\"},\"limit\":{\"type\":\"integer\"}", "id"),
                        obj("\"events\":{\"type\":\"array\"},\"next_since\":{\"type\":\"integer\"}", "events",
                                "next_since"),
                        this::runEvents),
                new Def("run_pause", McpRole.OPERATOR, "Ask a run to pause; it saves its state and can be resumed.",
                        obj(id, "id"), accepted, this::runPause),
                new Def("run_resume", McpRole.OPERATOR, "Resume a paused or interrupted run, optionally with more "
                        + "budget.", obj(id + ",\"budget_usd\":{\"type\":\"number\"},\"add_budget_usd\":{\"type\":"
                        + "\"number\"},\"timeout\":{\"type\":\"string\"},\"max_iterations\":{\"type\":\"integer\"}",
                        "id"), accepted, this::runResume),
                new Def("run_cost", McpRole.VIEWER, "What a run cost (USD) and its budget, by phase, agent, task, "
                        + "model.", obj(id, "id"),
                        obj("\"run_id\":{\"type\":\"string\"},\"cost_usd\":{\"type\":\"number\"}", "run_id", "cost_usd"),
                        (x, r) -> backend.runs().existing().cost(args(r).text("id"))),
                new Def("runs_list", McpRole.VIEWER, "Runs, newest first; filter by state.",
                        obj("\"state\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"},\"offset\":{\"type\":"
                                + "\"integer\"}"),
                        obj("\"items\":{\"type\":\"array\"},\"total\":{\"type\":\"integer\"}", "items", "total"),
                        this::runsList),
                new Def("memory_search", McpRole.VIEWER, "Search the memory bank (agents' notes, lessons) by words, "
                        + "best first.", obj("\"query\":{\"type\":\"string\"},\"namespace\":{\"type\":\"string\"},"
                        + "\"limit\":{\"type\":\"integer\"}", "query"),
                        obj("\"mode\":{\"type\":\"string\"},\"hits\":{\"type\":\"array\"}", "mode", "hits"),
                        this::memorySearch));
    }

    /** The SDK specifications of {@link #defs}, each refusing a caller whose role is below the tool's. */
    List<SyncToolSpecification> specifications() {
        List<SyncToolSpecification> out = new ArrayList<>();
        for (Def d : defs()) {
            McpSchema.Tool tool = McpSchema.Tool.builder().name(d.name()).description(d.description())
                    .inputSchema(map(d.input())).outputSchema(map(d.output())).build();
            out.add(SyncToolSpecification.builder().tool(tool).callHandler((exchange, request) -> {
                McpRole role = MuneroMcpServer.roleOf(exchange.transportContext());
                if (!MuneroMcpServer.allowed(exchange.transportContext(), d.needs())) {
                    return error(d.name() + " needs the " + d.needs().label() + " role; this token is "
                            + (role == null ? "without a role" : role.label()));
                }
                try {
                    return ok(d.handler().apply(exchange, request));
                } catch (AppException e) {
                    return error(e.getMessage());
                } catch (RuntimeException e) {
                    return error(d.name() + " failed: " + e);
                }
            }).build());
        }
        return out;
    }

    /** The least role each tool needs, by name. */
    Map<String, McpRole> roles() {
        Map<String, McpRole> out = new HashMap<>();
        defs().forEach(d -> out.put(d.name(), d.needs()));
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------

    private Object build(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Args a = args(request);
        try (Cancellations.Registration cancel = cancellations.register(exchange)) {
            return build(exchange, request, a, cancel);
        }
    }

    private Object build(McpSyncServerExchange exchange, McpSchema.CallToolRequest request, Args a,
                         Cancellations.Registration cancel) {
        Builds builds = backend.builds();
        Builds.Prepared prepared = builds.prepare(new Builds.BuildRequest(a.texts("targets"), null,
                a.flag("keep_going", null), a.flag("force", false), true, false, null, backend.env()));
        Object token = request.meta() == null ? null : request.meta().get("progressToken");
        AtomicInteger done = new AtomicInteger();
        int total = prepared.selectedSteps();
        BuildListener listener = token == null ? BuildListener.NONE : new BuildListener() {
            @Override
            public void stepFinished(StepResult result) {
                exchange.progressNotification(new McpSchema.ProgressNotification(token, done.incrementAndGet(),
                        (double) total, result.name() + " " + result.status().name().toLowerCase(Locale.ROOT)));
            }
        };
        cancel.attach(prepared::cancel);
        BuildReport report = prepared.run(listener);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("build_id", report.runId());
        out.put("status", report.status().name().toLowerCase(Locale.ROOT));
        out.put("targets", report.targets());
        out.put("duration_ms", report.durationMillis());
        out.put("cache_hit_rate", report.cacheHitRate());
        out.put("counts", report.counts());
        List<Map<String, Object>> steps = new ArrayList<>();
        List<Map<String, Object>> failures = new ArrayList<>();
        for (StepResult s : report.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("name", s.name());
            step.put("status", s.status().name().toLowerCase(Locale.ROOT));
            step.put("cache_hit", s.status() == StepStatus.CACHED);
            step.put("duration_ms", s.durationMillis());
            step.put("exit_code", s.exitCode());
            step.put("cache_key", s.cacheKey());
            steps.add(step);
            if (s.status() == StepStatus.FAILED) {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("step", s.name());
                f.put("exit_code", s.exitCode());
                f.put("reasons", s.reasons());
                String tail;
                try {
                    tail = builds.stepLog(report.runId(), s.name(), LOG_TAIL_BYTES);
                } catch (AppException e) {
                    tail = "(no log: " + e.getMessage() + ")";
                }
                f.put("log_tail", tail);
                failures.add(f);
            }
        }
        out.put("steps", steps);
        out.put("failures", failures);
        return out;
    }

    private Object runStart(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Args a = args(request);
        Map<String, Object> flags = new HashMap<>();
        flags.put("model", a.optionalText("model"));
        flags.put("budget_usd", a.number("budget_usd"));
        flags.put("agents", a.integer("agents", null, 1, 64));
        flags.put("max_iterations", a.integer("max_iterations", null, 1, 10_000));
        flags.put("timeout", a.optionalText("timeout"));
        Runs runs = backend.runs().creating();
        Runs.Started started = runs.start(new Runs.StartArgs("run_start", a.optionalText("spec"),
                a.optionalText("spec_path"), "mcp", flags), backend.env(), this::session);
        backend.driver().launch(started);
        return runs.summary(started.runId());
    }

    private Object runEvents(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Args a = args(request);
        String id = a.text("id");
        long since = a.integer("since", 0L, 0, Long.MAX_VALUE);
        int limit = a.integer("limit", (long) EVENTS_DEFAULT, 1, EVENTS_MAX).intValue();
        List<Runs.Event> events = backend.runs().existing().events(id, since, limit);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", events);
        out.put("next_since", events.isEmpty() ? since : events.get(events.size() - 1).seq());
        return out;
    }

    private Object runPause(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        String id = args(request).text("id");
        Runs runs = backend.runs().existing();
        runs.pause(id, "mcp " + client(exchange));
        return accepted(id, runs.summary(id).state(), "pause requested; the run pauses within a second and saves "
                + "its state");
    }

    private Object runResume(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Args a = args(request);
        String id = a.text("id");
        Runs runs = backend.runs().existing();
        Long iterations = a.integer("max_iterations", null, 1, 10_000);
        Runs.Started started = runs.resume(id, new Runs.Resume(a.number("budget_usd"), a.number("add_budget_usd"),
                a.duration("timeout"), iterations == null ? null : iterations.intValue()), backend.env(),
                this::session);
        backend.driver().launch(started);
        return accepted(id, runs.summary(id).state(), "resumed; the run goes on in the background");
    }

    private Object runsList(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Args a = args(request);
        String state = a.optionalText("state");
        int limit = a.integer("limit", 20L, 1, Runs.MAX_PAGE).intValue();
        int offset = a.integer("offset", 0L, 0, Integer.MAX_VALUE).intValue();
        Runs.Query query = new Runs.Query(state == null || state.isBlank() ? null : state, limit, offset);
        return backend.runs().ifAny().map(r -> r.list(query))
                .orElse(new Runs.Page<>(List.of(), 0, limit, offset));
    }

    private Object memorySearch(McpSyncServerExchange exchange, McpSchema.CallToolRequest request) {
        Args a = args(request);
        String query = a.text("query");
        String namespace = a.optionalText("namespace");
        int limit = a.integer("limit", 10L, 1, Memory.MAX_LIMIT).intValue();
        Filter filter;
        try {
            filter = new Filter(namespace == null || namespace.isBlank() ? null : namespace, null, List.of());
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        }
        try (Memory memory = Memory.open(backend.repo(), Clock.systemUTC(), false, backend.env())) {
            return memory.search(query, filter, limit);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private BuildManager.Session session(RunSettings settings) {
        return backend.sessions().open(backend.repo(), settings, new EventBus());
    }

    private static Map<String, Object> accepted(String id, String state, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", id);
        out.put("state", state);
        out.put("message", message);
        return out;
    }

    private static String client(McpSyncServerExchange exchange) {
        McpSchema.Implementation info = exchange.getClientInfo();
        return info == null ? "client" : info.name();
    }

    private static Args args(McpSchema.CallToolRequest request) {
        return new Args(request.name(), request.arguments());
    }

    /** The value as snake_case JSON: structured content (an object) and the same text. */
    static CallToolResult ok(Object value) {
        String json = RunEvents.JSON.writeValueAsString(value);
        Map<String, Object> structured = RunEvents.JSON.readValue(json, MAP);
        return CallToolResult.builder().structuredContent(structured).addTextContent(json).isError(false).build();
    }

    /** A failed call: {@code isError} with the message as text. */
    static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    /** An object schema with {@code properties} (a JSON fragment) and the required names. */
    private static String obj(String properties, String... required) {
        StringBuilder sb = new StringBuilder("{\"type\":\"object\",\"properties\":{").append(properties).append('}');
        if (required.length > 0) {
            sb.append(",\"required\":[");
            for (int i = 0; i < required.length; i++) {
                sb.append(i == 0 ? "" : ",").append('"').append(required[i]).append('"');
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    private static Map<String, Object> map(String json) {
        return RunEvents.JSON.readValue(json, MAP);
    }
}
