package dev.munero.server;

import dev.munero.core.app.Agents;
import dev.munero.core.app.Runs;
import dev.munero.core.events.EventBus;
import io.javalin.http.Context;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * The handlers of the {@code /api/v1/repos} and {@code /api/v1/runs} routes: each parses the request, calls
 * {@link Runs} and answers with its records as JSON. Roles and paths are in {@link ApiRoutes}. Thread-safe.
 */
final class RunsApi {
    static final String START_SHAPE = "{\"repo\": ID, \"spec\": TEXT or \"spec_path\": FILE, \"budget_usd\": USD, "
            + "\"model\": \"PROVIDER:MODEL\", \"agents\": N, \"max_iterations\": N, \"timeout\": \"30m\"} (all but "
            + "spec or spec_path optional; repo when several are served)";
    static final String RESUME_SHAPE = "{\"budget_usd\": USD or \"add_budget_usd\": USD, \"timeout\": \"30m\", "
            + "\"max_iterations\": N} (all optional)";
    static final String ROLLBACK_SHAPE = "{\"iteration\": N, \"force\": false}";

    private final Repos repos;
    private final RunRegistry registry;
    private final SessionFactory sessions;
    private final Map<String, String> env;

    RunsApi(Repos repos, RunRegistry registry, SessionFactory sessions, Map<String, String> env) {
        this.repos = repos;
        this.registry = registry;
        this.sessions = sessions;
        this.env = Map.copyOf(env);
    }

    /** {@code POST /api/v1/runs}: what to start. */
    record StartRun(String repo, String spec, String specPath, Double budgetUsd, String model, Integer agents,
                    Integer maxIterations, String timeout) { }

    /** {@code POST /api/v1/runs/{id}/resume}: what to change. */
    record ResumeRun(Double budgetUsd, Double addBudgetUsd, String timeout, Integer maxIterations) { }

    /** {@code POST /api/v1/runs/{id}/rollback}. */
    record Rollback(Integer iteration, Boolean force) { }

    /** One served repository. */
    record Repo(String id, String path, boolean hasRuns) { }

    /** What pause and resume answer (202): the run, and what was asked. */
    record Accepted(String runId, String repo, String state, String message) { }

    void repos(Context ctx) {
        ctx.json(repos.all().stream().map(r -> new Repo(r.id(), r.path().toString(),
                Files.exists(r.path().resolve(".munero").resolve("munero.db")))).toList());
    }

    /** {@code GET /api/v1/repos/{repo}/agents}: the agent profiles with their measured history (issue 14). */
    void agents(Context ctx) {
        ctx.json(Agents.list(repos.get(ctx.pathParam("repo")).path()));
    }

    void list(Context ctx) {
        String state = ctx.queryParam("state");
        int limit = (int) Params.integer(ctx, "limit", 50, 1, 500);
        int offset = (int) Params.integer(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        String repoId = ctx.queryParam("repo");
        List<ServedRepo> chosen = repoId == null || repoId.isBlank() ? repos.all() : List.of(repos.get(repoId));
        List<ObjectNode> items = new ArrayList<>();
        int total = 0;
        for (ServedRepo repo : chosen) {
            var runs = repo.runsIfAny();
            if (runs.isEmpty()) {
                continue;
            }
            // newest first across repositories: each gives its first offset + limit, merged, then the page is cut
            Runs.Page<Runs.Summary> page = runs.get().list(new Runs.Query(blankToNull(state),
                    (int) Math.min(500, (long) offset + limit), 0));
            total += page.total();
            for (Runs.Summary s : page.items()) {
                items.add(withRepo(Json.MAPPER.valueToTree(s), repo));
            }
        }
        items.sort(Comparator.comparing((ObjectNode n) -> n.path("created_at").asString()).reversed());
        List<ObjectNode> pageItems = items.subList(Math.min(offset, items.size()), Math.min(items.size(),
                offset + limit));
        ObjectNode body = Json.MAPPER.createObjectNode().put("total", total).put("limit", limit)
                .put("offset", offset);
        pageItems.forEach(body.putArray("items")::add);
        ctx.json(body);
    }

    void show(Context ctx) {
        ServedRepo repo = locate(ctx);
        ctx.json(withRepo(Json.MAPPER.valueToTree(repo.runs().show(ctx.pathParam("id"))), repo));
    }

    void events(Context ctx) {
        long since = Params.integer(ctx, "since", 0, 0, Long.MAX_VALUE);
        int limit = (int) Params.integer(ctx, "limit", 500, 1, 5000);
        ServedRepo repo = locate(ctx);
        ctx.json(repo.runs().events(ctx.pathParam("id"), since, limit));
    }

    void cost(Context ctx) {
        ctx.json(locate(ctx).runs().cost(ctx.pathParam("id")));
    }

    void report(Context ctx) {
        ctx.json(locate(ctx).runs().report(ctx.pathParam("id")));
    }

    void diff(Context ctx) {
        ServedRepo repo = locate(ctx);
        String id = ctx.pathParam("id");
        int from = (int) Params.integer(ctx, "from", 0, 0, Integer.MAX_VALUE);
        Integer to = ctx.queryParam("to") == null ? null : (int) Params.integer(ctx, "to", 0, 0, Integer.MAX_VALUE);
        int last = to != null ? to : repo.runs().show(id).summary().iteration();
        ctx.json(repo.runs().diff(id, from, last));
    }

    void pause(Context ctx) {
        ServedRepo repo = locate(ctx);
        String id = ctx.pathParam("id");
        repo.runs().pause(id, "api " + ctx.ip());
        ctx.status(202).json(new Accepted(id, repo.id(), repo.runs().show(id).summary().state(),
                "pause requested; the run pauses within a second and saves its state"));
    }

    void resume(Context ctx) {
        ServedRepo repo = locate(ctx);
        String id = ctx.pathParam("id");
        ResumeRun body = Json.body(ctx, ResumeRun.class, RESUME_SHAPE);
        Duration timeout = body.timeout() == null ? null : duration(body.timeout(), "timeout");
        Runs runs = repo.runs();
        Runs.Started started = runs.resume(id, new Runs.Resume(body.budgetUsd(), body.addBudgetUsd(), timeout,
                body.maxIterations()), env, settings -> sessions.open(repo.path(), settings, new EventBus()));
        registry.launch(repo, started);
        ctx.status(202).json(new Accepted(id, repo.id(), runs.show(id).summary().state(), "resumed"));
    }

    void rollback(Context ctx) {
        ServedRepo repo = locate(ctx);
        Rollback body = Json.body(ctx, Rollback.class, ROLLBACK_SHAPE);
        if (body.iteration() == null) {
            throw ProblemException.badRequest("name the iteration to roll back to; send " + ROLLBACK_SHAPE);
        }
        ctx.json(repo.runs().rollback(ctx.pathParam("id"), body.iteration(), Boolean.TRUE.equals(body.force())));
    }

    void start(Context ctx) {
        StartRun body = Json.body(ctx, StartRun.class, START_SHAPE);
        ServedRepo repo = repos.get(body.repo());
        Map<String, Object> flags = new HashMap<>();
        flags.put("model", body.model());
        flags.put("budget_usd", body.budgetUsd());
        flags.put("agents", body.agents());
        flags.put("max_iterations", body.maxIterations());
        flags.put("timeout", body.timeout());
        Runs runs = repo.runsCreating();
        Runs.Started started = runs.start(new Runs.StartArgs("POST /api/v1/runs", body.spec(), body.specPath(), "api",
                flags), env, settings -> sessions.open(repo.path(), settings, new EventBus()));
        registry.launch(repo, started);
        ctx.status(201).json(withRepo(Json.MAPPER.valueToTree(runs.show(started.runId())), repo));
    }

    private static Duration duration(String text, String field) {
        try {
            return dev.munero.engine.config.Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest(field + " must be a duration such as 90s, 30m or 2h, was '" + text
                    + "'");
        }
    }

    private ServedRepo locate(Context ctx) {
        return repos.holding(ctx.pathParam("id"), ctx.queryParam("repo"));
    }

    private static ObjectNode withRepo(ObjectNode node, ServedRepo repo) {
        return node.put("repo_id", repo.id());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
