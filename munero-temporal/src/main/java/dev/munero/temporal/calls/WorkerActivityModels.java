package dev.munero.temporal.calls;

import dev.munero.engine.config.ConfigException;
import dev.munero.engine.cache.remote.RemoteCacheSettings;
import dev.munero.engine.cache.remote.RemoteValues;
import dev.munero.llm.ChatModel;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelInfo;
import dev.munero.temporal.ActivityModels;
import dev.munero.temporal.Heartbeats;
import dev.munero.temporal.RunWorkflow;
import dev.munero.temporal.wire.RunInput;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link ActivityModels} of a worker (issue 16.2): each activity attempt's model is an {@link ActivityModel} over
 * the worker's provider, the run's budget in its workflow, and the run's remote cache of completed calls.
 *
 * <p>The remote cache is {@link RunInput#remoteCache()} (its URL) with the rest of its settings resolved on the worker
 * as a build resolves them ({@link RemoteCacheSettings#resolve}: protocol, team and time limit from the worker's user
 * config {@code [cache.remote]}, Bazel HTTP by default), the token {@link RunInput#remoteCacheToken()} when given,
 * else the worker's {@code MUNERO_REMOTE_CACHE_TOKEN}. One client per cache URL and token is kept for the worker's
 * life.
 *
 * <p>Thread-safe: activities on many threads open models at once.
 */
public final class WorkerActivityModels implements ActivityModels {
    /** The {@link ApplicationFailure#getType()} of a run whose remote cache setting is wrong. */
    public static final String CACHE_SETTING_FAILURE = "MuneroRemoteCacheSetting";

    private final Path workDir;
    private final Map<String, String> env;
    private final Map<String, RemoteValues> caches = new ConcurrentHashMap<>();

    /**
     * @param workDir the worker's work dir (the attempts' worktrees are under it; see {@link CallDigests})
     * @param env     the worker's environment (the remote cache token, the user config's location)
     */
    public WorkerActivityModels(Path workDir, Map<String, String> env) {
        this.workDir = workDir;
        this.env = Map.copyOf(env);
    }

    /**
     * Must be called on the activity's thread (it takes the workflow client from {@link Activity#getExecutionContext}).
     *
     * @throws ApplicationFailure non-retryable, type {@link #CACHE_SETTING_FAILURE}, when the run's remote cache URL or
     *                            the worker's {@code [cache.remote]} is not valid (the message names it)
     */
    @Override
    public ActivityModel open(RunInput run, ChatModel provider, ModelInfo prices, Heartbeats heartbeats,
                              String callPrefix) {
        WorkflowClient client = Activity.getExecutionContext().getWorkflowClient();
        return open(client, run, provider, prices, heartbeats, callPrefix);
    }

    /** {@link #open(RunInput, ChatModel, ModelInfo, Heartbeats, String)} with the given client (any thread). */
    public ActivityModel open(WorkflowClient client, RunInput run, ChatModel provider, ModelInfo prices,
                              Heartbeats heartbeats, String callPrefix) {
        RunWorkflow workflow = client.newWorkflowStub(RunWorkflow.class, RunInput.workflowId(run.runId()));
        return new ActivityModel(provider, prices, heartbeats, workflow, run.budgetUsd() != null, cache(run),
                new CallDigests(provider.model().toString(), workDir), callPrefix);
    }

    private RemoteValues cache(RunInput run) {
        if (run.remoteCache() == null || run.remoteCache().isBlank()) {
            return null;
        }
        String token = run.remoteCacheToken() == null ? "" : run.remoteCacheToken();
        return caches.computeIfAbsent(run.remoteCache() + "\n" + token, k -> {
            Map<String, String> e = new HashMap<>(env);
            if (!token.isEmpty()) {
                e.put(RemoteCacheSettings.TOKEN_VARIABLE, token);
            }
            try {
                UserConfig user = UserConfig.load(e);
                return new RemoteValues(RemoteCacheSettings.resolve(workDir, run.remoteCache(), e, user.tree(),
                        user.file()).orElseThrow());
            } catch (ConfigException | IllegalArgumentException x) {
                throw ApplicationFailure.newNonRetryableFailure("the run's remote cache cannot be used on this "
                        + "worker: " + x.getMessage(), CACHE_SETTING_FAILURE);
            }
        });
    }
}
