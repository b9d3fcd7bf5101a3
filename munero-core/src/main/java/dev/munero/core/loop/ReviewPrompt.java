package dev.munero.core.loop;

import dev.munero.agent.tools.Tool;
import dev.munero.core.plan.Plan;
import dev.munero.core.plan.PlanTask;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The texts of a review (issue 14): the reviewer agent's system prompt and first message (the spec, the task, the
 * acceptance checks, the comments of earlier rounds and the task's diff), and the feedback section appended to the
 * task agent's prompt when the reviewer sent the work back.
 *
 * <p>They hold no time, id or absolute path, so a resumed run's review requests have the digests of the first
 * session's and are answered from the store. A change to them makes replays of older recordings with a reviewer
 * miss. Thread-safe (pure functions).
 */
final class ReviewPrompt {
    /** The most characters of the diff the reviewer is shown; it reads the files for the rest. */
    static final int MAX_DIFF_CHARS = 40_000;

    private ReviewPrompt() {
    }

    /** The reviewer's system prompt, naming its tools. */
    static String system(List<Tool> tools) {
        return """
                You are the reviewer of a build manager's coding agents. One agent has just worked on one task of a \
                plan; its change is not committed yet. Decide whether the change does the task.

                How to review:
                - Read the task and its diff. Look at the code around the change with read_file, list_files, glob \
                and grep when the diff alone does not tell you. You cannot change files or run commands.
                - Approve when the change does what the task asks, fits the code around it and breaks nothing you \
                can see. The acceptance checks (build steps) run after you; do not reject only because you could \
                not run them, nor for matters of taste.
                - Reject when the change misses part of the task, is wrong, breaks other code, or edits what the \
                task should not touch. Your comments go to the task's agent as they are: name the file and the \
                symbol or line, say what is wrong and what to do.
                - End by calling submit_review once, with approved and comments.

                Tools: """ + tools.stream().map(Tool::name).collect(Collectors.joining(", ")) + ".\n";
    }

    /**
     * The reviewer's first message.
     *
     * @param round   this review's round, from 1
     * @param rounds  the most rounds the task gets
     * @param earlier the comments of the earlier rounds' rejections, oldest first; empty in round 1
     * @param diff    the task's uncommitted change against the last commit, a unified diff; may be empty
     */
    static String request(String spec, Plan plan, PlanTask task, int round, int rounds, List<String> earlier,
                          String diff) {
        StringBuilder p = new StringBuilder();
        p.append("The spec the run works towards:\n\n").append(spec.strip())
                .append("\n\nTask under review (id ").append(task.id()).append("):\n")
                .append(task.description().strip()).append('\n');
        if (!task.files().isEmpty()) {
            p.append("\nFiles it was expected to touch: ").append(String.join(", ", task.files())).append('\n');
        }
        p.append("\nThe acceptance checks are the build steps ").append(TaskPrompt.checks(plan))
                .append("; other agents may do the rest of the plan.\n");
        p.append("\nThis is review round ").append(round).append(" of at most ").append(rounds).append('.');
        if (round == rounds) {
            p.append(" It is the last: after it the change is kept whatever you decide, and the checks judge it.");
        }
        p.append('\n');
        for (int i = 0; i < earlier.size(); i++) {
            p.append("\nIn round ").append(i + 1).append(" the change was sent back with these comments:\n")
                    .append(earlier.get(i).strip()).append('\n');
        }
        if (diff.isBlank()) {
            p.append("\nThe agent changed no file.\n");
        } else {
            p.append("\nThe change (git diff against the last commit, new files included):\n\n")
                    .append(diff.length() <= MAX_DIFF_CHARS ? diff : diff.substring(0, MAX_DIFF_CHARS)
                            + "\n[the diff is cut here: " + (diff.length() - MAX_DIFF_CHARS)
                            + " more characters; read the changed files for the rest]\n");
        }
        p.append("\nReview it and call submit_review.\n");
        return p.toString();
    }

    /**
     * The section appended to the task's prompt for the agent's next session after a rejection.
     *
     * @param round    the review round that rejected the change
     * @param comments the reviewer's comments, not blank
     */
    static String feedback(int round, String comments) {
        return "\nA reviewer read your change for this task (review round " + round + ") and sent it back. Your "
                + "earlier changes are still in the workspace, not committed. Address these comments, keep what is "
                + "right, check your work, and call finish again:\n" + comments.strip() + "\n";
    }
}
