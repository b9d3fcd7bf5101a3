package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.config.StepSpec;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MavenDetectorTest extends DetectorContractTest {

    static final String GROUP = "dev.munero.detecttest";

    @Override
    Detector detector() {
        return new MavenDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        writeReactor(repo, true);
    }

    /**
     * A parent pom listing app, core and util (not in build order); app depends on core and util. With
     * {@code withTests}, core has a src/test directory. Plugin versions are pinned to the ones this
     * project's own build uses, so the system Maven finds them in the local repository.
     */
    static void writeReactor(TestRepo repo, boolean withTests) {
        repo.file("pom.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>%s</groupId>
                  <artifactId>parent</artifactId>
                  <version>1.0.0-SNAPSHOT</version>
                  <packaging>pom</packaging>
                  <modules>
                    <module>app</module>
                    <module>core</module>
                    <module>util</module>
                  </modules>
                  <properties>
                    <maven.compiler.release>17</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <build>
                    <pluginManagement>
                      <plugins>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.15.0</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-jar-plugin</artifactId><version>3.5.0</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-install-plugin</artifactId><version>3.1.4</version></plugin>
                        <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version></plugin>
                      </plugins>
                    </pluginManagement>
                  </build>
                </project>
                """.formatted(GROUP));
        module(repo, "core", List.of());
        module(repo, "util", List.of());
        module(repo, "app", List.of("core", "util"));
        repo.file("core/src/main/java/demo/core/Core.java", """
                package demo.core;
                public final class Core { public static String name() { return "core"; } }
                """);
        repo.file("util/src/main/java/demo/util/Util.java", """
                package demo.util;
                public final class Util { public static String shout(String s) { return s.toUpperCase(); } }
                """);
        repo.file("app/src/main/java/demo/app/App.java", """
                package demo.app;
                public final class App {
                    public static void main(String[] args) { System.out.println(demo.util.Util.shout(demo.core.Core.name())); }
                }
                """);
        if (withTests) {
            repo.dir("core/src/test/java/demo/core");
        }
    }

    private static void module(TestRepo repo, String artifactId, List<String> dependencies) {
        StringBuilder deps = new StringBuilder();
        for (String d : dependencies) {
            deps.append("""
                        <dependency>
                          <groupId>${project.groupId}</groupId>
                          <artifactId>%s</artifactId>
                          <version>${project.version}</version>
                        </dependency>
                    """.formatted(d));
        }
        repo.file(artifactId + "/pom.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>%s</groupId>
                    <artifactId>parent</artifactId>
                    <version>1.0.0-SNAPSHOT</version>
                  </parent>
                  <artifactId>%s</artifactId>
                  <dependencies>
                %s  </dependencies>
                </project>
                """.formatted(GROUP, artifactId, deps));
    }

    @Test
    void buildsEachModuleAfterTheModulesItDependsOnAndItsParent() throws Exception {
        // given
        writeReactor(repo(), true);

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("app:build", "core:build", "core:test", "parent:build", "util:build");
        assertThat(step(steps, "app:build").dependsOn()).containsExactly("core:build", "parent:build", "util:build");
        assertThat(step(steps, "core:build").dependsOn()).containsExactly("parent:build");
        assertThat(step(steps, "parent:build").dependsOn()).isEmpty();
        assertThat(argv(steps, "app:build")).containsExactly("mvn", "-B", "-q", "install", "-DskipTests", "-pl", "app");
        assertThat(argv(steps, "parent:build")).containsExactly("mvn", "-B", "-q", "install", "-DskipTests", "-N");
        assertThat(steps).allSatisfy(s -> assertThat(s.cwd()).isEqualTo("."));
    }

    @Test
    void declaresModuleSourcesAndParentPomsAsInputsAndTargetAsOutput() throws Exception {
        // given
        writeReactor(repo(), true);

        // when
        List<StepSpec> steps = detect();

        // then
        StepSpec core = step(steps, "core:build");
        assertThat(core.inputs()).contains("core/pom.xml", "core/src/**", "pom.xml");
        assertThat(core.outputs()).containsExactly("core/target/**");
        assertThat(step(steps, "parent:build").outputs()).as("pom packaging builds nothing to store").isEmpty();
    }

    @Test
    void testsModulesWithTestSourcesAfterTheirOwnBuild() throws Exception {
        // given
        writeReactor(repo(), true);

        // when
        List<StepSpec> steps = detect();

        // then
        StepSpec test = step(steps, "core:test");
        assertThat(test.command().toArgv()).containsExactly("mvn", "-B", "-q", "-pl", "core", "verify");
        assertThat(test.dependsOn()).containsExactly("core:build");
        assertThat(test.outputs()).containsExactly("core/target/surefire-reports/**");
        assertThat(names(steps)).doesNotContain("app:test", "util:test");
    }

    @Test
    void usesTheMavenWrapperWhenTheReactorRootHasAnExecutableOne() throws Exception {
        // given
        writeReactor(repo(), false);
        repo().executable("mvnw", "#!/bin/sh\n");

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(steps).allSatisfy(s -> assertThat(s.command().toArgv().get(0)).isEqualTo("./mvnw"));
    }

    @Test
    void followsNestedAggregatorsAndReadsPomsWithoutNamespace() throws Exception {
        // given a root aggregator listing services, which lists api and impl; impl's poms have no namespace
        repo().file("pom.xml", """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <groupId>g</groupId><artifactId>root</artifactId><version>1</version><packaging>pom</packaging>
                  <modules><module>services</module></modules>
                </project>
                """);
        repo().file("services/pom.xml", """
                <project>
                  <parent><groupId>g</groupId><artifactId>root</artifactId><version>1</version></parent>
                  <artifactId>services</artifactId><packaging>pom</packaging>
                  <modules><module>api</module><module>impl</module></modules>
                </project>
                """);
        repo().file("services/api/pom.xml", """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <parent><groupId>g</groupId><artifactId>services</artifactId><version>1</version></parent>
                  <artifactId>api</artifactId>
                </project>
                """);
        repo().file("services/impl/pom.xml", """
                <project>
                  <parent><groupId>g</groupId><artifactId>services</artifactId><version>1</version></parent>
                  <artifactId>impl</artifactId>
                  <properties><api.group>${project.groupId}</api.group></properties>
                  <dependencies>
                    <dependency><groupId>${api.group}</groupId><artifactId>api</artifactId><version>1</version></dependency>
                    <dependency><groupId>org.other</groupId><artifactId>root</artifactId><version>1</version></dependency>
                  </dependencies>
                </project>
                """);

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("api:build", "impl:build", "root:build", "services:build");
        assertThat(step(steps, "impl:build").dependsOn()).containsExactly("api:build", "services:build");
        assertThat(step(steps, "services:build").dependsOn()).containsExactly("root:build");
        assertThat(argv(steps, "impl:build")).endsWith("-pl", "services/impl");
        assertThat(step(steps, "impl:build").inputs())
                .contains("services/impl/pom.xml", "services/impl/src/**", "services/pom.xml", "pom.xml");
    }

    @Test
    void takesTheShallowestPomAsReactorWhenTheRootHasNone() throws Exception {
        // given
        writeReactor(repo().in("backend"), false);

        // when
        List<StepSpec> steps = detect();

        // then
        StepSpec app = step(steps, "app:build");
        assertThat(app.cwd()).isEqualTo("backend");
        assertThat(app.command().toArgv()).endsWith("-pl", "app");
        assertThat(app.outputs()).containsExactly("app/target/**");
    }

    @Test
    void warnsAboutAModuleWhosePomIsMissingAndSkipsIt() throws Exception {
        // given
        writeReactor(repo(), false);
        repo().file("pom.xml", Files.readString(root.resolve("pom.xml"))
                .replace("<module>util</module>", "<module>util</module><module>gone</module>"));

        // when
        Detection detection = scan();

        // then
        assertThat(names(detection.steps())).doesNotContain("gone:build").contains("app:build");
        assertThat(detection.warnings()).singleElement().asString().contains("pom.xml", "'gone'", "gone/pom.xml");
    }

    @Test
    void rejectsMalformedPomNamingTheFileAndLine() throws Exception {
        // given
        writeReactor(repo(), false);
        repo().file("core/pom.xml", "<project>\n  <artifactId>core</artifactId>\n  <oops>\n</project>\n");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("core/pom.xml:4:")
                .hasMessageContaining("not valid XML");
    }

    @Test
    void rejectsPomWithoutArtifactIdNamingTheFile() {
        // given
        repo().file("pom.xml", "<project><groupId>g</groupId></project>");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("pom.xml: <project> has no <artifactId>");
    }

    @Test
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES) // real mvn/npm on a loaded 2-core machine (issue 11)
    void detectedCommandsBuildTheReactorWithMavenInDependencyOrder() throws Exception {
        // given a reactor Maven can build, and Maven on the PATH
        assumeTrue(StepRunner.onPath("mvn"), "mvn is not on the PATH");
        writeReactor(repo(), false);
        List<StepSpec> steps = detect();

        // when
        StepRunner.runAll(root, steps, Duration.ofMinutes(10));

        // then
        assertThat(root.resolve("app/target/app-1.0.0-SNAPSHOT.jar")).isRegularFile();
        assertThat(root.resolve("core/target/core-1.0.0-SNAPSHOT.jar")).isRegularFile();
    }
}
