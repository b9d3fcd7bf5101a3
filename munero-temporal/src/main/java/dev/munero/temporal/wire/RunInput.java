package dev.munero.temporal.wire;

/**
 * What starts a distributed run's workflow, whose id is {@code munero-<runId>} (issue 16.2). Every field is a string,
 * a number or null, so Temporal's default (Jackson 2) payload converter carries it unchanged; Munero's own objects
 * (the plan, checks, lessons, limits) travel as JSON made by Munero's own codecs, never as Java objects.
 *
 * @param runId            the run's id in the starter's store
 * @param spec             the run's spec, as given
 * @param gitRemote        the git remote every worker fetches from and pushes to (any URL git takes; a bare
 *                         repository path in tests)
 * @param branch           the run's branch on that remote, {@code munero/<runId>}, pushed by the starter
 * @param baseCommit       the commit the run starts from (the branch's first head)
 * @param model            {@code provider:model} of planning, reflection and the tasks' agents
 * @param budgetUsd        the run's budget in USD, or null for none; the workflow holds it (see
 *                         {@code RunWorkflow#reserve})
 * @param spentUsd         USD already spent by the run before this workflow (0 for a new run)
 * @param maxIterations    the run's {@code --max-iterations}
 * @param agents           how many tasks run at once ({@code --agents})
 * @param remoteCache      the URL of the shared remote cache that holds completed model calls' bodies (Bazel HTTP
 *                         or Turborepo v8, as {@code cache: remote:}), or null: a retried activity then pays again
 *                         for the calls its dead attempt completed, and says so in an event
 * @param remoteCacheToken the remote cache's token (Turborepo), or null
 * @param limitsJson       the run's {@code RunLimits} as JSON ({@code RunLimits#asMap}: permission mode, turns,
 *                         ...) plus {@code "sandbox"}: {@code auto} (when missing), {@code on} or {@code off}, where
 *                         the workers run agents' commands and check steps
 * @param heartbeatSeconds the activities' heartbeat time-out: a worker silent this long is taken for dead and its
 *                         activity is retried on another worker (60 by default; tests use a few seconds)
 */
public record RunInput(String runId, String spec, String gitRemote, String branch, String baseCommit, String model,
                       Double budgetUsd, double spentUsd, int maxIterations, int agents, String remoteCache,
                       String remoteCacheToken, String limitsJson, int heartbeatSeconds) {
    /** The workflow id of run {@code runId}. */
    public static String workflowId(String runId) {
        return "munero-" + runId;
    }
}
