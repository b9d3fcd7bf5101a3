package dev.munero.server;

import io.javalin.http.Context;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.util.List;

/**
 * The WebSocket routes: {@code /api/v1/runs/{id}/events} (a run's log, then live, through the {@link RunFollower})
 * and {@code /api/v1/builds/{id}/events} (a build this server runs). The request is checked before the upgrade
 * (a bad {@code since}, an unknown run or build: a problem+json answer, no upgrade); then each connection is an
 * {@link EventConnection}. Thread-safe.
 */
final class Streams {
    private static final String CONNECTION = "munero.connection";

    private final Repos repos;
    private final RunFollower follower;
    private final BuildJobs jobs;
    private final List<StreamObserver> observers;
    private final int capacity;
    private final long heartbeatMillis;
    private final long slowAfterMillis;
    private final java.io.PrintStream log;

    Streams(Repos repos, RunFollower follower, BuildJobs jobs, List<StreamObserver> observers, int capacity,
            long heartbeatMillis, long slowAfterMillis, java.io.PrintStream log) {
        this.slowAfterMillis = slowAfterMillis;
        this.log = log;
        this.repos = repos;
        this.follower = follower;
        this.jobs = jobs;
        this.observers = List.copyOf(observers);
        this.capacity = capacity;
        this.heartbeatMillis = heartbeatMillis;
    }

    /** Checks a run stream's request before the upgrade. @throws ProblemException / AppException to refuse it */
    void checkRun(Context ctx) {
        Params.integer(ctx, "since", 0, 0, Long.MAX_VALUE);
        repos.holding(ctx.pathParam("id"), ctx.queryParam("repo"));
    }

    /** Checks a build stream's request before the upgrade. */
    void checkBuild(Context ctx) {
        Params.integer(ctx, "since", 0, 0, Long.MAX_VALUE);
        String id = ctx.pathParam("id");
        if (jobs.get(id).isEmpty()) {
            throw ProblemException.notFound("build " + id + " was not started by this server, so it has no event "
                    + "stream; GET /api/v1/builds/" + id + " gives its report");
        }
    }

    void runs(WsConfig ws) {
        ws.onConnect(ctx -> {
            String id = ctx.pathParam("id");
            ServedRepo repo = repos.holding(id, ctx.queryParam("repo"));
            EventConnection c = new EventConnection(ctx, follower.source(repo, id), since(ctx), capacity,
                    heartbeatMillis, slowAfterMillis, log);
            ctx.attribute(CONNECTION, c);
            follower.subscribe(repo, id, c);
            opened("runs");
            c.start(() -> follower.unsubscribe(repo, id, c));
        });
        ws.onClose(ctx -> closed(ctx, "runs", ctx.status()));
        ws.onError(ctx -> closed(ctx, "runs", 1011));
    }

    void builds(WsConfig ws) {
        ws.onConnect(ctx -> {
            BuildJobs.Job job = jobs.get(ctx.pathParam("id")).orElseThrow();
            EventConnection c = new EventConnection(ctx, job, since(ctx), capacity, heartbeatMillis, slowAfterMillis,
                    log);
            ctx.attribute(CONNECTION, c);
            job.subscribe(c);
            opened("builds");
            c.start(() -> job.unsubscribe(c));
        });
        ws.onClose(ctx -> closed(ctx, "builds", ctx.status()));
        ws.onError(ctx -> closed(ctx, "builds", 1011));
    }

    private static long since(WsContext ctx) {
        String s = ctx.queryParam("since");
        return s == null || s.isBlank() ? 0 : Long.parseLong(s.strip());
    }

    private void opened(String kind) {
        observers.forEach(o -> o.clientOpened(kind));
    }

    private void closed(WsContext ctx, String kind, int code) {
        EventConnection c = ctx.attribute(CONNECTION);
        if (c != null && c.markClosed()) {
            observers.forEach(o -> o.clientClosed(kind, code));
        }
    }
}
