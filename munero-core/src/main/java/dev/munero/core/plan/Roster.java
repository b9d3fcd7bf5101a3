package dev.munero.core.plan;

import java.util.List;
import java.util.Objects;

/**
 * The agent profiles as the planner sees them (issue 14): with members, the {@code submit_plan} tool asks for each
 * task's {@code role} (one of {@link #taskRoles()}) and {@code skills}, and the planning request lists the members;
 * {@link #NONE} (a run without {@code agents:} in munero.yaml) leaves the tool and the request exactly as without
 * profiles.
 *
 * @param members the profiles in declaration order
 */
public record Roster(List<Member> members) {
    /** No profiles: plans are not tagged. */
    public static final Roster NONE = new Roster(List.of());

    /**
     * One agent profile.
     *
     * @param role   planner, coder, tester, reviewer or a user-defined word
     * @param skills its tags; may be empty
     */
    public record Member(String name, String role, List<String> skills) {
        public Member {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            skills = List.copyOf(skills);
        }
    }

    public Roster {
        members = List.copyOf(members);
    }

    /** Whether the run has no profiles (plans are not tagged). */
    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** Whether {@code role} takes tasks from the scheduler: every role but planner and reviewer. */
    public static boolean takesTasks(String role) {
        return !role.equals("planner") && !role.equals("reviewer");
    }

    /** The members' roles that take tasks, each once, in declaration order: what a task's role may be. */
    public List<String> taskRoles() {
        return members.stream().map(Member::role).filter(Roster::takesTasks).distinct().toList();
    }
}
