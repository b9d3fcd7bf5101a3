package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.build.NullBuild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: the null-build check ({@code src/main/c/null_build.c}, compiled with the machine's C compiler as the
 * launcher does) against manifests written by real {@code munero build}s in a real git repository: it answers only
 * while nothing the build depends on changed, and steps aside for every kind of change.
 */
class NullBuildCheckTest {

    @TempDir
    static Path bin;
    static Path checker;

    @TempDir
    Path dir;
    Path repo;
    Map<String, String> env;

    @BeforeAll
    static void compile() throws Exception {
        checker = NativePrograms.compile("null_build.c", bin, "munero-null-build");
    }

    @BeforeEach
    void repository() throws Exception {
        repo = Files.createDirectories(dir.resolve("repo")).toRealPath(); // getcwd() gives the real path
        Cli.write(repo, "munero.yaml", """
                steps:
                  - name: lib
                    command: 'mkdir -p out && cat src/*.txt > out/lib.txt'
                    shell: true
                    inputs: [src]
                    outputs: [out/lib.txt]
                  - name: app
                    command: 'cat out/lib.txt > app.txt'
                    shell: true
                    dependsOn: [lib]
                    inputs: [out/lib.txt]
                    outputs: [app.txt]
                """);
        Cli.write(repo, "src/a.txt", "alpha\n");
        Cli.write(repo, ".gitignore", "out/\napp.txt\n");
        git("init", "-q");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init");
        env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", dir.resolve("home").toString());
        env.put("LANG", "C.UTF-8");
    }

    private void git(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private Cli.Result build(String... args) {
        List<String> argv = new ArrayList<>(List.of("build"));
        argv.addAll(List.of(args));
        Cli.Result r = Cli.run(repo, env, argv.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.all()).isZero();
        return r;
    }

    /** Runs the checker as the launcher does; its exit code and what it printed (stdout, then stderr). */
    private Cli.Result check(Path cwd, Map<String, String> environment, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(checker.toString()));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        pb.environment().put("MUNERO_NULL_BUILD", "explain"); // a launcher switch: not part of the digest
        Path out = dir.resolve("check.out");
        Path err = dir.resolve("check.err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Cli.Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private Cli.Result check(String... args) throws Exception {
        return check(repo, env, args);
    }

    /** A build, then another: the second finds every step cached and leaves a manifest with trustworthy stamps. */
    private void buildTwice(String... args) throws Exception {
        build(args);
        Thread.sleep(20); // past a clock tick: the second build's manifest is younger than every file it records
        build(args);
    }

    @Test
    void answersAnUnchangedBuildWithTheLinesItPrinted() throws Exception {
        Cli.Result first = build();
        Thread.sleep(20);
        Cli.Result second = build();
        assertThat(second.out()).contains("2 cached");
        Cli.Result r = check("build");
        assertThat(r.exitCode()).as(r.all()).isZero();
        String header = first.out().lines().limit(2).reduce((a, b) -> a + "\n" + b).orElseThrow();
        assertThat(r.out()).startsWith(header + "\n")
                .contains("munero: null build: checked ")
                .contains("PASSED: 2 steps, 0 passed, 0 failed, 2 cached, 0 skipped (nothing changed since build ")
                .containsPattern("report: \\.munero/reports/\\d{8}-\\d{6}-\\d{5}\\.json");
        assertThat(r.err()).isEmpty();
        // the answer changes nothing, so it can be given again
        assertThat(check("build").exitCode()).isZero();
    }

    @Test
    void stepsAsideWhenAnInputChangesEvenWithItsSizeAndTimeKept() throws Exception {
        buildTwice();
        Path a = repo.resolve("src/a.txt");
        FileTime before = Files.getLastModifiedTime(a);
        Files.writeString(a, "ALPHA\n"); // same size
        Files.setLastModifiedTime(a, before); // and the old modification time: the change time still moves
        Cli.Result r = check("build");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("changed: " + a);
        // Java's build then finds the change, and the next check answers again
        assertThat(build().out()).contains("PASSED    lib");
        Thread.sleep(20);
        build();
        assertThat(check("build").exitCode()).isZero();
    }

    @Test
    void stepsAsideForANewFileAnOutputGoneACacheEntryGoneOrAGitignoreEdit() throws Exception {
        buildTwice();
        Cli.write(repo, "src/b.txt", "beta\n");
        assertThat(check("build").err()).contains("folder changed: " + repo.resolve("src"));
        Files.delete(repo.resolve("src/b.txt"));
        assertThat(check("build").err()).contains("folder changed");
        buildTwice();
        assertThat(check("build").exitCode()).isZero();

        Files.writeString(repo.resolve("app.txt"), "tampered");
        assertThat(check("build").err()).contains("changed: " + repo.resolve("app.txt"));
        buildTwice(); // restores app.txt from the cache
        assertThat(repo.resolve("app.txt")).hasContent("alpha");
        Files.delete(repo.resolve("out/lib.txt"));
        assertThat(check("build").err()).contains("gone: " + repo.resolve("out/lib.txt"));
        buildTwice();
        assertThat(check("build").exitCode()).isZero();

        try (Stream<Path> s = Files.walk(repo.resolve(".munero/cache/ac"))) {
            Path entry = s.filter(Files::isRegularFile).findFirst().orElseThrow();
            Files.delete(entry);
            assertThat(check("build").err()).contains("gone: " + entry);
        }
        buildTwice();
        assertThat(check("build").exitCode()).isZero();

        Files.writeString(repo.resolve(".gitignore"), "out/\napp.txt\n*.log\n");
        assertThat(check("build").err()).contains("changed: " + repo.resolve(".gitignore"));
    }

    @Test
    void answersOnlyTheSameCommandInTheSameFolderWithTheSameEnvironment() throws Exception {
        buildTwice("-j", "2");
        assertThat(check("build", "-j", "2").exitCode()).isZero();
        assertThat(check("build").err()).contains("no manifest for this command");
        assertThat(check("build", "-j", "1").err()).contains("no manifest for this command");
        Map<String, String> other = new HashMap<>(env);
        other.put("NODE_ENV", "production");
        assertThat(check(repo, other, "build", "-j", "2").err()).contains("the environment changed");
        other = new HashMap<>(env);
        other.put("SHLVL", "7"); // a shell's own: ignored, like the launcher's switches
        other.put("MUNERO_DAEMON", "0");
        other.put("JAVA_MAIN_CLASS_4242", "dev.munero.cli.Main"); // macOS's java launcher adds these to its own
        assertThat(check(repo, other, "build", "-j", "2").exitCode()).isZero();
        Path sub = Files.createDirectories(repo.resolve("src/deeper"));
        assertThat(check(sub, env, "build", "-j", "2").err()).contains("no manifest for this command");
    }

    @Test
    void findsTheManifestOfABuildStartedElsewhereWithDashC() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere")).toRealPath();
        for (List<String> args : List.of(List.of("build", "-C", "../repo"), List.of("build", "--directory=" + repo),
                List.of("build", "-C" + repo))) {
            String[] argv = args.toArray(String[]::new);
            assertThat(Cli.run(elsewhere, env, argv).exitCode()).isZero();
            Thread.sleep(20);
            assertThat(Cli.run(elsewhere, env, argv).exitCode()).isZero();
            Cli.Result r = check(elsewhere, env, argv);
            assertThat(r.exitCode()).as(args + ": " + r.all()).isZero();
            assertThat(check(repo, env, argv).exitCode()).as("another working directory is another command").isEqualTo(1);
        }
    }

    @Test
    void neverTrustsAStampAsNewAsTheManifest() throws Exception {
        build();
        build();
        Path manifest;
        try (Stream<Path> s = Files.list(repo.resolve(".munero/state/null-build"))) {
            manifest = s.findFirst().orElseThrow();
        }
        // as if the build had ended in the same clock tick as the files it recorded were written
        Files.setLastModifiedTime(manifest, FileTime.from(Instant.now().minusSeconds(600)));
        assertThat(check("build").err()).contains("changed too close to the last build to trust its time stamp");
    }

    @Test
    void anInputEditedDuringTheBuildAfterItWasHashedIsAChange() throws Exception {
        // 'append' edits lib's input after lib hashed it (an undeclared dependency): the next build must rebuild lib,
        // so the manifest holds the stamp lib's key was computed from, not the one the build ended with
        Cli.write(repo, "munero.yaml", Files.readString(repo.resolve("munero.yaml")) + """
                  - name: append
                    command: 'echo more >> src/a.txt'
                    shell: true
                    dependsOn: [app]
                    inputs: [munero.yaml]
                """);
        buildTwice();
        Cli.Result r = check("build");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).contains("null build: no: ");
        assertThat(build().out()).contains("PASSED    lib");
    }

    @Test
    void aBuildThatFailsOrIsForcedLeavesNoManifest() throws Exception {
        buildTwice();
        assertThat(check("build").exitCode()).isZero();
        build("--force"); // another request: its own manifest is never written, and it changes the outputs' stamps
        assertThat(check("build", "--force").err()).contains("no manifest for this command");
        assertThat(check("build").exitCode()).isEqualTo(1);
        buildTwice();
        Cli.write(repo, "munero.yaml", Files.readString(repo.resolve("munero.yaml")).replace("cat out/lib.txt", "exit 3; cat out/lib.txt"));
        Cli.Result failed = Cli.run(repo, env, "build");
        assertThat(failed.exitCode()).isEqualTo(1);
        String digest = NullBuild.requestDigest(repo, List.of("build"));
        assertThat(repo.resolve(".munero/state/null-build").resolve(digest)).doesNotExist();
    }
}
