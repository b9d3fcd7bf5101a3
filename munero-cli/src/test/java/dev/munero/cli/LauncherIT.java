package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./munero} launcher script and the packaged jar (run by failsafe after {@code package}).
 * Issue 9.1: the launcher picks a JDK 21+ for Munero itself, but the steps it runs see the user's own
 * {@code JAVA_HOME}, set or unset, never Munero's pick.
 */
class LauncherIT {
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("munero");

    @TempDir
    Path dir;

    /** A folder {@code name} in the test's temp folder (its real path) holding a munero.yaml of {@code yaml}. */
    private Path project(String name, String yaml) throws Exception {
        Path repo = Files.createDirectories(dir.resolve(name)).toRealPath();
        Files.writeString(repo.resolve("munero.yaml"), yaml);
        return repo;
    }

    private Path repoPrintingJavaHome() throws Exception {
        return project("repo", """
                steps:
                  - name: jdk
                    command: 'echo "${JAVA_HOME-unset}" > java-home.txt'
                    shell: true
                    outputs: [java-home.txt]
                    cache: false
                """);
    }

    /** {@code ./munero build -C repo} without the daemon; what its step wrote to java-home.txt. */
    private static String launch(Path repo, Map<String, String> changes, List<String> remove) throws Exception {
        launchIn(Path.of("").toAbsolutePath(), changes, remove, "build", "-C", repo.toString());
        return Files.readString(repo.resolve("java-home.txt")).strip();
    }

    /** Runs {@code ./munero args...} from {@code cwd} with the test's environment plus {@code changes}; its output. */
    private static String launchIn(Path cwd, Map<String, String> changes, String... args) throws Exception {
        return launchIn(cwd, changes, List.of(), args);
    }

    /**
     * Runs {@code ./munero args...} from {@code cwd} (without the daemon unless {@code changes} says otherwise) with
     * the test's environment plus {@code changes}, less {@code remove}; asserts exit 0 and returns the output.
     */
    private static String launchIn(Path cwd, Map<String, String> changes, List<String> remove, String... args)
            throws Exception {
        assumeTrue(Files.isExecutable(LAUNCHER), "runs from the munero-cli module of a checkout");
        List<String> argv = new java.util.ArrayList<>(List.of(LAUNCHER.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().put("MUNERO_DAEMON", "0");
        pb.environment().putAll(changes);
        remove.forEach(pb.environment()::remove);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        // generous: the first start of a freshly built jar makes its AOT cache with a training run
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    /**
     * Issue 9: once a build found everything cached, the launcher answers the same command without Java (its C check
     * compiled on first use) until something changes; MUNERO_NULL_BUILD=0 always starts Java.
     */
    @Test
    void anUnchangedBuildIsAnsweredWithoutJava() throws Exception {
        Path repo = project("null", """
                steps:
                  - name: greet
                    command: 'mkdir -p out && cat in.txt > out/greeting.txt'
                    shell: true
                    inputs: [in.txt]
                    outputs: [out/greeting.txt]
                """);
        Files.writeString(repo.resolve("in.txt"), "hello\n");
        launchIn(repo, Map.of(), "build");
        Thread.sleep(20); // a clock tick, so the next build's manifest is younger than what it records
        assertThat(launchIn(repo, Map.of(), "build")).contains("1 cached").contains("report:");
        String nullBuild = launchIn(repo, Map.of(), "build");
        assertThat(nullBuild).contains("munero: null build: checked")
                .contains("PASSED: 1 steps, 0 passed, 0 failed, 1 cached, 0 skipped (nothing changed since build ");
        assertThat(launchIn(repo, Map.of("MUNERO_NULL_BUILD", "0"), "build")).doesNotContain("null build")
                .contains("1 cached");
        Files.writeString(repo.resolve("in.txt"), "hello again\n");
        assertThat(launchIn(repo, Map.of(), "build")).doesNotContain("null build").contains("1 passed");
        assertThat(repo.resolve("out/greeting.txt")).hasContent("hello again");
    }

    /**
     * Issue 9: once the Java client has started the daemon, the launcher's native client serves the next commands
     * without a JVM (shown here by a JVM option that would stop any JVM from starting), secrets included.
     */
    @Test
    void commandsReachARunningDaemonWithoutAJvm() throws Exception {
        Path repo = project("daemon", """
                steps:
                  - name: key
                    command: 'printf %s "$MY_API_KEY" > key.txt'
                    shell: true
                    cache: false
                """);
        Map<String, String> daemon = new java.util.HashMap<>(Map.of("MUNERO_DAEMON", "1",
                "MUNERO_DAEMON_DIR", Files.createDirectories(dir.resolve("run")).toString(),
                "MUNERO_DAEMON_IDLE_MINUTES", "5", "MY_API_KEY", "k-123"));
        try {
            assertThat(launchIn(repo, daemon, "build")).contains("1 passed"); // starts the daemon
            daemon.put("MUNERO_JAVA_OPTS", "-XX:+NoSuchJvmOption");
            daemon.put("MY_API_KEY", "k-456");
            assertThat(launchIn(repo, daemon, "build")).contains("1 passed");
            assertThat(repo.resolve("key.txt")).hasContent("k-456");
        } finally {
            daemon.remove("MUNERO_JAVA_OPTS");
            launchIn(repo, daemon, "daemon", "stop");
        }
    }

    @Test
    void stepsSeeTheUsersJavaHomeNotTheJdkMuneroPicked() throws Exception {
        // a JDK 17 that the launcher must not use itself (it needs 21+), so it picks another one for Munero
        Path jdk17 = Files.createDirectories(dir.resolve("jdk-17/bin"));
        for (String tool : List.of("java", "javac")) {
            Path bin = Files.writeString(jdk17.resolve(tool), "#!/bin/sh\nexit 1\n");
            Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(jdk17.getParent().resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        Path repo = repoPrintingJavaHome();
        assertThat(launch(repo, Map.of("JAVA_HOME", jdk17.getParent().toString()), List.of()))
                .isEqualTo(jdk17.getParent().toString());
    }

    /** The launcher's own variables never replace a user's exported ones of the same name, which steps inherit. */
    @Test
    void stepsSeeTheUsersOwnVariablesThatShareANameWithTheLaunchersOld() throws Exception {
        Path repo = project("vars", """
                steps:
                  - name: vars
                    command: 'printf "%s|%s|%s|%s|%s" "$JAVA" "$JAR" "$OPTS" "$HERE" "$name" > java-home.txt'
                    shell: true
                    cache: false
                """);
        Map<String, String> mine = Map.of("JAVA", "my-java", "JAR", "my.jar", "OPTS", "-my", "HERE", "my-here",
                "name", "my-name");
        assertThat(launch(repo, mine, List.of())).isEqualTo("my-java|my.jar|-my|my-here|my-name");
    }

    @Test
    void stepsSeeNoJavaHomeWhenTheUserHasNone() throws Exception {
        Path repo = repoPrintingJavaHome();
        assertThat(launch(repo, Map.of(), List.of("JAVA_HOME"))).isEqualTo("unset");
    }
}
