package dev.munero.temporal;

import java.nio.file.Path;
import java.util.Map;

/**
 * The activities a production worker runs ({@code munero worker}, {@link WorkerMain}): t-act's
 * {@code RunActivitiesImpl} over t-calls' {@code WorkerActivityModels} (issue 16.2).
 *
 * <p>MERGE POINT: this branch (h/tflow) was built before those classes existed; at the merge the body of
 * {@link #create} becomes {@code return new RunActivitiesImpl(workDir, env, new
 * dev.munero.temporal.calls.WorkerActivityModels(workDir, env));}. Until then a worker refuses to start with the
 * message below; tests hand their own activities to {@link TemporalWorkers#start}.
 */
final class WorkerActivities {
    private WorkerActivities() {
    }

    /**
     * @throws IllegalStateException until the activities are wired (see the class comment)
     */
    static RunActivities create(Path workDir, Map<String, String> env) {
        throw new IllegalStateException("this build of munero-temporal has no activities implementation "
                + "(RunActivitiesImpl is wired in WorkerActivities at the merge of issue 16.2)");
    }
}
