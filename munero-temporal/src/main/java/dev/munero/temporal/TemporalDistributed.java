package dev.munero.temporal;

import dev.munero.core.BuildManager;
import dev.munero.core.app.AppException;
import dev.munero.core.app.Distributed;
import dev.munero.core.app.DistributedRun;
import java.io.PrintStream;

/**
 * {@code munero-temporal}'s implementation of core's {@link Distributed} SPI (name {@code temporal}), registered in
 * {@code META-INF/services/dev.munero.core.app.Distributed}: {@code munero run --temporal} follows a run with
 * {@link TemporalStarter}, {@code munero worker} starts {@link TemporalWorkers} with the production activities
 * ({@link WorkerActivities}). Thread-safe and stateless.
 */
public final class TemporalDistributed implements Distributed {
    /** For {@link java.util.ServiceLoader}. */
    public TemporalDistributed() {
    }

    @Override
    public String name() {
        return "temporal";
    }

    @Override
    public BuildManager.Outcome follow(DistributedRun run, Target target, PrintStream notes) {
        return new TemporalStarter(run, target, line -> notes.println("munero: " + line)).follow();
    }

    @Override
    public Worker work(WorkerRequest request) {
        TemporalWorkers workers;
        try {
            workers = TemporalWorkers.start(request.address(), request.taskQueue(), request.workDir(), request.slots(),
                    request.env(), WorkerActivities::create);
        } catch (IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        } catch (IllegalStateException e) {
            throw AppException.unavailable(e.getMessage(), e);
        }
        request.out().println("munero worker " + ProcessHandle.current().pid() + ": polling task queue "
                + request.taskQueue() + " on " + request.address() + " (work dir " + request.workDir() + ", "
                + request.slots() + " activities at once); Ctrl-C stops");
        return new Worker() {
            @Override
            public void await() throws InterruptedException {
                workers.await();
            }

            @Override
            public void close() {
                workers.close();
            }
        };
    }
}
