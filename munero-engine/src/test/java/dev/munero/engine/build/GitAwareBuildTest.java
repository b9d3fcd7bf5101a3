package dev.munero.engine.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.Workspace;
import dev.munero.engine.cache.GitFiles;
import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.Command;
import dev.munero.engine.config.Project;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.graph.BuildGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds on real repository shapes in a real git repository (issue 9, points 2, 5, 6 and 9): what git tracks
 * is never touched, what git ignores is not an input, a step that writes into its own inputs hits the cache
 * on the next build, and two builds of one repository take turns.
 */
class GitAwareBuildTest {
    @TempDir
    Path root;

    private final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void gitRepository() throws Exception {
        assumeTrue(run(root, "git", "--version").startsWith("git version"), "git is not installed");
        git("init", "-q");
    }

    private String git(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.email=t@example.com", "-c", "user.name=t"));
        argv.addAll(List.of(args));
        return run(root, argv.toArray(String[]::new));
    }

    private static String run(Path dir, String... argv) throws Exception {
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("%s: %s", String.join(" ", argv), out).isZero();
            return out;
        } catch (IOException e) {
            return "";
        }
    }

    private void write(String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private BuildOptions options() {
        return new BuildOptions(List.of(), 2, false, false, true, false, root.resolve(".munero/cache"),
                root.resolve(".munero"), System.getenv());
    }

    private BuildListener listener() {
        return new BuildListener() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        };
    }

    private BuildReport build(List<StepSpec> steps) throws Exception {
        Project project = new Project(root, steps, BuildSettings.DEFAULTS, List.of(), "development", "test");
        return new BuildEngine(project, BuildGraph.of(steps, root), options(), listener()).build();
    }

    private BuildReport build(Workspace ws) throws Exception {
        return new BuildEngine(ws.project(), ws.graph(), options(), listener()).build();
    }

    private static StepResult step(BuildReport r, String name) {
        return r.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static List<StepStatus> statuses(BuildReport r) {
        return r.steps().stream().map(StepResult::status).distinct().collect(Collectors.toList());
    }

    private static StepSpec.Builder sh(String name, String script) {
        return StepSpec.builder(name, new Command.Shell(script));
    }

    /** An npm workspace whose package a keeps a tracked helper in build/, the directory npm builds write to. */
    private void npmWorkspaceWithTrackedHelper() throws Exception {
        write("package.json", "{\"name\":\"root\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
        write("packages/a/package.json", "{\"name\":\"a\",\"version\":\"1.0.0\",\"scripts\":{\"build\":"
                + "\"mkdir -p build && cat build/helper.js > build/out.js\"}}");
        write("packages/a/build/helper.js", "// helper\n");
        write(".gitignore", "node_modules/\n");
        git("add", "-A");
        git("commit", "-qm", "init");
    }

    @Test
    void aDetectedOutputGlobIsNarrowedAwayFromATrackedFileWithAWarning() throws Exception {
        // issue 9.2: every package's build/** was an output, so the tracked helper was deleted and reverted
        npmWorkspaceWithTrackedHelper();

        Workspace ws = Workspace.open(root, "development");

        StepSpec build = ws.graph().steps().stream().filter(s -> s.name().equals("a:build")).findFirst().orElseThrow();
        assertThat(build.outputs()).contains("build/**", "!/packages/a/build/helper.js");
        assertThat(build.inputs()).doesNotContain("!build/**");
        assertThat(ws.warnings()).anyMatch(w -> w.startsWith("step a:build: the detected output glob build/** matches 1 file "
                + "git tracks (packages/a/build/helper.js)"));
    }

    @Test
    void aDetectedOutputGlobThatMatchesManyTrackedFilesIsDropped() throws Exception {
        // issue 9.2: a directory that is mostly sources is no output at all
        npmWorkspaceWithTrackedHelper();
        for (int i = 0; i < 21; i++) {
            write("packages/a/out/src" + i + ".js", "// source " + i + "\n");
        }
        git("add", "-A");
        git("commit", "-qm", "sources in out/");

        Workspace ws = Workspace.open(root, "development");

        StepSpec build = ws.graph().steps().stream().filter(s -> s.name().equals("a:build")).findFirst().orElseThrow();
        assertThat(build.outputs()).doesNotContain("out/**").contains("build/**");
        assertThat(ws.warnings()).anyMatch(w -> w.startsWith("step a:build: dropped the detected output glob out/**: it "
                + "matches 21 files git tracks (packages/a/out/src0.js and 20 more)"));
    }

    @Test
    void aUsersEditToATrackedFileInADetectedOutputDirectorySurvivesARebuild() throws Exception {
        // issue 9.2: "CACHED ... restored 1 of 2 output files" put the cached copy over the user's edit
        assumeTrue(!run(root, "sh", "-c", "command -v npm || true").isBlank(), "npm is not installed");
        npmWorkspaceWithTrackedHelper();
        assertThat(build(Workspace.open(root, "development")).status()).isEqualTo(BuildStatus.PASSED);

        write("packages/a/build/helper.js", "// helper, edited by its user\n");
        Files.delete(root.resolve("packages/a/build/out.js"));
        BuildReport second = build(Workspace.open(root, "development"));

        assertThat(Files.readString(root.resolve("packages/a/build/helper.js"))).isEqualTo("// helper, edited by its user\n");
        assertThat(step(second, "a:build").status()).as("the tracked helper is an input now").isEqualTo(StepStatus.PASSED);
        assertThat(Files.readString(root.resolve("packages/a/build/out.js"))).isEqualTo("// helper, edited by its user\n");
    }

    @Test
    void aCacheHitNeverRestoresOverAFileGitStartedTrackingAfterItWasStored() throws Exception {
        // issue 9.2, defence in depth: an entry stored before the file was tracked names it as an output
        write("src/in.txt", "1\n");
        List<StepSpec> steps = List.of(sh("gen", "mkdir -p build && cp src/in.txt build/out.txt && echo gen > build/helper.js")
                .inputs(List.of("src/**")).outputs(List.of("build/**")).build());
        assertThat(build(steps).status()).isEqualTo(BuildStatus.PASSED);
        git("add", "build/helper.js");
        write("build/helper.js", "// now the user's\n");
        Files.delete(root.resolve("build/out.txt"));

        BuildReport second = build(steps);

        assertThat(step(second, "gen").status()).isEqualTo(StepStatus.CACHED);
        assertThat(step(second, "gen").reasons()).containsExactly(
                "cache hit: restored 1 of 2 output files; left 1 git-tracked file as it is");
        assertThat(Files.readString(root.resolve("build/helper.js"))).isEqualTo("// now the user's\n");
        assertThat(root.resolve("build/out.txt")).hasContent("1");
        assertThat(warnings).anyMatch(w -> w.startsWith("step gen: did not restore 1 output file that git tracks (build/helper.js)"));
    }

    @Test
    void aBuildThatWritesAnIgnoredFileIntoItsPackageIsCachedOnTheNextRun() throws Exception {
        // issue 9.5: 'cp ../../README.md .' made the next build miss (17 of 21 steps rebuilt on corvu), and
        // turbo's .turbo/ logs invalidated everything
        write("README.md", "readme\n");
        write("packages/a/index.js", "x\n");
        write(".gitignore", "packages/*/README.md\n");
        git("add", "-A");
        git("commit", "-qm", "init");
        List<StepSpec> steps = List.of(sh("a:build", "cp ../../README.md . && mkdir -p .turbo && date +%N > .turbo/log")
                .cwd("packages/a").build());

        assertThat(step(build(steps), "a:build").status()).isEqualTo(StepStatus.PASSED);
        write("packages/a/README.md", "changed, but git ignores it\n");
        BuildReport second = build(steps);

        assertThat(step(second, "a:build").status()).isEqualTo(StepStatus.CACHED);

        write("packages/a/index.js", "y\n");
        assertThat(step(build(steps), "a:build").status()).as("a file git does not ignore is an input")
                .isEqualTo(StepStatus.PASSED);
    }

    @Test
    void aMakeStepHitsTheCacheOnTheSecondBuild() throws Exception {
        // issue 9.6: the make step's products were hashed as its inputs, so it took two extra builds
        assumeTrue(!run(root, "sh", "-c", "command -v make || true").isBlank(), "make is not installed");
        write("Makefile", "hello: hello.c\n\tcat hello.c > hello\n");
        write("hello.c", "int main(void) { return 0; }\n");
        git("add", "-A");
        git("commit", "-qm", "init");

        BuildReport first = build(Workspace.open(root, "development"));
        BuildReport second = build(Workspace.open(root, "development"));

        assertThat(step(first, "make:build").status()).isEqualTo(StepStatus.PASSED);
        assertThat(step(first, "make:build").reasons()).anyMatch(r -> r.startsWith("the step changed its own inputs"));
        assertThat(step(second, "make:build").status()).isEqualTo(StepStatus.CACHED);
        write("hello.c", "int main(void) { return 1; }\n");
        assertThat(step(build(Workspace.open(root, "development")), "make:build").status()).isEqualTo(StepStatus.PASSED);
        assertThat(root.resolve("hello")).hasContent("int main(void) { return 1; }");
    }

    @Test
    void aBuildKeepsItsStateDirectoryOutOfGitStatus() throws Exception {
        // issue 9.9: munero build left .munero/ untracked in 'git status'
        write("a.txt", "a\n");
        build(List.of(sh("a", "true").build()));

        assertThat(git("status", "--porcelain", "--untracked-files=all")).doesNotContain(".munero");
        assertThat(root.resolve(".git/info/exclude")).content().contains("/.munero/");
        assertThat(root.resolve(".gitignore")).doesNotExist();
        build(List.of(sh("a", "true").build()));
        assertThat(Files.readAllLines(root.resolve(".git/info/exclude")).stream().filter(l -> l.equals("/.munero/")))
                .as("added once").hasSize(1);
    }

    @Test
    void aSecondConcurrentBuildWaitsWithAMessageThenFindsEverythingCached() throws Exception {
        // issue 9.9: two concurrent builds of one repository both ran every step
        write("src/a.txt", "a\n");
        Path release = root.resolve("release");
        List<StepSpec> steps = List.of(
                sh("slow", "while [ ! -f ../release ]; do sleep 0.05; done; mkdir -p out && cp a.txt out/a.txt")
                        .cwd("src").inputs(List.of("a.txt")).outputs(List.of("out/**")).build(),
                sh("after", "cat src/out/a.txt > b.txt").inputs(List.of("src/out/**")).outputs(List.of("b.txt"))
                        .dependsOn(List.of("slow")).build());
        Project project = new Project(root, steps, BuildSettings.DEFAULTS, List.of(), "development", "test");
        CountDownLatch firstRunning = new CountDownLatch(1);
        CountDownLatch secondWaiting = new CountDownLatch(1);
        List<String> secondWarnings = Collections.synchronizedList(new ArrayList<>());
        BuildListener first = new BuildListener() {
            @Override
            public void stepStarted(String step) {
                firstRunning.countDown();
            }
        };
        BuildListener second = new BuildListener() {
            @Override
            public void warning(String message) {
                secondWarnings.add(message);
                secondWaiting.countDown();
            }
        };

        CompletableFuture<BuildReport> a = CompletableFuture.supplyAsync(() -> buildQuietly(project, steps, first));
        assertThat(firstRunning.await(5, TimeUnit.MINUTES)).isTrue();
        CompletableFuture<BuildReport> b = CompletableFuture.supplyAsync(() -> buildQuietly(project, steps, second));
        assertThat(secondWaiting.await(5, TimeUnit.MINUTES)).as("the second build says it waits").isTrue();
        Files.writeString(release, "go");

        BuildReport firstReport = a.get(5, TimeUnit.MINUTES);
        BuildReport secondReport = b.get(5, TimeUnit.MINUTES);
        assertThat(statuses(firstReport)).containsOnly(StepStatus.PASSED);
        assertThat(statuses(secondReport)).containsOnly(StepStatus.CACHED);
        assertThat(secondWarnings.get(0)).startsWith("another build of this repository is running in this Munero process")
                .endsWith("waiting for it to finish, then this build reuses its results from the cache");
    }

    private BuildReport buildQuietly(Project project, List<StepSpec> steps, BuildListener listener) {
        try {
            return new BuildEngine(project, BuildGraph.of(steps, root), options(), listener).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theGitViewIsReusedUntilSomethingGitReadsChanges() throws Exception {
        // a cached rerun in the daemon starts no git process while the tree is unchanged
        write("src/a.js", "a");
        write(".gitignore", "dist/\n");
        git("add", "-A");
        git("commit", "-qm", "init");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        try (var all = Files.walk(root)) {
            for (Path p : all.toList()) {
                Files.setLastModifiedTime(p, old); // older than the racy window, as in a tree last touched an hour ago
            }
        }

        GitFiles first = GitFiles.snapshot(root);
        assertThat(GitFiles.snapshot(root)).isSameAs(first);

        write("src/.gitignore", "*.gen.js\n");
        assertThat(GitFiles.snapshot(root)).as("a new .gitignore changes its directory's stamp").isNotSameAs(first);
    }

    @Test
    void gitFilesTellsTrackedIgnoredAndNewFilesApart() throws Exception {
        write("src/a.js", "a");
        write("dist/x.js", "x");
        write(".gitignore", "dist/\n*.log\n");
        git("add", "-A");
        git("commit", "-qm", "init");
        write("src/new.js", "n");
        write("src/late.log", "l");

        GitFiles files = GitFiles.load(root);

        assertThat(files.inGit()).isTrue();
        assertThat(files.isTracked("src/a.js")).isTrue();
        assertThat(files.isTracked("src/new.js")).isFalse();
        write("src/after.js", "created after the snapshot");
        write("src/after.log", "created after the snapshot");
        assertThat(files.notIgnored(List.of("src/a.js", "src/new.js", "src/late.log", "dist/x.js", "dist/y.js",
                "src/after.js", "src/after.log"))).containsExactly("src/a.js", "src/new.js", "src/after.js");
        GitFiles outside = GitFiles.load(root.getParent());
        if (!outside.inGit()) {
            assertThat(outside.why()).contains("not a git repository");
        }
    }
}
