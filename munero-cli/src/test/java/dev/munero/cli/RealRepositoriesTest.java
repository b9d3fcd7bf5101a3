package dev.munero.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Builds real repositories generated in temp dirs, auto-detected, and checks order, statuses and incrementality. */
class RealRepositoriesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path repo;

    private void write(String rel, String text) throws Exception {
        Cli.write(repo, rel, text);
    }

    private BuildReport build() {
        Cli.Result r = Cli.run("build", "-C", repo.toString(), "--json", "-j", "2");
        assertThat(r.exitCode()).as(r.all()).isZero();
        return JSON.readValue(r.out(), BuildReport.class);
    }

    private static Map<String, StepStatus> statuses(BuildReport r) {
        return Cli.statuses(r);
    }

    private static StepResult step(BuildReport r, String name) {
        return r.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void npmWorkspaceBuildsInDependencyOrderAndRebuildsOnlyWhatAnEditReaches() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm and node are needed");
        // given: util <- core <- app, and a standalone docs package
        write("package.json", "{\"name\":\"mono\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
        String build = "node -e \\\"const fs=require('fs');fs.mkdirSync('dist',{recursive:true});"
                + "fs.writeFileSync('dist/index.js',fs.readFileSync('src/index.js','utf8')+'//'+Date.now())\\\"";
        for (String[] p : List.of(new String[] {"util", ""}, new String[] {"core", "\"util\":\"*\""},
                new String[] {"app", "\"core\":\"*\""}, new String[] {"docs", ""})) {
            write("packages/" + p[0] + "/package.json", "{\"name\":\"" + p[0] + "\",\"version\":\"1.0.0\",\"dependencies\":{"
                    + p[1] + "},\"scripts\":{\"build\":\"" + build + "\"}}");
            write("packages/" + p[0] + "/src/index.js", "module.exports = '" + p[0] + "';\n");
        }
        // when
        BuildReport cold = build();
        // then
        assertThat(statuses(cold).values()).containsOnly(StepStatus.PASSED);
        assertThat(step(cold, "core:build").startMillis()).isGreaterThanOrEqualTo(step(cold, "util:build").endMillis());
        assertThat(step(cold, "app:build").startMillis()).isGreaterThanOrEqualTo(step(cold, "core:build").endMillis());
        assertThat(repo.resolve("packages/app/dist/index.js")).exists();

        // when nothing changed
        assertThat(statuses(build()).values()).containsOnly(StepStatus.CACHED);

        // when the middle package's source changes
        write("packages/core/src/index.js", "module.exports = 'core v2';\n");
        BuildReport edit = build();
        assertThat(statuses(edit)).containsOnly(Map.entry("util:build", StepStatus.CACHED), Map.entry("core:build", StepStatus.PASSED),
                Map.entry("app:build", StepStatus.PASSED), Map.entry("docs:build", StepStatus.CACHED));
        assertThat(Files.readString(repo.resolve("packages/core/dist/index.js"))).startsWith("module.exports = 'core v2';");

        // when a built output is deleted, it comes back from the cache, byte for byte
        String before = Files.readString(repo.resolve("packages/app/dist/index.js"));
        Files.delete(repo.resolve("packages/app/dist/index.js"));
        BuildReport restored = build();
        assertThat(statuses(restored).values()).containsOnly(StepStatus.CACHED);
        assertThat(Files.readString(repo.resolve("packages/app/dist/index.js"))).isEqualTo(before);
    }

    @Test
    void mavenReactorReallyCompilesAndRebuildsTheModulesAnEditReaches() throws Exception {
        assumeTrue(onPath("mvn"), "mvn is needed");
        write("pom.xml", pom("parent", "pom", "<modules><module>core</module><module>util</module><module>app</module></modules>", "", true));
        write("core/pom.xml", pom("core", "jar", "", "", false));
        write("util/pom.xml", pom("util", "jar", "", "", false));
        write("app/pom.xml", pom("app", "jar", "", dep("core") + dep("util"), false));
        write("core/src/main/java/gen/core/Core.java", "package gen.core; public class Core { public static String name() { return \"core\"; } }");
        write("util/src/main/java/gen/util/Util.java", "package gen.util; public class Util { public static String up(String s) { return s.toUpperCase(); } }");
        write("app/src/main/java/gen/app/App.java", "package gen.app; public class App { public static void main(String[] a) "
                + "{ System.out.println(gen.util.Util.up(gen.core.Core.name())); } }");

        BuildReport cold = build();
        assertThat(cold.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(statuses(cold).keySet()).contains("parent:build", "core:build", "util:build", "app:build");
        assertThat(statuses(cold).values()).containsOnly(StepStatus.PASSED);
        // issue 9: the cold reactor builds in one Maven run, which orders app after core itself
        assertThat(step(cold, "app:build").reasons()).anyMatch(r -> r.startsWith("built in one Maven run with 3 other modules"));
        assertThat(repo.resolve("app/target/app-1.0.jar")).exists();
        assertThat(repo.resolve("app/target/classes/gen/app/App.class")).exists();

        assertThat(statuses(build()).values()).containsOnly(StepStatus.CACHED);

        write("util/src/main/java/gen/util/Util.java", "package gen.util; public class Util { public static String up(String s) { return \"[\" + s + \"]\"; } }");
        BuildReport edit = build();
        assertThat(step(edit, "util:build").status()).isEqualTo(StepStatus.PASSED);
        assertThat(step(edit, "app:build").status()).isEqualTo(StepStatus.PASSED);
        assertThat(step(edit, "core:build").status()).isEqualTo(StepStatus.CACHED);
        assertThat(step(edit, "parent:build").status()).isEqualTo(StepStatus.CACHED);
    }

    private static String dep(String artifact) {
        return "<dependency><groupId>gen.munero.test</groupId><artifactId>" + artifact + "</artifactId><version>1.0</version></dependency>";
    }

    private static String pom(String artifact, String packaging, String modules, String deps, boolean root) {
        String parent = root ? "" : "<parent><groupId>gen.munero.test</groupId><artifactId>parent</artifactId><version>1.0</version></parent>";
        String props = root ? "<properties><maven.compiler.source>17</maven.compiler.source><maven.compiler.target>17</maven.compiler.target>"
                + "<project.build.sourceEncoding>UTF-8</project.build.sourceEncoding></properties>" : "";
        return "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>" + parent
                + "<groupId>gen.munero.test</groupId><artifactId>" + artifact + "</artifactId><version>1.0</version>"
                + "<packaging>" + packaging + "</packaging>" + props + modules
                + (deps.isEmpty() ? "" : "<dependencies>" + deps + "</dependencies>") + "</project>";
    }
}
