package dev.munero.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One task an agent profile ran (table {@code agent_tasks}, issue 14): who took it, how it ended, what it cost and
 * changed, and whether the first checks after it passed.
 *
 * @param runId        the run
 * @param iteration    the iteration it ran in
 * @param task         the plan task's id
 * @param profile      the agent profile's name ({@code agent} for a run without profiles)
 * @param role         the profile's role
 * @param startedAt    when it was assigned
 * @param finishedAt   when its agent ended; empty while it runs
 * @param condition    the agent's stop condition ({@code finished}, {@code max-turns}, ...); empty while it runs
 * @param costUsd      what its model calls cost, USD; empty while it runs or when the price is unknown
 * @param durationMs   from assignment to end, milliseconds; empty while it runs
 * @param files        the files its commit changed, repository-relative; empty when none or unfinished
 * @param checksPassed whether the first checks that ran after it passed; empty until they ran
 */
public record AgentTaskRecord(String runId, int iteration, String task, String profile, String role,
                              Instant startedAt, Optional<Instant> finishedAt, Optional<String> condition,
                              OptionalDouble costUsd, OptionalLong durationMs, List<String> files,
                              Optional<Boolean> checksPassed) {
    public AgentTaskRecord {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(startedAt, "startedAt");
        files = List.copyOf(files);
    }
}
