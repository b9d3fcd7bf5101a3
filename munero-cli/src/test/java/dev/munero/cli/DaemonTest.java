package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.Reports;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build daemon, served in-process on a real Unix domain socket, talked to by the real client code. */
class DaemonTest {
    @TempDir
    Path dir;

    private Path socket;
    private DaemonServer server;

    @BeforeEach
    void startDaemon() throws Exception {
        socket = dir.resolve("run/d.sock");
        server = DaemonServer.start(socket, Duration.ofMinutes(5));
    }

    @AfterEach
    void stopDaemon() {
        server.close();
    }

    private record Answer(int exitCode, String out, String err) {
    }

    private Answer call(Path cwd, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DaemonClient.call(DaemonClient.connect(socket), new DaemonProtocol.Request(List.of(args), cwd.toString(), env, false),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Answer(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, String> env(String... kv) {
        Map<String, String> env = new HashMap<>(System.getenv());
        for (int i = 0; i < kv.length; i += 2) {
            env.put(kv[i], kv[i + 1]);
        }
        return env;
    }

    @Test
    void runsABuildInTheClientsDirectoryWithTheClientsEnvironmentAndExitCode() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: greet
                    command: "echo \\"greeting=$GREETING\\" > out.txt"
                    shell: true
                    passEnv: [GREETING]
                    outputs: [out.txt]
                """);
        Answer first = call(repo, env("GREETING", "hello"), "build");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("PASSED in");
        assertThat(Files.readString(repo.resolve("out.txt"))).isEqualTo("greeting=hello\n");

        Answer second = call(repo, env("GREETING", "hello"), "build");
        assertThat(second.out()).contains("1 cached");

        Answer changedEnv = call(repo, env("GREETING", "bonjour"), "build", "--json");
        assertThat(changedEnv.out()).contains("\"status\" : \"PASSED\"", "env var GREETING changed");
        assertThat(Files.readString(repo.resolve("out.txt"))).isEqualTo("greeting=bonjour\n");

        Answer relative = call(dir, env(), "graph", "-C", "repo");
        assertThat(relative.out()).as(relative.err()).contains("greet");
        Answer usage = call(repo, env(), "build", "--no-such-flag");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("Unknown option");
    }

    @Test
    void programsAreFoundOnTheClientsPathNotTheDaemons() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve("munero-test-tool");
        Files.writeString(tool, "#!/bin/sh\necho from-client-path > tool.out\n");
        tool.toFile().setExecutable(true);
        Path repo = Files.createDirectories(dir.resolve("repo2"));
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: tool
                    command: [munero-test-tool]
                """);
        Answer r = call(repo, env("PATH", bin + ":" + System.getenv("PATH")), "build");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(Files.readString(repo.resolve("tool.out"))).isEqualTo("from-client-path\n");
    }

    @Test
    void aCancelFromTheClientStopsTheBuildAndItsProcessTree() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo3"));
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: long
                    command: "sleep 120 & echo $! > grandchild.pid; wait"
                    shell: true
                """);
        var channel = DaemonClient.connect(socket);
        var os = new java.io.DataOutputStream(java.nio.channels.Channels.newOutputStream(channel));
        DaemonProtocol.writeRequest(os, new DaemonProtocol.Request(List.of("build"), repo.toString(), env(), false));
        Path pid = awaitPidFile(repo.resolve("grandchild.pid"));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                var in = new java.io.DataInputStream(java.nio.channels.Channels.newInputStream(channel));
                while (true) {
                    byte type = in.readByte();
                    if (type == DaemonProtocol.EXIT) {
                        return in.readInt();
                    }
                    in.readNBytes(in.readInt());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        os.writeByte(DaemonProtocol.CANCEL);
        os.flush();
        assertThat(exit.get(5, TimeUnit.MINUTES)).isEqualTo(ExitCodes.INTERRUPTED);
        assertDead(pid);
        BuildReport report = Reports.read(repo.resolve(".munero/reports/latest.json"));
        assertThat(report.status()).isEqualTo(BuildStatus.CANCELLED);
        channel.close();
    }

    @Test
    void twoClientsAreServedAtTheSameTime() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        // each build waits (bounded) for the other's marker: both pass only if the daemon serves them concurrently
        String wait = "touch ../%s.started; i=0; while [ ! -f ../%s.started ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; test -f ../%s.started";
        Files.writeString(a.resolve("munero.yaml"), "steps:\n  - name: a\n    command: \"" + wait.formatted("a", "b", "b") + "\"\n    shell: true\n    cache: false\n");
        Files.writeString(b.resolve("munero.yaml"), "steps:\n  - name: b\n    command: \"" + wait.formatted("b", "a", "a") + "\"\n    shell: true\n    cache: false\n");
        // own threads: the common pool has one thread on a 2-core machine and would serialise the two calls
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        CompletableFuture<Answer> fa = CompletableFuture.supplyAsync(() -> call(a, env(), "build"), pool);
        CompletableFuture<Answer> fb = CompletableFuture.supplyAsync(() -> call(b, env(), "build"), pool);
        pool.shutdown();
        Answer ra = fa.get(5, TimeUnit.MINUTES);
        Answer rb = fb.get(5, TimeUnit.MINUTES);
        assertThat(ra.exitCode()).as(ra.out() + ra.err()).isZero();
        assertThat(rb.exitCode()).as(rb.out() + rb.err()).isZero();
    }

    @Test
    void aStopRequestClosesTheDaemonAndRemovesItsSocket() throws Exception {
        var channel = DaemonClient.connect(socket);
        var os = new java.io.DataOutputStream(java.nio.channels.Channels.newOutputStream(channel));
        os.writeInt(DaemonProtocol.MAGIC_STOP);
        os.flush();
        assertThat(new java.io.DataInputStream(java.nio.channels.Channels.newInputStream(channel)).readByte()).isEqualTo(DaemonProtocol.EXIT);
        channel.close();
        assertThat(socket).doesNotExist();
        assertThat(DaemonClient.connect(socket)).isNull();
    }

    @Test
    void aCommandWhoseClientWentAwayIsCancelled() throws Exception {
        Path repo = Files.createDirectories(dir.resolve("repo4"));
        Files.writeString(repo.resolve("munero.yaml"), """
                steps:
                  - name: long
                    command: "sleep 120 & echo $! > grandchild.pid; wait"
                    shell: true
                """);
        var channel = DaemonClient.connect(socket);
        DaemonProtocol.writeRequest(new java.io.DataOutputStream(java.nio.channels.Channels.newOutputStream(channel)),
                new DaemonProtocol.Request(List.of("build"), repo.toString(), env(), false));
        Path pid = awaitPidFile(repo.resolve("grandchild.pid"));
        channel.close(); // as when the client is killed or its terminal closes
        Path latest = repo.resolve(".munero/reports/latest.json");
        for (int i = 0; i < 600 && !Files.exists(latest); i++) {
            Thread.sleep(50); // the daemon writes it once the build has stopped; bounded to 30 s
        }
        assertThat(Reports.read(latest).status()).isEqualTo(BuildStatus.CANCELLED);
        assertDead(pid);
    }

    /** Waits (bounded to 30 s) until another process has written a pid into {@code file}. */
    private static Path awaitPidFile(Path file) throws Exception {
        for (int i = 0; i < 600 && !(Files.exists(file) && !Files.readString(file).isBlank()); i++) {
            Thread.sleep(50); // polling a file another process writes
        }
        return file;
    }

    /** Asserts that the process whose pid is in {@code pidFile} has exited (waiting up to 10 s). */
    private static void assertDead(Path pidFile) throws Exception {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(2, TimeUnit.MINUTES).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process " + pid + " killed").isFalse();
    }
}
