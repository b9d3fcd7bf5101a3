package dev.munero.temporal;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code munero worker} (issue 16.2): connects to a Temporal frontend ({@code HOST:PORT}, namespace
 * {@code default}), and polls one task queue with a worker that runs {@link RunWorkflowImpl} and the activities
 * {@link Activities} makes ({@code RunActivitiesImpl} in production, {@link WorkerActivities#create}). The worker's
 * identity is Temporal's default, {@code <pid>@<host>}: it is the identity a workflow's history records for each
 * activity attempt.
 *
 * <p>Thread-safe. {@link #close()} stops it: no new tasks are taken, running activities get up to
 * {@value #DRAIN_SECONDS} s to end, then the connection closes.
 */
public final class TemporalWorkers implements AutoCloseable {
    /** How long {@link #close()} lets running activities end, seconds. */
    static final int DRAIN_SECONDS = 30;
    /** How long {@link #start} waits for the frontend to answer, seconds. */
    static final int CONNECT_SECONDS = 30;

    /** Makes the worker's activities. */
    @FunctionalInterface
    public interface Activities {
        /**
         * @param workDir the worker's own directory (clones, worktrees), existing
         * @param env     the worker's environment (model keys, base URLs)
         */
        RunActivities create(Path workDir, Map<String, String> env);
    }

    private final WorkflowServiceStubs service;
    private final WorkerFactory factory;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private TemporalWorkers(WorkflowServiceStubs service, WorkerFactory factory) {
        this.service = service;
        this.factory = factory;
    }

    /**
     * Connects and starts polling.
     *
     * @param address   the frontend, {@code HOST:PORT}
     * @param taskQueue the task queue (the runs started with the same {@code --task-queue})
     * @param workDir   the worker's directory; made when missing
     * @param slots     activities run at once, at least 1
     * @throws IllegalArgumentException for a blank address or queue, slots below 1, or a work dir that cannot be
     *                                  made (the message names it)
     * @throws IllegalStateException    when the frontend does not answer within {@value #CONNECT_SECONDS} s (the
     *                                  message names the address and how to start a server)
     */
    public static TemporalWorkers start(String address, String taskQueue, Path workDir, int slots,
                                        Map<String, String> env, Activities activities) {
        return start(address, taskQueue, workDir, slots, env, activities, true);
    }

    /**
     * As {@link #start(String, String, Path, int, Map, Activities)}, with or without sticky execution. Without it
     * ({@code WorkerOptions.setStickyQueueScheduleToStartTimeout(Duration.ZERO)}: the SDK then asks for no sticky
     * queue) every workflow task replays the workflow's history on whichever worker takes it. That is what Temporal's
     * Java test server needs: it never moves a workflow task off a dead worker's sticky queue (a real server does
     * after the sticky schedule-to-start time-out, 5 s), so a workflow whose worker was killed would wait forever.
     *
     * @param sticky whether this worker keeps its workflows cached and asks for their next tasks
     */
    public static TemporalWorkers start(String address, String taskQueue, Path workDir, int slots,
                                        Map<String, String> env, Activities activities, boolean sticky) {
        if (address == null || address.isBlank() || !address.contains(":")) {
            throw new IllegalArgumentException("--temporal takes HOST:PORT (e.g. 127.0.0.1:7233), was " + address);
        }
        if (taskQueue == null || taskQueue.isBlank()) {
            throw new IllegalArgumentException("--task-queue takes the name of the runs' task queue, was blank");
        }
        if (slots < 1) {
            throw new IllegalArgumentException("--slots takes 1 or more, was " + slots);
        }
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot make the work dir " + workDir + ": " + e.getMessage());
        }
        RunActivities acts = activities.create(workDir, env);
        WorkflowServiceStubs service = connect(address);
        WorkflowClient client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder()
                .setNamespace("default").build());
        WorkerFactory factory = WorkerFactory.newInstance(client);
        WorkerOptions.Builder options = WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(slots);
        if (!sticky) {
            options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
        }
        Worker worker = factory.newWorker(taskQueue, options.build());
        worker.registerWorkflowImplementationTypes(RunWorkflowImpl.class);
        worker.registerActivitiesImplementations(acts);
        factory.start();
        return new TemporalWorkers(service, factory);
    }

    /**
     * A connection to the frontend at {@code address}, checked.
     *
     * @throws IllegalStateException when it does not answer within {@value #CONNECT_SECONDS} s
     */
    static WorkflowServiceStubs connect(String address) {
        try {
            return WorkflowServiceStubs.newConnectedServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                    .setTarget(address).build(), Duration.ofSeconds(CONNECT_SECONDS));
        } catch (RuntimeException e) {
            throw new IllegalStateException("no Temporal server answers at " + address + " (" + rootMessage(e)
                    + "); start one (temporal server start-dev, see the README) or fix --temporal HOST:PORT", e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Blocks until {@link #close()} stopped the worker. */
    public void await() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            factory.shutdown();
            factory.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
            factory.shutdownNow();
            service.shutdown();
            service.awaitTermination(5, TimeUnit.SECONDS);
        } finally {
            stopped.countDown();
        }
    }
}
