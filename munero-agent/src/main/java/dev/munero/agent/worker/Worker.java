package dev.munero.agent.worker;

/**
 * Executes one task: the built-in agent ({@link AgentWorker}) or a coding-agent CLI run headless and supervised
 * ({@link CliWorker}: Claude Code, Codex, Gemini CLI).
 *
 * <p>Implementations are thread-safe: several tasks may run at once on one instance, each with its own
 * {@link WorkerTask} (its own home, log directory and workspace).
 */
public interface Worker {

    /** The worker's name as {@code --worker} takes it: {@code agent}, {@code claude-code}, {@code codex}, {@code gemini}. */
    String name();

    /**
     * Runs {@code task} to an outcome. Never throws for the worker's own failures (a crash, a hang, an error result,
     * a malformed stream): they are the result's {@link WorkerOutcome}.
     *
     * @param task     what to do, where, and within which limits
     * @param listener receives the mapped events, in order
     * @return how it ended
     * @throws java.io.IOException  when the home or log directory cannot be created or written
     * @throws InterruptedException when the calling thread is interrupted (the process tree is killed first)
     */
    WorkerResult run(WorkerTask task, WorkerListener listener) throws java.io.IOException, InterruptedException;
}
