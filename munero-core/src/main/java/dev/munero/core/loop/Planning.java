package dev.munero.core.loop;

import dev.munero.core.Checks;
import dev.munero.core.PlanJson;
import dev.munero.core.events.RunEvent;
import dev.munero.core.plan.Plan;
import dev.munero.core.plan.Planner;
import dev.munero.core.plan.PlanningException;
import dev.munero.engine.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/**
 * The plan phase: when the run has no plan yet, one planning conversation (scope {@code plan}) turns the spec,
 * the worktree's build steps, its files and the lessons that concern the spec into the first plan
 * ({@code plan_accepted}, iteration 1). A run that already has a plan (a resume) is not planned again.
 *
 * <p>Not thread-safe: the session's thread runs it.
 */
public final class Planning {
    /** Files the planner sees at most. */
    private static final int MAX_FILES = 300;

    private final RunContext ctx;
    private final ScopedModels models;
    private final Lessons lessons;

    Planning(RunContext ctx, ScopedModels models, Lessons lessons) {
        this.ctx = ctx;
        this.models = models;
        this.lessons = lessons;
    }

    /**
     * Plans the run unless it has a plan.
     *
     * @throws PlanningException when the model gave no valid plan
     * @throws ConfigException when the worktree's {@code munero.yaml} is invalid
     * @throws IOException when the worktree cannot be listed
     * @throws InterruptedException when the run must stop while waiting for the model
     */
    void planIfNone() throws PlanningException, InterruptedException, ConfigException, IOException {
        if (ctx.run.plan != null) {
            return;
        }
        ctx.phase("planning", 0);
        Planner planner = new Planner(models.forScope("plan", models.planner()), ctx.limits.maxOutputTokens(),
                dev.munero.core.swarm.AgentProfiles.roster(ctx.profiles()));
        Plan plan = planner.plan(ctx.run.spec, Checks.steps(ctx.worktree), files(ctx.worktree), lessons.forChecks());
        ctx.emit(new RunEvent.PlanAccepted(1, PlanJson.toMap(plan), 1, false, List.of()));
        ctx.run.plan = plan;
        ctx.run.planIteration = 1;
    }

    /**
     * The worktree's files (what the planner sees), sorted, without {@code .git} and {@code .munero/}, at most
     * {@value #MAX_FILES}: the local loop's and a distributed run's ({@code core.remote}) alike.
     *
     * @throws IOException when the worktree cannot be listed
     */
    public static List<String> files(java.nio.file.Path worktree) throws IOException {
        try (var paths = Files.walk(worktree)) {
            return paths.filter(Files::isRegularFile)
                    .map(p -> worktree.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith(".git") && !p.startsWith(".munero/")).sorted().limit(MAX_FILES).toList();
        }
    }
}
