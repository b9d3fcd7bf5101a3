package dev.munero.agent.worker;

import dev.munero.llm.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * How a worker's task ended. A worker saying it finished is not success: the caller's checks decide.
 *
 * @param outcome    how it ended
 * @param summary    the worker's final text (Claude Code's {@code result}, Codex's last agent message, Gemini's
 *                   assistant text), "" when none
 * @param detail     what the outcome was about, for the user (e.g. "no event for 10m; killed the process tree")
 * @param usage      tokens: uncached input, output, cache write, cache read
 * @param costUsd    the task's cost in USD; empty when unknown ({@link CostSource#UNPRICED})
 * @param costSource where {@code costUsd} comes from
 * @param turns      the worker's turns (model calls for Claude Code's {@code num_turns}; Codex and Gemini: turns
 *                   or model calls seen)
 * @param sessionId  the CLI's session id, to resume it; empty when the stream never named one
 * @param exitCode   the process's exit code; empty when Munero killed it or it never started
 * @param stdout     the kept stdout (the JSONL stream); empty for the built-in agent
 * @param stderr     the kept stderr; empty for the built-in agent
 * @param malformed  stream lines that were not JSON objects (kept in {@code stdout}, skipped)
 * @param duration   wall time
 */
public record WorkerResult(WorkerOutcome outcome, String summary, String detail, Usage usage, OptionalDouble costUsd,
                           CostSource costSource, int turns, Optional<String> sessionId, OptionalInt exitCode,
                           Optional<Path> stdout, Optional<Path> stderr, int malformed, Duration duration) {
}
