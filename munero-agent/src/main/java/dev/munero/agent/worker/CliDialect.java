package dev.munero.agent.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What differs between coding-agent CLIs: the command line, the environment, the files in the CLI's own home, and
 * the stream's events. {@link CliWorker} does everything else (start, sandbox, watchdog, budget, kill, outcome).
 * Implementations are stateless and thread-safe.
 */
interface CliDialect {

    /** The worker's name, e.g. {@code claude-code}. */
    String name();

    /** The program's name on {@code PATH}, e.g. {@code claude}. */
    String program();

    /** The provider prefix that prices its usage in Munero's model table, e.g. {@code anthropic}. */
    String pricingProvider();

    /** The variable that must hold the CLI's API key, e.g. {@code ANTHROPIC_API_KEY}. */
    String keyVariable();

    /** Whether the prompt goes to the CLI's standard input (else it is on the command line and stdin is empty). */
    boolean promptOnStdin();

    /** The command line for {@code task}, program first ({@code executable}). */
    List<String> command(Path executable, WorkerTask task);

    /**
     * The CLI's whole environment: only what it needs, taken from {@code task.env()} (its key, its base URL,
     * {@code PATH}), with {@code HOME} set to the task's home.
     */
    Map<String, String> environment(WorkerTask task);

    /** Writes the CLI's own configuration into the task's home (created), before the start. */
    void prepareHome(WorkerTask task) throws IOException;

    /** A parser for one stream. */
    StreamParser parser();
}
