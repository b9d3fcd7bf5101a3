package dev.munero.engine.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.config.BuildSettings;
import dev.munero.engine.config.Command;
import dev.munero.engine.config.Project;
import dev.munero.engine.config.StepSpec;
import dev.munero.engine.graph.BuildGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9.1: a failed Maven or Gradle step's report names the JDK its environment picked. */
class JdkInfoTest {
    @TempDir
    Path dir;

    private Path fakeJdk(String name, String version) throws Exception {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    @Test
    void namesTheJdkFromJavaHomeForAMavenStep() throws Exception {
        Path jdk = fakeJdk("jdk17", "17.0.15");
        assertThat(JdkInfo.describe(List.of("mvn", "-q", "package"), Map.of("JAVA_HOME", jdk.toString()), dir))
                .contains("JDK " + jdk + " (17.0.15, from JAVA_HOME)");
        assertThat(JdkInfo.describe(List.of("sh", "-c", "cd core && ./gradlew build"), Map.of("JAVA_HOME", jdk.toString()), dir))
                .hasValueSatisfying(s -> assertThat(s).contains("17.0.15"));
    }

    @Test
    void followsJavaOnThePathWhenJavaHomeIsUnset() throws Exception {
        Path jdk = fakeJdk("jdk21", "21.0.9");
        Path bin = Files.createDirectories(dir.resolve("usr-bin"));
        Files.createSymbolicLink(bin.resolve("java"), jdk.resolve("bin/java"));
        assertThat(JdkInfo.describe(List.of("/opt/maven/bin/mvn", "verify"), Map.of("PATH", bin.toString()), dir))
                .contains("JDK " + jdk.toRealPath() + " (21.0.9, java on PATH; JAVA_HOME is not set)");
    }

    @Test
    void saysNothingForStepsThatRunNoJvmBuildTool() {
        assertThat(JdkInfo.describe(List.of("npm", "run", "build"), Map.of("JAVA_HOME", "/x"), dir)).isEmpty();
        assertThat(JdkInfo.describe(List.of("sh", "-c", "echo mvnx"), Map.of("JAVA_HOME", "/x"), dir)).isEmpty();
    }

    @Test
    void aFailedMavenStepsReasonNamesTheJdkItUsed() throws Exception {
        Path jdk = fakeJdk("jdk17", "17.0.15");
        Path bin = Files.createDirectories(dir.resolve("tools"));
        Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\necho \"enforcer: JDK not allowed\"\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = Files.createDirectories(dir.resolve("repo"));
        List<StepSpec> steps = List.of(StepSpec.builder("app:build", new Command.Argv(List.of("mvn", "package"))).build());
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA_HOME", jdk.toString());
        BuildOptions options = new BuildOptions(List.of(), 1, false, false, true, false,
                root.resolve(".munero/cache"), root.resolve(".munero"), env);
        BuildReport report = new BuildEngine(new Project(root, steps, BuildSettings.DEFAULTS, List.of(), "development",
                "test"), BuildGraph.of(steps, root), options, new BuildListener() { }).build();
        StepResult r = report.steps().get(0);
        assertThat(r.status()).isEqualTo(StepStatus.FAILED);
        assertThat(r.reasons().get(r.reasons().size() - 1))
                .isEqualTo("exit code 1; JDK " + jdk + " (17.0.15, from JAVA_HOME)");
    }
}
