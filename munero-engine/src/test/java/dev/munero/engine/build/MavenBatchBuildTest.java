package dev.munero.engine.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.Workspace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detected Maven reactor whose modules miss the cache builds in one Maven process, with per-module cache
 * keys and results (issue 9, Maven goal). Real {@code mvn}, offline, into a private local repository that is a
 * hard-link copy of {@code ~/.m2/repository} (so the shared one is never written); the reactor's {@code mvnw}
 * is a wrapper that logs each invocation's arguments and runs the real {@code mvn}.
 */
class MavenBatchBuildTest {
    @TempDir
    static Path shared;
    static Path repo;
    static Path realMvn;

    @TempDir
    Path root;
    Path invocations;

    @BeforeAll
    static void privateLocalRepository() throws Exception {
        realMvn = List.of("/usr/bin/mvn", "/usr/local/bin/mvn").stream().map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
        assumeTrue(realMvn != null && Files.isDirectory(m2.resolve("org/apache/maven/plugins/maven-compiler-plugin"))
                        && Files.isDirectory(m2.resolve("org/apache/maven/plugins/maven-install-plugin")),
                "needs mvn and its compiler/install plugins in ~/.m2 (the test runs offline)");
        repo = shared.resolve("repo");
        Process p = new ProcessBuilder("cp", "-al", m2.toString(), repo.toString()).inheritIO().start();
        assumeTrue(p.waitFor() == 0, "cannot hard-link a copy of ~/.m2/repository");
    }

    @BeforeEach
    void reactor() throws IOException {
        invocations = root.resolve("mvn-invocations.txt");
        write("mvnw", "#!/bin/sh\necho \"$*\" >> '" + invocations + "'\necho $$ > '" + root.resolve("mvn.pid") + "'\nexec '" + realMvn + "' -o -Dmaven.repo.local='"
                + repo + "' \"$@\"\n");
        Files.setPosixFilePermissions(root.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
        write("pom.xml", """
                <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
                <groupId>t.batch</groupId><artifactId>root</artifactId><version>1.0</version><packaging>pom</packaging>
                <name>The Root</name>
                <properties><maven.compiler.source>17</maven.compiler.source><maven.compiler.target>17</maven.compiler.target>
                <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>
                <modules><module>a</module><module>b</module><module>c</module><module>d</module></modules></project>
                """);
        module("a", null);
        module("b", "a");
        module("c", "b");
        module("d", "a");
    }

    private void module(String name, String dependsOn) throws IOException {
        String dep = dependsOn == null ? "" : "<dependencies><dependency><groupId>t.batch</groupId><artifactId>" + dependsOn
                + "</artifactId><version>1.0</version></dependency></dependencies>";
        write(name + "/pom.xml", "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                + "<parent><groupId>t.batch</groupId><artifactId>root</artifactId><version>1.0</version></parent>"
                + "<artifactId>" + name + "</artifactId>" + dep + "</project>");
        String use = dependsOn == null ? "" : " " + dependsOn + ".X uses;";
        write(name + "/src/main/java/" + name + "/X.java", "package " + name + "; public class X {" + use + " }\n");
    }

    private void write(String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private BuildReport build(boolean keepGoing) throws Exception {
        return engine(keepGoing).build();
    }

    private BuildEngine engine(boolean keepGoing) throws Exception {
        Workspace ws = Workspace.open(root, "development");
        BuildOptions options = new BuildOptions(List.of(), 2, keepGoing, false, true, false, root.resolve(".munero/cache"),
                root.resolve(".munero"), System.getenv());
        return new BuildEngine(ws.project(), ws.graph().select(buildSteps(ws)), options, BuildListener.NONE);
    }

    private static List<String> buildSteps(Workspace ws) {
        return ws.graph().steps().stream().map(s -> s.name()).filter(n -> n.endsWith(":build")).toList();
    }

    private List<String> mavenRuns() throws IOException {
        return Files.exists(invocations) ? Files.readAllLines(invocations) : List.of();
    }

    private static Map<String, StepStatus> statuses(BuildReport r) {
        return r.steps().stream().collect(Collectors.toMap(StepResult::name, StepResult::status));
    }

    @Test
    void aColdReactorBuildsInOneMavenRunThenIsCachedAndAChangedLeafRebuildsAlone() throws Exception {
        BuildReport cold = build(false);

        assertThat(statuses(cold)).containsExactlyInAnyOrderEntriesOf(Map.of("root:build", StepStatus.PASSED,
                "a:build", StepStatus.PASSED, "b:build", StepStatus.PASSED, "c:build", StepStatus.PASSED,
                "d:build", StepStatus.PASSED));
        assertThat(mavenRuns()).hasSize(1);
        assertThat(mavenRuns().get(0)).contains("install", "-fae", "-pl").doesNotContain("-q");
        assertThat(root.resolve("c/target/classes/c/X.class")).exists();
        assertThat(cold.steps()).allSatisfy(s -> assertThat(s.cacheKey()).isNotNull());

        BuildReport cached = build(false);
        assertThat(statuses(cached).values()).containsOnly(StepStatus.CACHED);
        assertThat(mavenRuns()).hasSize(1);

        write("c/src/main/java/c/X.java", "package c; public class X { b.X uses; int changed; }\n");
        BuildReport leaf = build(false);
        assertThat(statuses(leaf)).containsEntry("c:build", StepStatus.PASSED).containsEntry("a:build", StepStatus.CACHED)
                .containsEntry("b:build", StepStatus.CACHED).containsEntry("d:build", StepStatus.CACHED);
        assertThat(mavenRuns()).hasSize(2);
        assertThat(mavenRuns().get(1)).contains("-q", "-pl c").doesNotContain(",");
    }

    @Test
    void aCompileErrorFailsItsModuleWithTheErrorAndSkipsItsDependentsWhileTheOthersPass() throws Exception {
        write("b/src/main/java/b/X.java", "package b; public class X { int broken = ; }\n");

        BuildReport r = build(true);

        Map<String, StepStatus> s = statuses(r);
        assertThat(s).containsEntry("root:build", StepStatus.PASSED).containsEntry("a:build", StepStatus.PASSED)
                .containsEntry("d:build", StepStatus.PASSED).containsEntry("b:build", StepStatus.FAILED)
                .containsEntry("c:build", StepStatus.SKIPPED);
        assertThat(mavenRuns()).hasSize(1);
        StepResult b = r.steps().stream().filter(x -> x.name().equals("b:build")).findFirst().orElseThrow();
        assertThat(b.reasons()).anyMatch(x -> x.contains("on project b"));
        assertThat(Files.readString(root.resolve(b.logFile()), StandardCharsets.UTF_8)).contains("b/X.java");
        StepResult c = r.steps().stream().filter(x -> x.name().equals("c:build")).findFirst().orElseThrow();
        assertThat(c.reasons()).containsExactly("dependency b:build did not succeed");

        // the modules that passed were stored under their own keys: fixing b rebuilds only b and c
        write("b/src/main/java/b/X.java", "package b; public class X { a.X uses; }\n");
        BuildReport fixed = build(true);
        assertThat(statuses(fixed)).containsEntry("a:build", StepStatus.CACHED).containsEntry("d:build", StepStatus.CACHED)
                .containsEntry("b:build", StepStatus.PASSED).containsEntry("c:build", StepStatus.PASSED);
        assertThat(mavenRuns()).hasSize(2);
        assertThat(mavenRuns().get(1)).contains("-pl b,c");
    }

    @Test
    void cancellingTheBuildKillsTheOneMavenProcessAndCancelsEveryModuleInIt() throws Exception {
        BuildEngine engine = engine(false);
        CompletableFuture<BuildReport> report = CompletableFuture.supplyAsync(() -> {
            try {
                return engine.build();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Path pidFile = root.resolve("mvn.pid");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!(Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) && System.nanoTime() < deadline) {
            Thread.sleep(20); // Maven is an outside process: poll for the file its wrapper writes
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());

        engine.cancel();
        BuildReport r = report.get(3, TimeUnit.MINUTES);

        assertThat(statuses(r).values()).containsOnly(StepStatus.CANCELLED);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("Maven (pid %d) is killed", pid).isFalse();
        assertThat(mavenRuns()).hasSize(1);
        assertThat(mavenRuns().get(0)).contains("-pl");
    }

    @Test
    void reactorSummaryLinesOfMaven38And39AreReadWithTheirTimes() {
        // javaparser under Maven 3.9.16: no <name>, so groupId:artifactId, and a long one leaves no room for dots
        Map<String, String> status = new java.util.HashMap<>();
        Map<String, Long> took = new java.util.HashMap<>();
        for (String line : List.of(
                "[INFO] javaparser-parent .................................. SUCCESS [  0.108 s]",
                "[INFO] com.github.javaparser:javaparser-core .............. SUCCESS [ 14.386 s]",
                "[INFO] com.github.javaparser:javaparser-core-metamodel-generator SUCCESS [  0.177 s]",
                "[INFO] com.github.javaparser:javaparser-core-serialization  FAILURE [01:02 min]",
                "[INFO] com.github.javaparser:javaparser-symbol-solver-core  SKIPPED",
                "[INFO] JavaParser Core 3.1 ................................ SUCCESS [  2.658 s]")) {
            java.util.regex.Matcher m = MavenBatchRun.SUMMARY.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            status.put(m.group(1), m.group(2));
            if (m.group(3) != null) {
                took.put(m.group(1), MavenBatchRun.millis(m.group(3), m.group(4)));
            }
        }
        assertThat(MavenBatchRun.bySummaryName(status, batchOf("javaparser-parent", "javaparser-parent"))).isEqualTo("SUCCESS");
        assertThat(MavenBatchRun.bySummaryName(took, batchOf("javaparser-core", "javaparser-core"))).isEqualTo(14_386L);
        assertThat(MavenBatchRun.bySummaryName(took, batchOf("javaparser-core-metamodel-generator",
                "javaparser-core-metamodel-generator"))).isEqualTo(177L);
        assertThat(MavenBatchRun.bySummaryName(status, batchOf("javaparser-core-serialization", "javaparser-core-serialization")))
                .isEqualTo("FAILURE");
        assertThat(MavenBatchRun.bySummaryName(took, batchOf("javaparser-core-serialization", "javaparser-core-serialization")))
                .isEqualTo(62_000L);
        assertThat(MavenBatchRun.bySummaryName(status, batchOf("javaparser-symbol-solver-core", "javaparser-symbol-solver-core")))
                .isEqualTo("SKIPPED");
        assertThat(MavenBatchRun.bySummaryName(status, batchOf("core", "JavaParser Core"))).isEqualTo("SUCCESS");
        assertThat(MavenBatchRun.bySummaryName(Map.of("core 1", "SUCCESS", "core 2", "FAILURE"), batchOf("x", "core"))).isNull();
    }

    private static dev.munero.engine.config.StepSpec.MavenBatch batchOf(String artifactId, String displayName) {
        return new dev.munero.engine.config.StepSpec.MavenBatch(".", List.of("mvn"), artifactId, artifactId, displayName);
    }
}
