package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.munero.engine.config.StepSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradleDetectorTest extends DetectorContractTest {

    @Override
    Detector detector() {
        return new GradleDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        writeKotlinBuild(repo);
    }

    /** Kotlin DSL: app needs core (project(...)) and shared-utils (type-safe accessor); core has tests. */
    private static void writeKotlinBuild(TestRepo repo) {
        repo.file("settings.gradle.kts", """
                rootProject.name = "shop"
                // include(":disabled")
                include(
                    ":core",
                    ":shared-utils",
                    ":app",
                )
                /* include(":old") */
                """);
        repo.file("core/build.gradle.kts", "plugins { `java-library` }\n");
        repo.dir("core/src/test/java");
        repo.file("shared-utils/build.gradle.kts", "plugins { `java-library` }\n");
        repo.file("app/build.gradle.kts", """
                plugins { application }
                dependencies {
                    implementation(project(":core"))
                    implementation(projects.sharedUtils)
                    // implementation(project(":ghost"))
                }
                """);
    }

    @Test
    void buildsEveryIncludedProjectAfterTheProjectsItsScriptNames() throws Exception {
        // given
        writeKotlinBuild(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("app:build", "core:build", "core:test", "shared-utils:build");
        assertThat(step(steps, "app:build").dependsOn()).containsExactly("core:build", "shared-utils:build");
        assertThat(argv(steps, "app:build")).containsExactly("gradle", ":app:build", "-x", "test");
        assertThat(argv(steps, "core:test")).containsExactly("gradle", ":core:test");
        assertThat(step(steps, "core:test").dependsOn()).containsExactly("core:build");
        assertThat(step(steps, "core:build").outputs()).containsExactly("core/build/**");
        assertThat(step(steps, "core:build").inputs()).contains("core/src/**", "core/build.gradle.kts", "settings.gradle.kts");
    }

    @Test
    void usesTheGradleWrapperWhenItIsExecutable() throws Exception {
        // given
        writeKotlinBuild(repo());
        repo().executable("gradlew", "#!/bin/sh\n");

        // when / then
        assertThat(argv(detect(), "core:build")).containsExactly("./gradlew", ":core:build", "-x", "test");
    }

    @Test
    void readsGroovySettingsWithNestedPathsAndCustomProjectDirectories() throws Exception {
        // given
        repo().file("settings.gradle", """
                rootProject.name = 'platform'
                include 'services:api', 'legacy'
                include ':services:impl'
                project(':legacy').projectDir = new File(settingsDir, 'old/legacy-code')
                """);
        repo().file("build.gradle", "allprojects { apply plugin: 'java' }\n");
        repo().dir("src/main/java");
        repo().file("services/api/build.gradle", "");
        repo().file("services/impl/build.gradle", "dependencies { implementation project(path: ':services:api') }\n");
        repo().dir("old/legacy-code/src/main/java");

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("api:build", "impl:build", "legacy:build", "platform:build");
        assertThat(step(steps, "impl:build").dependsOn()).containsExactly("api:build");
        assertThat(argv(steps, "impl:build")).containsExactly("gradle", ":services:impl:build", "-x", "test");
        assertThat(argv(steps, "platform:build")).containsExactly("gradle", ":build", "-x", "test");
        assertThat(step(steps, "legacy:build").outputs()).containsExactly("old/legacy-code/build/**");
    }

    @Test
    void warnsAboutAnIncludedProjectWithoutDirectory() throws Exception {
        // given
        writeKotlinBuild(repo());
        repo().file("settings.gradle.kts", "include(\":core\", \":missing\")\n");

        // when
        Detection detection = scan();

        // then
        assertThat(names(detection.steps())).containsExactly("core:build", "core:test");
        assertThat(detection.warnings()).singleElement().asString().contains("settings.gradle.kts", ":missing");
    }

    @Test
    void detectsASingleProjectBuildWithoutSettings() throws Exception {
        // given
        repo().file("tool/build.gradle", "plugins { id 'java' }\n");
        repo().dir("tool/src/test/java");

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("tool:build", "tool:test");
        assertThat(step(steps, "tool:build").cwd()).isEqualTo("tool");
        assertThat(step(steps, "tool:build").outputs()).containsExactly("build/**");
    }

    @Test
    void mapsProjectPathsToTypeSafeAccessors() {
        assertThat(GradleScripts.accessor(":my-lib:api_v2")).isEqualTo("myLib.apiV2");
        assertThat(GradleScripts.projectDependencies("implementation(projects.myLib.apiV2.dependencyProject)",
                Map.of("myLib.apiV2", ":my-lib:api_v2", "myLib", ":my-lib"))).containsExactly(":my-lib:api_v2");
    }

    @Test
    void keepsUrlsInStringsWhenStrippingComments() {
        assertThat(GradleScripts.stripComments("url = \"https://repo\" // repo\n/* x */include 'a'"))
                .isEqualTo("url = \"https://repo\" \n include 'a'");
    }
}
