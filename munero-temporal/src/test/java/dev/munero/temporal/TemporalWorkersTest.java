package dev.munero.temporal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.munero.temporal.wire.RunInput;
import dev.munero.temporal.wire.RunResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import dev.munero.temporal.e2e.LoopbackTestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker host over real gRPC: Temporal's test server bound to a port, a worker started by
 * {@link TemporalWorkers} (as {@code munero worker} and {@link WorkerMain} start it) with scripted activities, and a
 * client that runs a workflow through it.
 */
class TemporalWorkersTest {
    @TempDir
    Path tmp;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aWorkerStartedOnAServersPortRunsARunsWorkflowAndItsActivitiesAndStopsWhenClosed() throws Exception {
        int port = freePort();
        try (LoopbackTestServer server = LoopbackTestServer.start(port)) {
            ScriptedActivities acts = new ScriptedActivities(ScriptedActivities.plan("a", "b"));
            AtomicReference<Path> givenDir = new AtomicReference<>();
            Path work = tmp.resolve("work").resolve("w1");
            TemporalWorkers workers = TemporalWorkers.start("127.0.0.1:" + port, "q1", work, 2, Map.of("K", "v"),
                    (dir, env) -> {
                        givenDir.set(dir);
                        assertEquals("v", env.get("K"));
                        return acts;
                    });
            WorkflowServiceStubs service = TemporalWorkers.connect("127.0.0.1:" + port);
            try {
                WorkflowClient client = WorkflowClient.newInstance(service);
                RunWorkflow wf = client.newWorkflowStub(RunWorkflow.class, WorkflowOptions.newBuilder()
                        .setTaskQueue("q1").setWorkflowId(RunInput.workflowId("w")).build());
                RunResult result = wf.run(new RunInput("w", "spec", "/tmp/r.git", "munero/w", "base", "fake:m", null,
                        0, 2, 2, null, null, "{}", 30));
                assertEquals("completed", result.status(), result.message());
                assertEquals(List.of("a", "b"), acts.sortedTasks());
                assertEquals(work, givenDir.get());
                assertTrue(Files.isDirectory(work), "the work dir is made");
            } finally {
                service.shutdownNow();
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Thread waiter = Thread.ofPlatform().start(() -> {
                try {
                    workers.await();
                    stopped.countDown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            workers.close();
            assertTrue(stopped.await(2, TimeUnit.MINUTES), "await returns once the worker is closed");
            waiter.join();
            workers.close(); // idempotent
        }
    }

    @Test
    void aWorkerWithoutAServerSaysWhereItLookedAndHowToStartOne() throws Exception {
        int port = freePort();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WorkerMain.run(new String[]{"--temporal", "127.0.0.1:" + port, "--task-queue", "q", "--work-dir",
                tmp.resolve("w").toString()}, Map.of(), (d, e) -> new ScriptedActivities("{}"),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("munero worker: error: no Temporal server answers at 127.0.0.1:" + port), said);
        assertTrue(said.contains("temporal server start-dev"), said);
    }

    @Test
    void badWorkerArgumentsAreUsageErrorsNamingTheArgument() {
        assertEquals("missing --work-dir DIR", assertThrows(IllegalArgumentException.class,
                () -> WorkerMain.parse(new String[]{"--temporal", "h:1", "--task-queue", "q"})).getMessage());
        assertEquals("--slots takes a number, was two", assertThrows(IllegalArgumentException.class,
                () -> WorkerMain.parse(new String[]{"--slots", "two"})).getMessage());
        assertEquals("--temporal needs a value", assertThrows(IllegalArgumentException.class,
                () -> WorkerMain.parse(new String[]{"--temporal"})).getMessage());
        assertEquals("unknown option --queue", assertThrows(IllegalArgumentException.class,
                () -> WorkerMain.parse(new String[]{"--queue", "q"})).getMessage());
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WorkerMain.run(new String[]{"--temporal", "nohostport", "--task-queue", "q", "--work-dir",
                tmp.toString()}, Map.of(), (d, e) -> new ScriptedActivities("{}"),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--temporal takes HOST:PORT"), err.toString());
        WorkerMain.Args a = WorkerMain.parse(new String[]{"--temporal", "h:1", "--task-queue", "q", "--work-dir", "x"});
        assertEquals(WorkerMain.DEFAULT_SLOTS, a.slots());
        assertTrue(a.workDir().isAbsolute());
    }
}
