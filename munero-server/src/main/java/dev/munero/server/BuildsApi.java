package dev.munero.server;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Builds;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.StepResult;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The handlers of the build routes ({@code /api/v1/builds}, {@code /api/v1/repos/{repo}/...}): each parses the
 * request, calls {@link Builds} (or the server's {@link BuildJobs}) and answers as JSON or text. Thread-safe.
 */
final class BuildsApi {
    static final String START_SHAPE = "{\"repo\": ID, \"targets\": [\"STEP\"...], \"jobs\": N, \"force\": false, "
            + "\"no_cache\": false, \"keep_going\": false} (all optional; repo when several are served)";

    private final Repos repos;
    private final BuildJobs jobs;
    private final Map<String, String> env;

    BuildsApi(Repos repos, BuildJobs jobs, Map<String, String> env) {
        this.repos = repos;
        this.jobs = jobs;
        this.env = Map.copyOf(env);
    }

    /** {@code POST /api/v1/builds}. */
    record StartBuild(String repo, List<String> targets, Integer jobs, Boolean force, Boolean noCache,
                      Boolean keepGoing) { }

    /**
     * A build as the API shows it.
     *
     * @param state      {@code running}, {@code passed}, {@code failed}, {@code cancelled}, or {@code error} (it
     *                   stopped before its report; {@code error} says why)
     * @param stepsTotal the steps it runs
     * @param steps      the steps finished so far (all of them once it ended)
     * @param report     its report once it ended, else null
     */
    record Build(String buildId, String repo, String state, int stepsTotal, List<StepResult> steps,
                 BuildReport report, String error) { }

    void start(Context ctx) {
        StartBuild body = Json.body(ctx, StartBuild.class, START_SHAPE);
        ServedRepo repo = repos.get(body.repo());
        if (body.jobs() != null && body.jobs() < 1) {
            throw ProblemException.badRequest("jobs must be at least 1, was " + body.jobs());
        }
        BuildJobs.Job job = jobs.start(repo, new Builds.BuildRequest(
                body.targets() == null ? List.of() : body.targets(), body.jobs(), body.keepGoing(),
                Boolean.TRUE.equals(body.force()), !Boolean.TRUE.equals(body.noCache()), false, null, env));
        ctx.status(202).json(view(job));
    }

    void show(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<BuildJobs.Job> job = jobs.get(id);
        if (job.isPresent()) {
            ctx.json(view(job.get()));
            return;
        }
        AppException last = null;
        for (ServedRepo repo : chosen(ctx)) {
            try {
                BuildReport r = repo.builds().report(id);
                ctx.json(new Build(id, repo.id(), r.status().name().toLowerCase(java.util.Locale.ROOT),
                        r.steps().size(), r.steps(), r, null));
                return;
            } catch (AppException e) {
                if (e.kind() != AppException.Kind.NOT_FOUND) {
                    throw e;
                }
                last = e;
            }
        }
        throw chosen(ctx).size() == 1 && last != null ? last : ProblemException.notFound("there is no build " + id
                + " in the served repositories' reports (.munero/reports/); GET /api/v1/repos/{repo}/builds/latest "
                + "gives the newest");
    }

    void stepLog(Context ctx) {
        String id = ctx.pathParam("id");
        String step = ctx.pathParam("step");
        long tail = Params.integer(ctx, "tail", 0, 0, Long.MAX_VALUE);
        List<ServedRepo> where = jobs.get(id).map(j -> List.of(j.repo)).orElseGet(() -> chosen(ctx));
        AppException last = null;
        for (ServedRepo repo : where) {
            try {
                ctx.contentType("text/plain; charset=utf-8").result(repo.builds().stepLog(id, step, tail));
                return;
            } catch (AppException e) {
                if (e.kind() != AppException.Kind.NOT_FOUND) {
                    throw e;
                }
                last = e;
            }
        }
        throw last != null ? last : ProblemException.notFound("there is no build " + id);
    }

    void latest(Context ctx) {
        ServedRepo repo = repos.get(ctx.pathParam("repo"));
        BuildReport r = repo.builds().latestReport().orElseThrow(() -> ProblemException.notFound("no build has run "
                + "in " + repo.id() + " yet (no report in .munero/reports/); start one with POST /api/v1/builds"));
        ctx.json(r);
    }

    void graph(Context ctx) {
        ServedRepo repo = repos.get(ctx.pathParam("repo"));
        String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json");
        Builds builds = repo.builds();
        Builds.Graph graph = builds.graph(Params.list(ctx, "targets"));
        switch (format) {
            case "json" -> ctx.json(graph);
            case "dot" -> ctx.contentType("text/vnd.graphviz; charset=utf-8").result(builds.render(graph, "dot"));
            case "mermaid" -> ctx.contentType("text/plain; charset=utf-8").result(builds.render(graph, "mermaid"));
            default -> throw ProblemException.badRequest("format must be json, dot or mermaid, was '" + format + "'");
        }
    }

    void explain(Context ctx) {
        ctx.json(repos.get(ctx.pathParam("repo")).builds().explain(ctx.pathParam("step")));
    }

    private List<ServedRepo> chosen(Context ctx) {
        String repo = ctx.queryParam("repo");
        return repo == null || repo.isBlank() ? repos.all() : List.of(repos.get(repo));
    }

    private static Build view(BuildJobs.Job job) {
        AppException e = job.error();
        return new Build(job.id(), job.repo.id(), job.state(), job.total(), job.finishedSteps(), job.report(),
                e == null ? null : e.getMessage());
    }
}
