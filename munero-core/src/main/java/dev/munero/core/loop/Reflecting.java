package dev.munero.core.loop;

import dev.munero.core.PlanJson;
import dev.munero.core.events.RunEvent;
import dev.munero.core.plan.CheckFailure;
import dev.munero.core.plan.Lesson;
import dev.munero.core.plan.Plan;
import dev.munero.core.plan.PlanTask;
import dev.munero.core.plan.Planner;
import dev.munero.core.plan.PlanningException;
import dev.munero.core.plan.Reflection;
import java.util.ArrayList;
import java.util.List;

/**
 * The reflect phase, after an iteration whose checks failed: one call (scope {@code reflect:<iteration>}) turns
 * the failures into lessons ({@code lesson_recorded}; also kept in the memory bank as entries of kind
 * {@code lesson}, in the namespace {@link Lessons#namespace()} names) and a revised plan for the next iteration
 * ({@code plan_accepted} with the tasks to redo): each revised or new task replaces the task of the same id or is
 * added; without any, one {@code fix-<N+1>} task naming the failed checks is added.
 *
 * <p>Not thread-safe: the session's thread runs it.
 */
final class Reflecting {
    private final RunContext ctx;
    private final ScopedModels models;
    private final Lessons lessons;

    Reflecting(RunContext ctx, ScopedModels models, Lessons lessons) {
        this.ctx = ctx;
        this.models = models;
        this.lessons = lessons;
    }

    /**
     * Reflects on iteration {@code iteration}'s failed checks and revises the plan for the next one.
     *
     * @param failures the failed checks, not empty
     * @throws PlanningException when the model gave no valid reflection
     * @throws InterruptedException when the run must stop while waiting for the model
     */
    void reflect(int iteration, List<CheckFailure> failures) throws PlanningException, InterruptedException {
        LoopState run = ctx.run;
        Planner reflector = new Planner(models.forScope("reflect:" + iteration, models.planner()), ctx.limits.maxOutputTokens());
        Reflection reflection = reflector.reflect(run.spec, run.plan, List.copyOf(run.done), failures,
                lessons.forChecks());
        lessons.keep(iteration, reflection.lessons());
        for (int i = 0; i < reflection.lessons().size(); i++) {
            Lesson l = reflection.lessons().get(i);
            ctx.emit(new RunEvent.LessonRecorded(iteration, i, l.check(), l.whatFailed(), l.why(), l.fix(),
                    l.files()));
        }
        List<PlanTask> tasks = new ArrayList<>(run.plan.tasks());
        List<String> redo = new ArrayList<>();
        List<PlanTask> changes = reflection.tasksOrFix(iteration, failures);
        for (PlanTask change : changes) {
            int at = indexOf(tasks, change.id());
            if (at >= 0) {
                tasks.set(at, change);
            } else {
                tasks.add(change);
            }
            redo.add(change.id());
        }
        Plan revised = run.plan.withTasks(tasks);
        run.done.removeAll(redo); // before the event: the projection counts what is left
        run.plan = revised;
        ctx.emit(new RunEvent.PlanAccepted(iteration + 1, PlanJson.toMap(revised), 1, true, redo));
        run.planIteration = iteration + 1;
    }

    private static int indexOf(List<PlanTask> tasks, String id) {
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }
}
