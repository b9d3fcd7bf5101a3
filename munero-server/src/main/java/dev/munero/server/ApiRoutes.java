package dev.munero.server;

import static dev.munero.server.ApiRoute.http;

import dev.munero.core.BuildManager;
import dev.munero.core.RunMetrics;
import dev.munero.core.app.Agents;
import dev.munero.core.app.Builds;
import dev.munero.core.app.Memory;
import dev.munero.core.app.Runs;
import dev.munero.engine.build.BuildReport;
import dev.munero.memory.MemoryStats;
import java.util.ArrayList;
import java.util.List;

/**
 * The route table: every route of the API with the least {@link Role} it needs, declared here and nowhere else.
 * The server registers these with Javalin, the {@link Guard} enforces their roles, and {@link OpenApi} documents
 * them.
 */
final class ApiRoutes {
    static final String PREFIX = "/api/v1";

    private ApiRoutes() {
    }

    private static ApiRoute.Param q(String name, String type, String description) {
        return new ApiRoute.Param(name, type, description);
    }

    static List<ApiRoute> table(RunsApi runs, BuildsApi builds, MemoryApi memory, Streams streams) {
        List<ApiRoute> r = new ArrayList<>();
        ApiRoute.Param repo = q("repo", "string", "the repository id, when two served repositories have the run");
        r.add(http("GET", PREFIX + "/repos", Role.VIEWER, "The served repositories", List.of(), null, 200,
                new ApiRoute.Shape.ListOf(RunsApi.Repo.class), runs::repos));
        r.add(http("GET", PREFIX + "/runs", Role.VIEWER, "Runs, newest first, paged",
                List.of(q("repo", "string", "only this repository's runs"),
                        q("state", "string", "only runs in this state (Paused, Building, Completed...)"),
                        q("limit", "integer", "at most this many, 1 to 500 (default 50)"),
                        q("offset", "integer", "skip this many of the newest (default 0)")),
                null, 200, new ApiRoute.Shape.PageOf(Runs.Summary.class), runs::list));
        r.add(http("POST", PREFIX + "/runs", Role.OPERATOR, "Start a run; it runs in the server",
                List.of(), new ApiRoute.Shape.Of(RunsApi.StartRun.class), 201,
                new ApiRoute.Shape.Of(Runs.Detail.class), runs::start));
        r.add(http("GET", PREFIX + "/runs/{id}", Role.VIEWER, "A run in full", List.of(repo), null, 200,
                new ApiRoute.Shape.Of(Runs.Detail.class), runs::show));
        r.add(http("POST", PREFIX + "/runs/{id}/pause", Role.OPERATOR, "Ask a run to pause", List.of(repo), null,
                202, new ApiRoute.Shape.Of(RunsApi.Accepted.class), runs::pause));
        r.add(http("POST", PREFIX + "/runs/{id}/resume", Role.OPERATOR, "Resume a paused or interrupted run in the "
                + "server", List.of(repo), new ApiRoute.Shape.Of(RunsApi.ResumeRun.class), 202,
                new ApiRoute.Shape.Of(RunsApi.Accepted.class), runs::resume));
        r.add(http("GET", PREFIX + "/runs/{id}/cost", Role.VIEWER, "What a run cost, USD", List.of(repo), null, 200,
                new ApiRoute.Shape.Of(Runs.Cost.class), runs::cost));
        r.add(http("GET", PREFIX + "/runs/{id}/report", Role.VIEWER, "A run's metrics folded from its log",
                List.of(repo), null, 200, new ApiRoute.Shape.Of(RunMetrics.class), runs::report));
        r.add(http("GET", PREFIX + "/runs/{id}/diff", Role.VIEWER, "The change between two iterations' checkpoints",
                List.of(repo, q("from", "integer", "the first iteration (default 0: where the run started)"),
                        q("to", "integer", "the second iteration (default: the last)")),
                null, 200, new ApiRoute.Shape.Of(Runs.Diff.class), runs::diff));
        r.add(http("POST", PREFIX + "/runs/{id}/rollback", Role.OPERATOR, "Restore a run's branch to an "
                + "iteration's checkpoint; the run becomes Paused", List.of(repo),
                new ApiRoute.Shape.Of(RunsApi.Rollback.class), 200,
                new ApiRoute.Shape.Of(BuildManager.RolledBack.class), runs::rollback));
        r.add(http("GET", PREFIX + "/runs/{id}/events", Role.VIEWER, "A run's events after a seq, oldest first",
                List.of(repo, q("since", "integer", "the last seq seen (default 0: from the start)"),
                        q("limit", "integer", "at most this many, 1 to 5000 (default 500)")),
                null, 200, new ApiRoute.Shape.ListOf(Runs.Event.class), runs::events));
        r.add(new ApiRoute("WS", PREFIX + "/runs/{id}/events", Role.VIEWER, "WebSocket: every event after "
                + "since, then live; frames {kind: event|heartbeat|end}", List.of(repo, q("since", "integer",
                "the last seq seen (default 0)")), null, 101, null, null, streams::runs));
        r.add(http("POST", PREFIX + "/builds", Role.OPERATOR, "Start a build in the server", List.of(),
                new ApiRoute.Shape.Of(BuildsApi.StartBuild.class), 202, new ApiRoute.Shape.Of(BuildsApi.Build.class),
                builds::start));
        r.add(http("GET", PREFIX + "/builds/{id}", Role.VIEWER, "A build: its state, finished steps and report",
                List.of(q("repo", "string", "look only in this repository")), null, 200,
                new ApiRoute.Shape.Of(BuildsApi.Build.class), builds::show));
        r.add(http("GET", PREFIX + "/builds/{id}/steps/{step}/log", Role.VIEWER, "A step's log from a build",
                List.of(q("repo", "string", "look only in this repository"),
                        q("tail", "integer", "at most this many bytes from the end (default 0: all)")),
                null, 200, new ApiRoute.Shape.Text("text/plain", "the step's output"), builds::stepLog));
        r.add(new ApiRoute("WS", PREFIX + "/builds/{id}/events", Role.VIEWER, "WebSocket: a build's events "
                + "(build_started, step_started, step_finished, warning, build_finished), then end",
                List.of(q("since", "integer", "the last seq seen (default 0)")), null, 101, null, null,
                streams::builds));
        r.add(http("GET", PREFIX + "/repos/{repo}/builds/latest", Role.VIEWER, "The newest build report", List.of(),
                null, 200, new ApiRoute.Shape.Of(BuildReport.class), builds::latest));
        r.add(http("GET", PREFIX + "/repos/{repo}/graph", Role.VIEWER, "The task graph as JSON, dot or mermaid",
                List.of(q("targets", "string", "steps or patterns, comma-separated (default: all steps)"),
                        q("format", "string", "json (default), dot or mermaid")),
                null, 200, new ApiRoute.Shape.Of(Builds.Graph.class), builds::graph));
        r.add(http("GET", PREFIX + "/repos/{repo}/steps/{step}/explain", Role.VIEWER, "Why a step would run or hit "
                + "the cache now", List.of(), null, 200, new ApiRoute.Shape.Of(Builds.Explanation.class),
                builds::explain));
        r.add(http("GET", PREFIX + "/repos/{repo}/agents", Role.VIEWER, "The agent profiles with their tasks, "
                + "success rate, cost and time per task across runs", List.of(), null, 200,
                new ApiRoute.Shape.ListOf(Agents.Profile.class), runs::agents));
        memoryRoutes(r, memory);
        return r;
    }

    /** The memory bank's routes (issue 14): viewers read, operators write. */
    private static void memoryRoutes(List<ApiRoute> r, MemoryApi memory) {
        String base = PREFIX + "/repos/{repo}/memory";
        ApiRoute.Param namespace = q("namespace", "string", "only this namespace: project, run:ID or agent:NAME");
        ApiRoute.Param kind = q("kind", "string", "only this kind (note, lesson...)");
        ApiRoute.Param tag = q("tag", "string", "only entries with these tags (repeated or comma-separated: all)");
        ApiRoute.Param entryNamespace = q("namespace", "string", "the entry's namespace (default project)");
        ApiRoute.Param key = q("key", "string", "the entry's key");
        r.add(http("GET", base, Role.VIEWER, "Memory entries by namespace and key", List.of(namespace, kind, tag,
                q("limit", "integer", "at most this many, 1 to 10000 (default 50)")), null, 200,
                new ApiRoute.Shape.ListOf(Memory.Item.class), memory::list));
        r.add(http("GET", base + "/search", Role.VIEWER, "Memory entries matching words, best first (bm25)",
                List.of(q("q", "string", "the words to look for"), namespace, kind, tag,
                        q("limit", "integer", "at most this many hits, 1 to 10000 (default 10)")), null, 200,
                new ApiRoute.Shape.Of(Memory.Found.class), memory::search));
        r.add(http("GET", base + "/stats", Role.VIEWER, "Memory entries by namespace and kind, and the search mode",
                List.of(), null, 200, new ApiRoute.Shape.Of(MemoryStats.class), memory::stats));
        r.add(http("GET", base + "/entry", Role.VIEWER, "One memory entry", List.of(entryNamespace, key), null, 200,
                new ApiRoute.Shape.Of(Memory.Item.class), memory::show));
        r.add(http("PUT", base + "/entry", Role.OPERATOR, "Store a memory entry (versioned: a stale "
                + "expected_version is a 409)", List.of(), new ApiRoute.Shape.Of(MemoryApi.PutEntry.class), 200,
                new ApiRoute.Shape.Of(Memory.Item.class), memory::put));
        r.add(http("DELETE", base + "/entry", Role.OPERATOR, "Delete a memory entry", List.of(entryNamespace, key,
                q("expected_version", "integer", "delete only at this version (default: any)")), null, 200,
                new ApiRoute.Shape.Of(MemoryApi.Deleted.class), memory::delete));
    }
}
