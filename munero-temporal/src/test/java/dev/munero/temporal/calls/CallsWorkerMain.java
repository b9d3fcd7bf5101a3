package dev.munero.temporal.calls;

import dev.munero.llm.ChatModel;
import dev.munero.llm.ModelRef;
import dev.munero.llm.Providers;
import dev.munero.llm.UserConfig;
import dev.munero.llm.pricing.ModelInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A worker JVM for {@link CallCacheKillTest}: {@link AccountWorkflow} and {@link CallsActivityImpl} over the real
 * Anthropic provider stack of {@code munero run} (its key and base URL from this process's environment) and
 * {@link WorkerActivityModels}. Arguments: {@code HOST:PORT TASK_QUEUE WORK_DIR}. Runs until killed.
 */
public final class CallsWorkerMain {
    /** $3 / $15 per million input / output tokens. */
    static final ModelInfo PRICES = new ModelInfo(3, 15, 3.75, 0.3, 200_000, 64_000);

    private CallsWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[2]);
        var env = System.getenv();
        ChatModel provider = Providers.open(ModelRef.parse("anthropic:claude-sonnet-4-6"), env, UserConfig.load(env),
                Providers.Options.defaults());
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(args[0]).build());
        WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(service));
        // no sticky execution: see LocalCluster (the test server would wait on a killed worker's sticky queue)
        Worker worker = factory.newWorker(args[1], WorkerOptions.newBuilder()
                .setStickyQueueScheduleToStartTimeout(Duration.ZERO).build());
        worker.registerWorkflowImplementationTypes(AccountWorkflow.class);
        worker.registerActivitiesImplementations(new CallsActivityImpl(new WorkerActivityModels(work, env), provider,
                PRICES, work));
        factory.start();
        System.out.println("worker " + ProcessHandle.current().pid() + " polls " + args[1]);
        Thread.currentThread().join(); // until killed
    }
}
