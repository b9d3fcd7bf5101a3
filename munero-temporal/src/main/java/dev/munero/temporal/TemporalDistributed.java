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
        Target t = target;
        if (t.remoteCache() == null) {
            t = new Target(t.address(), t.taskQueue(), t.gitRemote(), remoteCache(run), null, t.heartbeatSeconds());
        }
        if (t.remoteCache() == null) {
            notes.println("munero: no remote cache is set (cache: remote: in munero.yaml or [cache.remote] in the user "
                    + "config): a step retried on another worker pays again for the model calls its dead attempt "
                    + "completed");
        }
        return new TemporalStarter(run, t, line -> notes.println("munero: " + line)).follow();
    }

    /**
     * The URL of the repository's remote cache ({@code cache: remote:} in munero.yaml, {@code [cache.remote]} in the
     * user config), where workers keep completed model calls; null when none is set. Its token is not sent: it would
     * sit in the workflow's history; each worker reads its own ({@code MUNERO_REMOTE_CACHE_TOKEN}).
     *
     * @throws AppException INVALID for a bad setting (named with the file and line)
     */
    private static String remoteCache(DistributedRun run) {
        try {
            dev.munero.llm.UserConfig user = dev.munero.llm.UserConfig.load(run.env());
            return dev.munero.engine.cache.remote.RemoteCacheSettings.resolve(run.repo(), null, run.env(), user.tree(),
                    user.file()).map(s -> s.url().toString()).orElse(null);
        } catch (dev.munero.engine.config.ConfigException | IllegalArgumentException e) {
            throw AppException.invalid(e.getMessage());
        }
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
