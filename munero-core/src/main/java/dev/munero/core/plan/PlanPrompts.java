package dev.munero.core.plan;

import java.util.List;
import java.util.Set;

/**
 * The planner's prompts. They are built only from their arguments, in the order given (no time, no counters, no
 * hash-ordered collections), so the same inputs give the same requests: a resumed run answers them from the store
 * by their digest.
 */
final class PlanPrompts {
    /** The most repository files listed; the rest are counted. */
    static final int MAX_FILES = 300;
    /** The most characters of a failure's log tail shown (its end). */
    static final int MAX_LOG_CHARS = 6_000;

    static final String PLAN_SYSTEM = """
            You are the planner of Munero, a build manager that turns a specification into working code in an \
            existing repository. Coding agents carry out the tasks of your plan; then Munero runs the plan's checks, \
            and the work is done when every check passes.

            How to plan:
            - Tasks are small: each one is done by one coding agent in one session, alone, so it must be doable \
            without the others' unfinished work and without seeing the other tasks. Its description says what to \
            build or change, which behaviour of the specification it covers, and how the agent can tell it is \
            done (the tests to add or run). Prefer several focused tasks to one large one; no task that only reads, \
            plans or reviews.
            - files: the files the task will create or change, relative to the repository root.
            - Ids are short, lowercase letters, digits and hyphens (e.g. parse-config), unique.
            - depends_on: the tasks whose results a task needs. Tasks that do not depend on each other may run at \
            the same time, so two tasks that change the same file should depend one on the other. No cycles.
            - checks: the acceptance criteria of the specification, each something that exits 0 exactly when its \
            criterion is met. A check without run is one of the repository's build steps (listed below), by name. \
            A check with run is a new name and a shell command run in the repository root, for what no step \
            covers (a task may add the script or tests it runs). Prefer the existing steps.
            - Lessons from earlier runs, when there are any, say what went wrong before: plan so it does not \
            happen again.

            Answer by calling submit_plan once with the whole plan. Only that call is read: text outside it is \
            ignored.
            """;

    static final String REFLECT_SYSTEM = """
            You are the planner of Munero, a build manager that turns a specification into working code in an \
            existing repository. Coding agents carried out the tasks of your plan, and some of its checks failed. \
            Find out why, and replan.

            How to reflect:
            - analysis: what the failures show, in a few sentences.
            - lessons: one for each failed check: the check, what failed (the error, the failing tests), why (the \
            root cause, not the symptom), the fix, and the files involved. Lessons are kept and shown to later \
            planners and agents, so write each one so that it helps without this conversation.
            - tasks: the work that makes the checks pass. To have a task done again, send it with its id and a \
            revised description that says what to change and why; to add work, use a new id. depends_on may name \
            any task of the plan or of your answer. Tasks you do not send stay as they are. Each task is done by \
            one coding agent in one session, alone, as in the plan.

            Answer by calling submit_reflection once. Only that call is read: text outside it is ignored.
            """;

    private PlanPrompts() {
    }

    static String planRequest(String spec, List<StepInfo> steps, List<String> files, List<Lesson> lessons) {
        return planRequest(spec, steps, files, lessons, Roster.NONE);
    }

    /** The planning request; with a roster's members, a section lists them and asks for each task's role and skills. */
    static String planRequest(String spec, List<StepInfo> steps, List<String> files, List<Lesson> lessons,
                              Roster roster) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Specification\n\n").append(spec.strip()).append("\n\n# Build steps of the repository\n\n");
        if (steps.isEmpty()) {
            sb.append("The repository has no build steps: every check needs a run command.\n");
        } else {
            sb.append("A check without run names one of these.\n\n");
            for (StepInfo step : steps) {
                sb.append("- ").append(step.name());
                if (!step.command().isBlank()) {
                    sb.append(": `").append(step.command().strip()).append('`');
                }
                if (!step.dependsOn().isEmpty()) {
                    sb.append(" (after ").append(String.join(", ", step.dependsOn())).append(')');
                }
                sb.append('\n');
            }
        }
        appendFiles(sb, files);
        appendLessons(sb, lessons);
        appendRoster(sb, roster);
        sb.append("\nCall submit_plan with the plan.");
        return sb.toString();
    }

    static String reflectRequest(String spec, Plan plan, Set<String> done, List<CheckFailure> failures,
                                 List<Lesson> lessons) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Specification\n\n").append(spec.strip()).append("\n\n# The plan\n\n")
                .append(plan.summary().strip()).append("\n\nTasks:\n");
        for (PlanTask task : plan.tasks()) {
            sb.append("- ").append(task.id()).append(done.contains(task.id()) ? " (done)" : " (not done)")
                    .append(": ").append(task.description().strip()).append('\n');
            if (!task.files().isEmpty()) {
                sb.append("  files: ").append(String.join(", ", task.files())).append('\n');
            }
            if (!task.dependsOn().isEmpty()) {
                sb.append("  depends on: ").append(String.join(", ", task.dependsOn())).append('\n');
            }
        }
        sb.append("\nChecks:\n");
        for (Check check : plan.checks()) {
            sb.append("- ").append(check.name()).append(check.run().map(run -> ": `" + run.strip() + "`")
                    .orElse(" (build step)")).append('\n');
        }
        sb.append("\n# Failures\n");
        for (CheckFailure failure : failures) {
            sb.append("\n## ").append(failure.step()).append(failure.exitCode().isPresent()
                    ? " (exit code " + failure.exitCode().getAsInt() + ")" : " (no exit code)").append('\n');
            if (!failure.failingTests().isEmpty()) {
                sb.append("\nFailing tests: ").append(String.join(", ", failure.failingTests())).append('\n');
            }
            if (!failure.logTail().isBlank()) {
                sb.append("\nEnd of the log:\n\n").append(fenced(tail(failure.logTail()))).append('\n');
            }
        }
        appendLessons(sb, lessons);
        sb.append("\nCall submit_reflection with the analysis, the lessons and the tasks.");
        return sb.toString();
    }

    private static void appendRoster(StringBuilder sb, Roster roster) {
        if (roster.isEmpty()) {
            return;
        }
        sb.append("\n# Agent profiles\n\nThe tasks are done by these agents. Give each task the role of the agent "
                + "that should do it (").append(String.join(", ", roster.taskRoles())).append(") and the skills it "
                + "needs; a task goes to the free agent of that role whose skills match best.\n\n");
        for (Roster.Member m : roster.members()) {
            sb.append("- ").append(m.name()).append(": role ").append(m.role());
            if (!Roster.takesTasks(m.role())) {
                sb.append(" (takes no tasks)");
            }
            if (!m.skills().isEmpty()) {
                sb.append(", skills ").append(String.join(", ", m.skills()));
            }
            sb.append('\n');
        }
    }

    private static void appendFiles(StringBuilder sb, List<String> files) {
        sb.append("\n# Files of the repository\n\n");
        if (files.isEmpty()) {
            sb.append("The repository has no files yet.\n");
            return;
        }
        List<String> sorted = files.stream().sorted().toList();
        sorted.subList(0, Math.min(MAX_FILES, sorted.size())).forEach(f -> sb.append(f).append('\n'));
        if (sorted.size() > MAX_FILES) {
            sb.append("(and ").append(sorted.size() - MAX_FILES).append(" more files)\n");
        }
    }

    private static void appendLessons(StringBuilder sb, List<Lesson> lessons) {
        if (lessons.isEmpty()) {
            return;
        }
        sb.append("\n# Lessons from earlier runs\n\n");
        for (Lesson lesson : lessons) {
            sb.append("- check ").append(lesson.check())
                    .append("\n  what failed: ").append(oneLine(lesson.whatFailed()))
                    .append("\n  why: ").append(oneLine(lesson.why()))
                    .append("\n  fix: ").append(oneLine(lesson.fix())).append('\n');
            if (!lesson.files().isEmpty()) {
                sb.append("  files: ").append(String.join(", ", lesson.files())).append('\n');
            }
        }
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The end of a log, at most {@link #MAX_LOG_CHARS}, saying how much was cut. */
    private static String tail(String log) {
        String stripped = log.stripTrailing();
        if (stripped.length() <= MAX_LOG_CHARS) {
            return stripped;
        }
        int cut = stripped.length() - MAX_LOG_CHARS;
        return "[" + cut + " earlier characters left out]\n" + stripped.substring(cut);
    }

    /** In a code fence longer than any run of backticks in the text, so the log cannot close it. */
    private static String fenced(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        return fence + "\n" + text + "\n" + fence;
    }
}
