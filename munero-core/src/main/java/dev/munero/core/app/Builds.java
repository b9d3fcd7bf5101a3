package dev.munero.core.app;

import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine's use cases for one workspace, as one method each: build targets, show the task graph, explain a step,
 * read build reports and step logs. Records in, records out, {@link AppException} for every failure a user can
 * cause or fix (an unknown target, a bad {@code munero.yaml} with its file:line problems, a cycle with its members).
 *
 * <p>SKELETON (branch api): the signatures are the contract the front ends code against; h/core-builds fills in
 * the bodies and may add methods, but changes a signature only together with its callers.
 *
 * <p>Thread-safe; a build holds the workspace's build lock ({@code .munero/build.lock}) while it runs, so two
 * builds of one workspace (from the server and a terminal) run one after the other.
 */
public final class Builds {
    private Builds() {
    }

    /**
     * The workspace at (or above) {@code dir}.
     *
     * @throws AppException NOT_FOUND when {@code dir} does not exist
     */
    public static Builds of(Path dir) {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /** The workspace root, absolute. */
    public Path root() {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /**
     * Builds {@code request.targets()} (empty: the default targets) and returns the report, also written to
     * {@code .munero/reports/}. A failed step is a result, not an exception.
     *
     * @param listener sees every step start and finish (the console, a WebSocket, metrics); may be
     *                 {@link BuildListener} no-op
     * @throws AppException INVALID for an unknown target or a bad configuration (the message lists each problem
     *                      with file:line); UNAVAILABLE when the cache or state folder cannot be written
     */
    public BuildReport build(BuildRequest request, BuildListener listener) {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /**
     * The task graph of the selected targets (empty: all steps).
     *
     * @throws AppException INVALID for an unknown target or a bad configuration
     */
    public Graph graph(List<String> targets) {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /** The graph rendered as {@code dot} or {@code mermaid} text. @throws AppException INVALID for another format */
    public String render(Graph graph, String format) {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /**
     * Why a step would run or hit the cache now: its cache key and the inputs that make it.
     *
     * @throws AppException NOT_FOUND for an unknown step (the message names close matches)
     */
    public Explanation explain(String step) {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /** The newest build report, if any build has run here. */
    public Optional<BuildReport> latestReport() {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /** Build reports, newest first, at most {@code limit}. */
    public List<BuildReport> reports(int limit) {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /**
     * A step's log from a build.
     *
     * @param buildId   a {@link BuildReport#runId()}
     * @param tailBytes at most this many bytes from the end (0: all)
     * @throws AppException NOT_FOUND when the build or the step's log does not exist
     */
    public String stepLog(String buildId, String step, long tailBytes) {
        throw new UnsupportedOperationException("h/core-builds");
    }

    /**
     * What to build.
     *
     * @param targets  step names or patterns as {@code munero build} takes them; empty for the default
     * @param jobs     parallel steps; null for the workspace's setting or the number of cores
     * @param env      the environment steps see (the caller's, never Munero's own)
     */
    public record BuildRequest(List<String> targets, Integer jobs, boolean keepGoing, boolean force,
                               boolean useCache, Map<String, String> env) { }

    /** A task graph: its steps and the edges {@code from} depends on {@code to}. */
    public record Graph(List<Node> nodes, List<Edge> edges) { }

    /** One step of a graph: its name, package directory (relative, may be empty) and command. */
    public record Node(String name, String packageDir, String command, List<String> dependsOn) { }

    /** {@code from} needs {@code to} first. */
    public record Edge(String from, String to) { }

    /**
     * Why a step runs or is cached.
     *
     * @param cacheKey the key it would have now (hex)
     * @param cached   whether an entry for that key is in the cache
     * @param inputs   what went into the key, in order ({@code command}, {@code env:NAME}, {@code file:PATH}...),
     *                 each with its hash
     */
    public record Explanation(String step, String cacheKey, boolean cached, List<Map.Entry<String, String>> inputs,
                              List<String> dependsOn) { }
}
