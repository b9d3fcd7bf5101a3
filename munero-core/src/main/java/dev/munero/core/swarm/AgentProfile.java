package dev.munero.core.swarm;

import java.util.List;
import java.util.Objects;

/**
 * An agent profile (issue 14): who can take a task. Declared in munero.yaml's {@code agents:} section; without one, a
 * run has the single {@link #DEFAULT} profile, which is today's behaviour (every task to one kind of agent, as many
 * at once as {@code --agents}).
 *
 * @param name          unique in the run, e.g. {@code coder-1}; shown in events and {@code munero agents}
 * @param role          planner, coder, tester, reviewer, or a user-defined word
 * @param model         the model its agents use (e.g. {@code claude-sonnet-4-5}); null for the run's model
 * @param tools         the tool names its agents may use (e.g. {@code read_file}, {@code mcp__fs__read}); empty for all
 * @param skills        tags matched against a task's skills (e.g. {@code java}, {@code parser}); may be empty
 * @param maxConcurrent the most tasks it runs at once, at least 1
 * @param source        where it was declared, for messages (e.g. {@code munero.yaml:42}; {@code default})
 * @param worker        who executes its tasks (issue 15): {@code agent} or a CLI worker ({@code claude-code},
 *                      {@code codex}, {@code gemini}); null for the run's worker ({@code run: worker}, {@code --worker})
 */
public record AgentProfile(String name, String role, String model, List<String> tools, List<String> skills,
                           int maxConcurrent, String source, String worker) {
    /** The profile of a run without an {@code agents:} section: any task, the run's model and tools. */
    public static final AgentProfile DEFAULT = new AgentProfile("agent", "coder", null, List.of(), List.of(),
            Integer.MAX_VALUE, "default");

    /**
     * @throws NullPointerException     when name, role, a list or source is null
     * @throws IllegalArgumentException when name or role is blank or maxConcurrent is below 1
     */
    public AgentProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(source, "source");
        tools = List.copyOf(tools);
        skills = List.copyOf(skills);
        if (name.isBlank() || role.isBlank()) {
            throw new IllegalArgumentException("an agent profile needs a name and a role");
        }
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("agent profile " + name + ": maxConcurrent must be at least 1, was "
                    + maxConcurrent);
        }
    }

    /** A profile that takes the run's worker. */
    public AgentProfile(String name, String role, String model, List<String> tools, List<String> skills,
                        int maxConcurrent, String source) {
        this(name, role, model, tools, skills, maxConcurrent, source, null);
    }

    /** Who executes its tasks: its own {@link #worker()}, else {@code runWorker}. */
    public String workerOr(String runWorker) {
        return worker == null ? runWorker : worker;
    }

    /** Whether its agents may use the tool {@code name}. */
    public boolean allows(String toolName) {
        return tools.isEmpty() || tools.contains(toolName);
    }
}
