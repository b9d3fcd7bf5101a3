package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 9.7 and 9.8 on real repositories generated in temp dirs: munero finds the workspace from inside a package,
 * builds that package's steps with their dependencies, and builds (not tests) by default.
 */
class WorkspaceTargetsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path repo;

    private void write(String rel, String text) throws Exception {
        Cli.write(repo, rel, text);
    }

    private static Cli.Result run(Path cwd, String... args) {
        return Cli.run(cwd, System.getenv(), args);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private void gitInit() throws Exception {
        Process git = new ProcessBuilder("git", "init", "-q", repo.toString()).inheritIO().start();
        assertThat(git.waitFor()).isZero();
    }

    /** a <- b, each with a build and a test script; the tests leave a marker file. */
    private void npmWorkspace() throws Exception {
        write("package.json", "{\"name\":\"mono\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
        for (String p : List.of("a", "b")) {
            String deps = p.equals("b") ? "\"a\":\"*\"" : "";
            write("packages/" + p + "/package.json", "{\"name\":\"" + p + "\",\"version\":\"1.0.0\",\"dependencies\":{" + deps
                    + "},\"scripts\":{\"build\":\"node -e \\\"require('fs').mkdirSync('dist',{recursive:true});"
                    + "require('fs').copyFileSync('src/index.js','dist/index.js')\\\"\","
                    + "\"test\":\"node -e \\\"require('./dist/index.js');require('fs').writeFileSync('tested','yes')\\\"\"}}");
            write("packages/" + p + "/src/index.js", "module.exports = '" + p + "';\n");
        }
    }

    @Test
    void fromInsideAPackageMuneroBuildsThatPackageWithItsDependencyAndKeepsItsStateAtTheRoot() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm and node are needed");
        // given an npm workspace in a git repository, and a user in packages/b/src
        npmWorkspace();
        gitInit();
        Path inB = Files.createDirectories(repo.resolve("packages/b/src"));

        // when
        Cli.Result r = run(inB, "build", "--json");

        // then: a's build ran first (b depends on it), nothing was tested, and .munero is at the root only
        assertThat(r.exitCode()).as(r.all()).isZero();
        BuildReport report = JSON.readValue(r.out(), BuildReport.class);
        assertThat(Cli.statuses(report)).containsOnly(Map.entry("a:build", StepStatus.PASSED),
                Map.entry("b:build", StepStatus.PASSED));
        assertThat(report.targets()).containsExactly("b:build");
        assertThat(r.err()).contains("munero: workspace " + repo + " (found from packages/b/src)",
                "building build in packages/b: b:build and its dependencies (2 of 4 steps)");
        assertThat(repo.resolve("packages/a/dist/index.js")).exists();
        assertThat(repo.resolve("packages/b/dist/index.js")).exists();
        assertThat(repo.resolve("packages/a/tested")).doesNotExist();
        assertThat(repo.resolve("packages/b/.munero")).doesNotExist();
        assertThat(repo.resolve("packages/b/src/.munero")).doesNotExist();
        assertThat(repo.resolve(".munero/reports/latest.json")).exists();

        // and the report path it prints works from where the user stands (the state is at the root, above them)
        Cli.Result again = run(inB, "build");
        assertThat(again.out()).containsPattern("report: " + java.util.regex.Pattern.quote(
                repo.toRealPath().resolve(".munero/reports") + "/") + "[0-9-]+\\.json");
    }

    @Test
    void theDefaultTargetsAreTheBuildStepsAndMuneroTestRunsTheTests() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm and node are needed");
        npmWorkspace();

        // when: munero build at the root
        Cli.Result build = run(repo, "build");
        // then: every package built, none tested, and the summary says which targets ran
        assertThat(build.exitCode()).as(build.all()).isZero();
        assertThat(build.out()).contains("targets: build (2 steps)").doesNotContain(":test");
        assertThat(repo.resolve("packages/a/tested")).doesNotExist();

        // when: munero test, and munero build test
        Cli.Result test = run(repo, "test");
        assertThat(test.exitCode()).as(test.all()).isZero();
        assertThat(test.out()).contains("a:test", "b:test", "targets: test (4 steps)");
        assertThat(repo.resolve("packages/a/tested")).hasContent("yes");
        assertThat(repo.resolve("packages/b/tested")).hasContent("yes");
        Cli.Result again = run(repo, "build", "test", "--json");
        assertThat(JSON.readValue(again.out(), BuildReport.class).targets()).containsExactly("a:test", "b:test");

        // when: munero test from inside a, and an exact step name from inside b
        assertThat(run(repo.resolve("packages/a"), "test").out()).contains("targets: test in packages/a (2 steps)");
        assertThat(run(repo.resolve("packages/b"), "build", "a:test").out()).contains("targets: a:test (2 steps)");
    }

    @Test
    void fromASubfolderOfAMuneroYamlProjectEveryStepBuildsAsBeforeWithStateAtTheRoot() throws Exception {
        // given a munero.yaml project and a user two levels down
        write("munero.yaml", """
                steps:
                  - name: compile
                    command: "mkdir -p out && cp src/a.txt out/a.txt"
                    shell: true
                    inputs: [src/**]
                    outputs: [out/**]
                  - name: test
                    command: "test -f out/a.txt"
                    shell: true
                    dependsOn: [compile]
                """);
        write("src/a.txt", "a");
        Path deep = Files.createDirectories(repo.resolve("src/nested"));

        // when
        Cli.Result r = run(deep, "build");

        // then
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("workspace " + repo + " (found from src/nested), munero.yaml",
                "targets: every step (2 steps)", "compile", "test");
        assertThat(repo.resolve("out/a.txt")).exists();
        assertThat(deep.resolve(".munero")).doesNotExist();
        assertThat(repo.resolve(".munero")).isDirectory();
        // -C still works, and is searched from too
        assertThat(run(Path.of("/"), "graph", "-C", deep.toString()).out()).contains("# workspace " + repo);
    }

    @Test
    void fromAMavenModuleTheDefaultPlanIsThatModulesInstallWithoutTestsAndItsReactorDependencies() throws Exception {
        // given a reactor: app depends on core; both have tests. Planned only (a real run would install into ~/.m2)
        String parent = "<parent><groupId>g</groupId><artifactId>parent</artifactId><version>1</version></parent>";
        write("pom.xml", "<project><modelVersion>4.0.0</modelVersion><groupId>g</groupId><artifactId>parent</artifactId>"
                + "<version>1</version><packaging>pom</packaging><modules><module>core</module><module>app</module>"
                + "</modules></project>");
        write("core/pom.xml", "<project><modelVersion>4.0.0</modelVersion>" + parent + "<artifactId>core</artifactId></project>");
        write("app/pom.xml", "<project><modelVersion>4.0.0</modelVersion>" + parent + "<artifactId>app</artifactId>"
                + "<dependencies><dependency><groupId>g</groupId><artifactId>core</artifactId><version>1</version>"
                + "</dependency></dependencies></project>");
        for (String m : List.of("core", "app")) {
            write(m + "/src/main/java/g/" + m + "/M.java", "package g." + m + "; class M {}");
            write(m + "/src/test/java/g/" + m + "/MTest.java", "package g." + m + "; class MTest {}");
        }
        Path inApp = Files.createDirectories(repo.resolve("app/src/main/java"));

        // when
        Cli.Result build = run(inApp, "build", "--dry-run", "--json");
        Cli.Result test = run(inApp, "test", "--dry-run", "--json");

        // then: app:build with core's and the parent's builds; munero test adds app's tests only
        assertThat(build.exitCode()).as(build.all()).isZero();
        assertThat(names(build.out())).containsExactlyInAnyOrder("parent:build", "core:build", "app:build");
        assertThat(build.err()).contains("found from app/src/main/java", "app:build and its dependencies (3 of 5 steps)");
        assertThat(names(test.out())).containsExactlyInAnyOrder("parent:build", "core:build", "app:build", "app:test");
        assertThat(repo.resolve("app/.munero")).doesNotExist();
    }

    @Test
    void anUnknownTargetIsAUsageErrorNamingIt() throws Exception {
        npmWorkspace();

        Cli.Result r = run(repo.resolve("packages/a"), "build", "lint");

        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("unknown step or task 'lint'");
    }

    private static List<String> names(String planJson) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode n : JSON.readTree(planJson)) {
            out.add(n.get("name").asString());
        }
        return out;
    }
}
