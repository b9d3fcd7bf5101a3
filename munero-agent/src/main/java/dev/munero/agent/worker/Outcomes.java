package dev.munero.agent.worker;

import java.util.OptionalInt;

/**
 * Exit code × final event → {@link WorkerOutcome}. The table (first match wins):
 * <ol>
 *   <li>Munero killed it for silence → {@code HUNG};</li>
 *   <li>Munero killed it for the budget or the timeout → {@code LIMIT};</li>
 *   <li>the final event said success: exit 0, or killed after the grace that follows the final event (a process
 *       that never exits after {@code result}, anthropics/claude-code#25629) → {@code FINISHED}; any other exit code
 *       → {@code ERROR} (the CLI contradicted itself);</li>
 *   <li>the final event said the CLI's own limit → {@code LIMIT}; an error → {@code ERROR};</li>
 *   <li>no final event, whatever the exit code (a stream that stopped without {@code result},
 *       anthropics/claude-code#39700, #1920; a crash; a signal) → {@code CRASHED}.</li>
 * </ol>
 */
final class Outcomes {
    private Outcomes() {
    }

    /** Why Munero killed the process tree, if it did. */
    enum Kill { NONE, INACTIVITY, BUDGET, TIMEOUT, AFTER_FINAL }

    static WorkerOutcome classify(OptionalInt exitCode, Kill kill, StreamState.Final verdict) {
        return switch (kill) {
            case INACTIVITY -> WorkerOutcome.HUNG;
            case BUDGET, TIMEOUT -> WorkerOutcome.LIMIT;
            case NONE, AFTER_FINAL -> switch (verdict) {
                case SUCCESS -> kill == Kill.AFTER_FINAL || exitCode.orElse(-1) == 0
                        ? WorkerOutcome.FINISHED : WorkerOutcome.ERROR;
                case LIMIT -> WorkerOutcome.LIMIT;
                case ERROR -> WorkerOutcome.ERROR;
                case NONE -> WorkerOutcome.CRASHED;
            };
        };
    }
}
