package dev.munero.core.loop;

import dev.munero.core.plan.Lesson;
import dev.munero.core.plan.Plan;
import dev.munero.core.plan.PlanTask;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The first message of a task's agent: the spec, the task (its id, description and likely files), the acceptance
 * checks, what to do and not to do, and the lessons of earlier failures that concern the task.
 *
 * <p>Its text is part of every recorded request of the task, so a change to it makes replays of older recordings
 * miss. Thread-safe (a pure function).
 */
public final class TaskPrompt {
    private TaskPrompt() {
    }

    /** The prompt for {@code task} of {@code plan}, towards {@code spec}, with {@code lessons} (may be empty). */
    public static String of(String spec, Plan plan, PlanTask task, List<Lesson> lessons) {
        StringBuilder p = new StringBuilder();
        p.append("You are one of the coding agents of a build manager working towards this spec:\n\n")
                .append(spec.strip()).append("\n\nYour task (id ").append(task.id()).append("):\n")
                .append(task.description().strip()).append('\n');
        if (!task.files().isEmpty()) {
            p.append("\nFiles it likely touches: ").append(String.join(", ", task.files())).append('\n');
        }
        p.append("\nThe acceptance checks are the build steps ").append(checks(plan))
                .append("; other agents may do the rest of the plan. Do only this task, keep the build green, "
                        + "and call finish with a short summary when it is done.\n");
        if (!lessons.isEmpty()) {
            p.append("\nLessons from earlier failures in this repository:\n");
            lessons.forEach(l -> p.append("- ").append(l.check()).append(": ").append(l.whatFailed()).append(" — ")
                    .append(l.why()).append(" Fix: ").append(l.fix()).append('\n'));
        }
        return p.toString();
    }

    /** The plan's checks as the prompts list them: {@code name (`command`), name}. */
    static String checks(Plan plan) {
        return plan.checks().stream().map(c -> c.name() + c.run().map(r -> " (`" + r + "`)").orElse(""))
                .collect(Collectors.joining(", "));
    }
}
