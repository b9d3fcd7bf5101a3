package dev.munero.temporal;

import dev.munero.temporal.calls.WorkerActivityModels;
import java.nio.file.Path;
import java.util.Map;

/**
 * The activities a production worker runs ({@code munero worker}, {@link WorkerMain}): {@link RunActivitiesImpl}
 * over {@link WorkerActivityModels} (the workflow's budget and the call cache on the shared remote cache), issue
 * 16.2. Tests hand their own activities to {@link TemporalWorkers#start}.
 */
final class WorkerActivities {
    private WorkerActivities() {
    }

    /**
     * The activities of a worker whose work directory is {@code workDir} and environment {@code env}; each attempt's
     * start and end is said on the worker's standard output.
     */
    static RunActivities create(Path workDir, Map<String, String> env) {
        return new RunActivitiesImpl(workDir, env, new WorkerActivityModels(workDir, env), System.out);
    }
}
