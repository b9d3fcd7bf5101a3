package dev.munero.cli;

import dev.munero.core.app.AppException;
import dev.munero.core.app.Distributed;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code munero worker}: executes the activities of runs distributed over Temporal (issue 16.2) through the optional
 * module's {@link Distributed} implementation; says how to add the module when it is missing.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Execute the steps of runs started with munero run --temporal: planning, tasks, merges, check "
                + "builds and reflections, on this machine, until Ctrl-C. Start any number, on any machines; a worker "
                + "that dies mid-step is noticed within a minute and its step moves to another worker, which answers "
                + "the model calls the dead one completed from the shared remote cache instead of paying again.",
                "",
                "The worker clones the run's git remote under --work-dir and works in a fresh worktree per step; its "
                + "models use this machine's keys (ANTHROPIC_API_KEY, OPENAI_API_KEY, ...) and config. Needs the "
                + "optional module: MUNERO_WITH=temporal ./munero worker ...",
                ""},
        footer = {"", "Exit codes: 0 stopped, 1 the Temporal server cannot be reached, 2 bad usage or the module is "
                + "missing."})
final class WorkerCommand implements Callable<Integer> {
    private final Invocation invocation;

    WorkerCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Option(names = "--temporal", paramLabel = "HOST:PORT", required = true,
            description = "The Temporal server's frontend (temporal server start-dev listens on 127.0.0.1:7233).")
    String temporal;

    @Option(names = "--task-queue", paramLabel = "QUEUE", defaultValue = "munero",
            description = "The task queue to poll: the --task-queue of the runs (default munero).")
    String taskQueue;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the worker keeps its clones and worktrees (default ~/.cache/munero/worker).")
    Path workDir;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "2",
            description = "Steps this worker runs at once (default 2).")
    int slots;

    @Override
    public Integer call() {
        Distributed module = Distributed.find("temporal").orElse(null);
        if (module == null) {
            return RunDriver.error(invocation, Distributed.missing("temporal", "worker --temporal " + temporal
                    + " --task-queue " + taskQueue));
        }
        Path dir = workDir != null ? invocation.cwd().resolve(workDir).toAbsolutePath().normalize() : defaultDir();
        Distributed.Worker worker;
        try {
            worker = module.work(new Distributed.WorkerRequest(temporal, taskQueue, dir, slots, invocation.env(),
                    invocation.out()));
        } catch (AppException e) {
            return RunDriver.error(invocation, e);
        }
        try (AutoCloseable ignored = invocation.interrupts().register(worker::close)) {
            worker.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.close();
            return ExitCodes.INTERRUPTED;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        invocation.out().println("munero worker: stopped");
        return ExitCodes.OK;
    }

    /** {@code $XDG_CACHE_HOME/munero/worker}, else {@code ~/.cache/munero/worker}. */
    private Path defaultDir() {
        String xdg = invocation.env().get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(invocation.env().getOrDefault("HOME", System.getProperty("user.home")), ".cache");
        return base.resolve("munero").resolve("worker");
    }
}
