package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.engine.config.StepSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class CargoDetectorTest extends DetectorContractTest {

    @Override
    Detector detector() {
        return new CargoDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        writeWorkspace(repo);
    }

    /**
     * A workspace with crates/* as members except crates/scratch: util needs core by path, app needs util
     * through [workspace.dependencies] and core as dev-dependency.
     */
    private static void writeWorkspace(TestRepo repo) {
        repo.file("Cargo.toml", """
                [workspace]
                members = ["crates/*"]
                exclude = ["crates/scratch"]
                resolver = "2"

                [workspace.dependencies]
                util = { path = "crates/util" }
                serde = "1"
                """);
        repo.file("crates/core/Cargo.toml", """
                [package]
                name = "shop-core"
                version = "0.1.0"
                edition = "2021"
                """);
        repo.file("crates/util/Cargo.toml", """
                [package]
                name = "util"
                version = "0.1.0"

                [dependencies]
                shop-core = { path = "../core", version = "0.1" }
                serde.workspace = true
                """);
        repo.file("crates/app/Cargo.toml", """
                [package]
                name = "app"
                version = "0.1.0"

                [dependencies]
                util = { workspace = true }

                [dev-dependencies]
                shop-core = { path = "../core" }
                """);
        repo.file("crates/scratch/Cargo.toml", "[package]\nname = \"scratch\"\nversion = \"0.0.0\"\n");
    }

    @Test
    void buildsEachMemberCrateAfterThePathDependenciesItBuildsWith() throws Exception {
        // given
        writeWorkspace(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly(
                "app:build", "app:test", "shop-core:build", "shop-core:test", "util:build", "util:test");
        assertThat(step(steps, "util:build").dependsOn()).containsExactly("shop-core:build");
        assertThat(step(steps, "app:build").dependsOn()).containsExactly("util:build");
        assertThat(step(steps, "app:test").dependsOn()).containsExactly("app:build", "shop-core:build");
        assertThat(argv(steps, "util:build")).containsExactly("cargo", "build", "-p", "util");
        assertThat(argv(steps, "util:test")).containsExactly("cargo", "test", "-p", "util");
        assertThat(steps).allSatisfy(s -> assertThat(s.cwd()).isEqualTo("."));
    }

    @Test
    void neverCachesBuildsBecauseTheTargetDirectoryIsSharedButCachesTests() throws Exception {
        // given
        writeWorkspace(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(step(steps, "util:build").cache()).isFalse();
        StepSpec test = step(steps, "app:test");
        assertThat(test.cache()).isTrue();
        assertThat(test.outputs()).isEmpty();
        assertThat(test.inputs()).containsExactly(
                "crates/app/**", "crates/core/**", "crates/util/**", "Cargo.toml", "Cargo.lock", "!target/**");
    }

    @Test
    void detectsASingleCrateAtTheRoot() throws Exception {
        // given
        repo().file("Cargo.toml", "[package]\nname = \"cli\"\nversion = \"1.0.0\"\n");

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("cli:build", "cli:test");
        assertThat(step(steps, "cli:test").dependsOn()).containsExactly("cli:build");
    }

    @Test
    void treatsACrateInASubdirectoryAsItsOwnWorkspaceHidingCratesBelowIt() throws Exception {
        // given
        repo().file("native/Cargo.toml", "[package]\nname = \"native\"\nversion = \"1.0.0\"\n");
        repo().file("native/examples/demo/Cargo.toml", "[package]\nname = \"demo\"\nversion = \"1.0.0\"\n");

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("native:build", "native:test");
        assertThat(step(steps, "native:build").cwd()).isEqualTo("native");
    }

    @Test
    void rejectsMalformedCargoTomlNamingTheFile() {
        // given
        writeWorkspace(repo());
        repo().file("crates/util/Cargo.toml", "[package\nname = \"util\"\n");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("crates/util/Cargo.toml")
                .hasMessageContaining("not valid TOML");
    }

    @Test
    void rejectsACrateWithoutNameNamingTheFile() {
        // given
        repo().file("Cargo.toml", "[package]\nversion = \"1.0.0\"\n");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("Cargo.toml: [package] has no name");
    }
}
