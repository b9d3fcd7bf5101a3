package dev.munero.memory;

/**
 * Who wrote a memory entry: the agent, the task and the run, each absent ({@code null}) when not known (an entry a
 * user put from the command line has none).
 *
 * @param agent the agent's name ({@code coder}, {@code planner}, ...), or {@code null}
 * @param task  the task's id within its run, or {@code null}
 * @param run   the run's id, or {@code null}
 */
public record Author(String agent, String task, String run) {
    /** No author known. */
    public static final Author NONE = new Author(null, null, null);

    public Author {
        agent = blankToNull(agent, "agent");
        task = blankToNull(task, "task");
        run = blankToNull(run, "run");
    }

    private static String blankToNull(String value, String what) {
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("author " + what + " " + quoted(value) + " contains a control character");
        }
        return value;
    }

    static String quoted(String value) {
        return "'" + value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "'";
    }

    /** A short description for messages: {@code agent coder, task t3, run r1}, or {@code no recorded author}. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        if (agent != null) {
            out.append("agent ").append(agent);
        }
        if (task != null) {
            out.append(out.isEmpty() ? "" : ", ").append("task ").append(task);
        }
        if (run != null) {
            out.append(out.isEmpty() ? "" : ", ").append("run ").append(run);
        }
        return out.isEmpty() ? "no recorded author" : out.toString();
    }
}
