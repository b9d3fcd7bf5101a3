package dev.munero.core.app;

import dev.munero.core.BuildManager;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The SPI through which the CLI reaches an optional module that runs {@code munero run} distributed over an
 * orchestration engine (issue 16.2: {@code munero-temporal}, name {@code temporal}). The module is not in
 * {@code munero.jar}; it registers its implementation in {@code META-INF/services/dev.munero.core.app.Distributed},
 * and {@link #find} finds it on Munero's class path ({@link ServiceLoader}).
 *
 * <p>Implementations are thread-safe and cheap to construct.
 */
public interface Distributed {
    /** The engine's name, as {@code MUNERO_WITH} names its module: {@code temporal}. */
    String name();

    /**
     * Follows a run made like a local run ({@link Runs#start(Runs.Start, BuildManager.Session, Follower)}): hands
     * its branch to the engine, starts its workflow, mirrors the workflow's events into the run's store and console,
     * and returns how the run ended. An interrupt of the calling thread asks the workflow to pause.
     *
     * @param notes where the follower says what it does besides the run's events (the workflow started, no worker
     *              answers yet, the branch fetched), one line each
     *
     * @throws AppException INVALID for a target the engine cannot use (the message says what to fix); UNAVAILABLE
     *                      when the engine, the git remote or the store cannot be reached
     */
    BuildManager.Outcome follow(DistributedRun run, Target target, PrintStream notes);

    /**
     * Starts a worker that executes runs' activities until {@link Worker#close()}.
     *
     * @throws AppException INVALID for bad arguments; UNAVAILABLE when the engine cannot be reached
     */
    Worker work(WorkerRequest request);

    /**
     * Where a distributed run goes.
     *
     * @param address          the engine's {@code HOST:PORT} (Temporal's frontend, 7233 by default)
     * @param taskQueue        the task queue its workers poll
     * @param gitRemote        the git remote every worker fetches from and pushes to (any URL git takes)
     * @param remoteCache      the shared remote cache's URL for completed model calls, or null
     * @param remoteCacheToken its token, or null
     * @param heartbeatSeconds how long a silent worker is taken for alive, seconds
     */
    record Target(String address, String taskQueue, String gitRemote, String remoteCache, String remoteCacheToken,
                  int heartbeatSeconds) { }

    /**
     * A worker to start.
     *
     * @param address   the engine's {@code HOST:PORT}
     * @param taskQueue the task queue to poll
     * @param workDir   where the worker keeps its clones and worktrees (created when missing)
     * @param slots     activities it runs at once, at least 1
     * @param env       the worker's environment (model keys, base URLs)
     * @param out       where it says what it does
     */
    record WorkerRequest(String address, String taskQueue, Path workDir, int slots, Map<String, String> env,
                         PrintStream out) { }

    /** A running worker. */
    interface Worker extends AutoCloseable {
        /** Blocks until the worker stopped ({@link #close()} from another thread). */
        void await() throws InterruptedException;

        /** Stops polling, lets the running activities end (bounded), and disconnects. Idempotent. */
        @Override
        void close();
    }

    /** Drives a run made like a local run instead of the local loop; returns how it ended. */
    @FunctionalInterface
    interface Follower {
        BuildManager.Outcome follow(DistributedRun run);
    }

    /** The implementation named {@code name} on Munero's class path, if its module is there. */
    static Optional<Distributed> find(String name) {
        for (Distributed d : ServiceLoader.load(Distributed.class, Distributed.class.getClassLoader())) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /**
     * The error for a command that needs a module which is not on the class path: names the module and how to
     * start Munero with it.
     *
     * @param command the command line as the user typed it, e.g. {@code munero worker --temporal ...}
     */
    static AppException missing(String name, String command) {
        return AppException.invalid("the optional module munero-" + name + " is not on munero's class path (it is not "
                + "in munero.jar: it adds about 40 MB). Start munero with it: MUNERO_WITH=" + name + " ./munero "
                + command + "   (the launcher builds munero-" + name + "/target/munero-" + name + ".jar and adds it)");
    }
}
