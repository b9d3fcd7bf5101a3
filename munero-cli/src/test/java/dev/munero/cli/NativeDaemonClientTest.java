package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.Reports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: the launcher's native daemon client ({@code src/main/c/daemon_client.c}, compiled with the machine's C
 * compiler as the launcher does) against the real daemon served in-process on a real Unix domain socket, found through
 * the hint the Java client writes.
 */
class NativeDaemonClientTest {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    static Path bin;
    static Path client;

    @TempDir
    Path dir;
    Map<String, String> env;
    DaemonServer server;

    @BeforeAll
    static void compile() throws Exception {
        client = NativePrograms.compile("daemon_client.c", bin, "munero-client");
    }

    @BeforeEach
    void daemon() throws Exception {
        env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", dir.resolve("home").toString());
        env.put("MUNERO_DAEMON_DIR", Files.createDirectories(dir.resolve("run")).toString());
        server = DaemonServer.start(DaemonProtocol.socketFor(DaemonProtocol.ownJar(), env), Duration.ofMinutes(5));
        DaemonClient.writeHint(env);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path repo(String yaml) throws IOException {
        Path repo = Files.createDirectories(dir.resolve("repo")).toRealPath();
        Files.writeString(repo.resolve("munero.yaml"), yaml);
        return repo;
    }

    /** Starts the client as the launcher does, with {@code java} as the Java client's command. */
    private Process start(Path cwd, String secrets, List<String> java, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of(client.toString(), DaemonProtocol.ownJar().toString(), secrets));
        argv.addAll(java);
        argv.add("--munero-args--");
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }

    private Cli.Result run(Path cwd, String secrets, List<String> java, String... args) throws Exception {
        Process p = start(cwd, secrets, java, args);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Cli.Result(p.exitValue(), Files.readString(dir.resolve("out.txt")),
                Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void aBuildRunsInTheDaemonWithTheClientsDirectoryEnvironmentSecretsAndExitCode() throws Exception {
        Path repo = repo("""
                steps:
                  - name: token
                    command: 'printf "%s %s" "$MY_TOKEN" "$GREETING" > token.txt; pwd > where.txt'
                    shell: true
                    cache: false
                """);
        env.put("GREETING", "hello");
        Path secretsDir = Files.createDirectory(dir.resolve("munero-secrets.test"), // as the launcher's mktemp names it
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path secrets = Files.write(secretsDir.resolve("env"), "MY_TOKEN=s3cret\nline 2\0".getBytes(StandardCharsets.UTF_8));
        Cli.Result r = run(repo, secrets.toString(), List.of(JAVA), "build");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("munero: workspace " + repo).contains("PASSED in ");
        assertThat(repo.resolve("token.txt")).hasContent("s3cret\nline 2 hello");
        assertThat(repo.resolve("where.txt")).hasContent(repo.toString());
        assertThat(secretsDir).doesNotExist(); // read, then deleted with its folder, as LauncherSecrets does

        Cli.Result lost = run(repo, secrets.toString(), List.of(JAVA), "build"); // gone: never run without the keys
        assertThat(lost.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(lost.err()).contains("cannot read the secrets file the launcher wrote (" + secrets);

        Cli.Result bad = run(repo, "", List.of(JAVA), "build", "--jobs", "0");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--jobs must be at least 1");
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void theJavaClientServesWhatTheNativeOneCannot() throws Exception {
        Path repo = repo("steps:\n  - name: x\n    command: [\"true\"]\n");
        List<String> sh = List.of("/bin/sh", "-c", "echo \"java client: $*\"", "sh");
        // a hint for another JDK than the launcher's (here /bin/sh stands for the launcher's java)
        Cli.Result otherJdk = run(repo, "", sh, "build", "-j", "2");
        assertThat(otherJdk.out()).isEqualTo("java client: build -j 2\n");
        // no daemon known for this jar
        Files.delete(Files.list(dir.resolve("run")).filter(p -> p.toString().endsWith(".hint")).findFirst().orElseThrow());
        Cli.Result noHint = run(repo, "", List.of(JAVA, "-version"), "build");
        assertThat(noHint.err()).contains("version"); // the fallback command ran: java -version, arguments after it
        DaemonClient.writeHint(env);
        // commands the Java client keeps in its own process
        Cli.Result daemonCommand = run(repo, "", sh, "daemon", "status");
        assertThat(daemonCommand.out()).isEqualTo("java client: daemon status\n");
        // the daemon gone: its socket refuses, so the Java client starts a new one
        server.close();
        Cli.Result gone = run(repo, "", sh, "build");
        assertThat(gone.out()).isEqualTo("java client: build\n");
    }

    @Test
    void ctrlCCancelsTheBuildAndWaitsForTheDaemonToStopIt() throws Exception {
        Path repo = repo("""
                steps:
                  - name: long
                    command: "sleep 120 & echo $! > grandchild.pid; wait"
                    shell: true
                """);
        Process p = start(repo, "", List.of(JAVA), "build");
        Path pidFile = repo.resolve("grandchild.pid");
        for (int i = 0; i < 2400 && !(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()); i++) {
            Thread.sleep(50); // polling a file another process writes
        }
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor()).isZero();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isEqualTo(ExitCodes.INTERRUPTED);
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(2, TimeUnit.MINUTES).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        BuildReport report = Reports.read(repo.resolve(".munero/reports/latest.json"));
        assertThat(report.status()).isEqualTo(BuildStatus.CANCELLED);
    }
}
