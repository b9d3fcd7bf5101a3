package dev.munero.temporal.e2e;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A Temporal cluster of child processes on 127.0.0.1 for the end-to-end tests of issue 16.2: Temporal's Java test
 * server's services started standalone in its own JVM on 127.0.0.1 only ({@link LoopbackTestServer}), worker JVMs on the test class path, each with its own log file in {@code dir}, and a client.
 * {@link #close()} stops every child (SIGTERM, then SIGKILL after a minute) and the client.
 *
 * <p>Workers on this server must not use sticky execution ({@code WorkerOptions.setStickyQueueScheduleToStartTimeout
 * (Duration.ZERO)}, with which the SDK sends no sticky attributes): the test server neither times out a workflow task
 * waiting on a dead worker's sticky queue (a real server moves it to the normal queue after the sticky
 * schedule-to-start time-out, 5 s by default) nor implements ResetStickyTaskQueue. With sticky execution, two runs
 * in five of {@code CallCacheKillTest} hung: the retried activity's reserve update waited on the killed worker.
 */
public final class LocalCluster implements AutoCloseable {
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    /** How long a child process gets to come up or a run to get somewhere: minutes on a loaded 2-core machine. */
    public static final Duration LONG = Duration.ofMinutes(5);

    private final Path dir;
    private final List<Process> children = new ArrayList<>();
    private final int port;
    private final WorkflowServiceStubs service;
    private final WorkflowClient client;

    /**
     * Starts the test server and connects to it.
     *
     * @param dir where the children's logs go
     * @throws AssertionError when the server does not come up (with its log)
     */
    public LocalCluster(Path dir) throws Exception {
        this.dir = dir;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
        Process server = start("temporal-test-server", List.of(LoopbackTestServer.class.getName(),
                Integer.toString(port)), Map.of());
        try {
            awaitPort(server);
        } catch (Exception | AssertionError e) {
            server.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            throw e;
        }
        // connected: the port opens before the server answers; a loaded machine needs more than the 10 s default
        this.service = WorkflowServiceStubs.newConnectedServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(target()).setRpcTimeout(Duration.ofMinutes(1)).setSystemInfoTimeout(Duration.ofMinutes(1))
                .build(), LONG);
        this.client = WorkflowClient.newInstance(service, WorkflowClientOptions.newBuilder().setNamespace("default")
                .build());
    }

    /** {@code 127.0.0.1:<port>} of the test server. */
    public String target() {
        return "127.0.0.1:" + port;
    }

    public WorkflowClient client() {
        return client;
    }

    /**
     * Starts a JVM running {@code mainAndArgs} (a main class, then its arguments) on the test class path, with
     * {@code env} added to this process's environment; its output goes to {@code <name>.log}.
     */
    public Process start(String name, List<String> mainAndArgs, Map<String, String> env) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classPath()));
        command.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        synchronized (children) {
            children.add(p);
        }
        return p;
    }

    /**
     * Waits until a pending activity of {@code workflowId} has heartbeated at least one completed model call's
     * digest, and returns it (its last worker identity says who runs it). The SDK throttles heartbeats, so a digest
     * reaches the server some seconds after its call completed.
     *
     * @throws AssertionError after {@link #LONG} (with the children's logs)
     */
    public PendingActivityInfo awaitHeartbeatedDigest(String workflowId) throws InterruptedException {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            var described = service.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest
                    .newBuilder().setNamespace("default").setExecution(WorkflowExecution.newBuilder()
                            .setWorkflowId(workflowId)).build());
            for (PendingActivityInfo p : described.getPendingActivitiesList()) {
                String details = p.getHeartbeatDetails().getPayloadsList().stream()
                        .map(d -> d.getData().toString(StandardCharsets.UTF_8)).reduce("", String::concat);
                if (DIGEST.matcher(details).find() && !p.getLastWorkerIdentity().isEmpty()) {
                    return p;
                }
            }
            Thread.sleep(200); // polling another process's state: there is nothing to latch on
        }
        throw new AssertionError("no activity of " + workflowId + " heartbeated a completed call's digest:\n" + logs());
    }

    /**
     * The worker process of an identity {@code <pid>@<host>} (the SDK's default identity) among {@code workers}.
     *
     * @throws AssertionError when none has that pid
     */
    public static Process byIdentity(String identity, Process... workers) {
        String pid = identity.split("@", 2)[0];
        for (Process w : workers) {
            if (Long.toString(w.pid()).equals(pid)) {
                return w;
            }
        }
        throw new AssertionError("the identity " + identity + " is not one of the workers'");
    }

    /**
     * The result of workflow {@code workflowId}, waiting at most {@code minutes}.
     *
     * @throws AssertionError when it does not end in time, with its pending activities and the children's logs
     */
    public <R> R result(String workflowId, Class<R> type, long minutes) {
        try {
            return client.newUntypedWorkflowStub(workflowId).getResult(minutes, TimeUnit.MINUTES, type);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("workflow " + workflowId + " did not end within " + minutes + " minutes; now:\n"
                    + describe(workflowId) + "\n" + logs());
        }
    }

    /** The pending activities of {@code workflowId} (attempt, state, last failure, worker), for failure messages. */
    public String describe(String workflowId) {
        var described = service.blockingStub().describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace("default").setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
        StringBuilder out = new StringBuilder(described.getWorkflowExecutionInfo().getStatus().toString());
        for (PendingActivityInfo p : described.getPendingActivitiesList()) {
            out.append("\n  activity ").append(p.getActivityId()).append(' ').append(p.getActivityType().getName())
                    .append(" attempt ").append(p.getAttempt()).append(' ').append(p.getState()).append(" worker ")
                    .append(p.getLastWorkerIdentity()).append(" last failure: ")
                    .append(p.hasLastFailure() ? p.getLastFailure().getMessage() : "none");
        }
        return out.toString();
    }

    /** The tail of every child's log, for failure messages. */
    public String logs() {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                out.append("--- ").append(log.getFileName()).append('\n')
                        .append(text.length() > 4000 ? text.substring(text.length() - 4000) : text).append('\n');
            }
        } catch (IOException e) {
            out.append("(logs unreadable: ").append(e.getMessage()).append(")");
        }
        return out.toString();
    }

    /** The test class path (surefire runs tests through a manifest-only jar, which names it in this property). */
    private static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private void awaitPort(Process p) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the Temporal test server exited:\n" + logs());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100); // polling a child process's port: there is nothing to latch on
            }
        }
        throw new AssertionError("the Temporal test server did not listen on " + port + ":\n" + logs());
    }

    @Override
    public void close() throws InterruptedException {
        if (service != null) {
            service.shutdownNow();
            service.awaitTermination(1, TimeUnit.MINUTES);
        }
        List<Process> all;
        synchronized (children) {
            all = List.copyOf(children);
        }
        for (Process p : all) {
            p.destroy();
        }
        for (Process p : all) {
            if (!p.waitFor(1, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
            }
        }
    }
}
