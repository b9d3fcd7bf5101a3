package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.munero.engine.config.StepSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node workspace with nx.json: the steps follow Nx's task graph (the subset NxGraph documents). The expected
 * graphs below are what {@code nx run-many -t ... --graph=file.json} of Nx 24.0.6 printed for the same files.
 * Issue 9.4.
 */
class NxWorkspaceTest extends DetectorContractTest {

    @Override
    Detector detector() {
        return new NodeWorkspaceDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        writeWorkspace(repo);
    }

    private static Map<String, Object> pkg(String name, Map<String, String> scripts, String depField, String... deps) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("scripts", scripts);
        Map<String, String> d = new LinkedHashMap<>();
        for (String dep : deps) {
            d.put(dep, "*");
        }
        json.put(depField, d);
        return json;
    }

    /**
     * a needs b (no build script) which needs c; c names d as a peer dependency; d's project.json adds a lint
     * target, an implicit dependency on e, a run-commands target and a target needing an Nx executor.
     */
    private static void writeWorkspace(TestRepo repo) {
        repo.json("package.json", Map.of("name", "nxroot", "private", true, "workspaces", List.of("packages/*")));
        repo.file("nx.json", """
                {
                  // comments are allowed in nx.json
                  "namedInputs": {"default": ["{projectRoot}/**/*"], "production": ["default", "!{projectRoot}/**/*.spec.ts"]},
                  "targetDefaults": {
                    "build": {"dependsOn": ["^build", "codegen"], "outputs": ["{projectRoot}/dist"],
                              "inputs": ["production", "^production", {"env": "NODE_ENV"}], "cache": true},
                    "typedoc": {"dependsOn": [{"target": "build", "dependencies": true}]},
                  },
                }
                """);
        repo.json("packages/a/package.json", pkg("a", Map.of("build", "echo a", "typedoc", "t"), "dependencies", "b"));
        repo.json("packages/b/package.json", pkg("b", Map.of("test", "echo b"), "dependencies", "c"));
        repo.json("packages/c/package.json", pkg("c", Map.of("build", "echo c", "codegen", "g"), "peerDependencies", "d"));
        repo.json("packages/d/package.json", pkg("d", Map.of("build", "echo d"), "dependencies"));
        repo.file("packages/d/project.json", """
                {"name": "d", "implicitDependencies": ["e"], "targets": {
                  "lint": {"command": "echo lint"},
                  "build": {"dependsOn": ["lint", "^build"], "outputs": ["{workspaceRoot}/out/{projectName}"]},
                  "gen": {"executor": "nx:run-commands", "options": {"command": "echo gen", "cwd": "packages/d"}},
                  "vite": {"executor": "@nx/vite:build"}
                }}
                """);
        repo.json("packages/e/package.json", pkg("e", Map.of("build", "echo e"), "dependencies"));
    }

    @Test
    void followsNxsTaskGraphThroughTargetDefaultsProjectJsonAndImplicitDependencies() throws Exception {
        // given
        writeWorkspace(repo());

        // when
        List<StepSpec> steps = detect();

        // then: the graph Nx 24.0.6 printed for these files, plus b's test script target
        assertThat(names(steps)).containsExactlyInAnyOrder("a:build", "a:typedoc", "b:test", "c:build", "c:codegen",
                "d:build", "d:gen", "d:lint", "e:build");
        assertThat(step(steps, "a:build").dependsOn()).containsExactly("c:build");
        assertThat(step(steps, "a:typedoc").dependsOn()).containsExactly("c:build");
        assertThat(step(steps, "c:build").dependsOn()).containsExactly("c:codegen", "d:build");
        assertThat(step(steps, "d:build").dependsOn()).containsExactly("d:lint", "e:build");
    }

    @Test
    void mapsCommandsOutputsInputsAndCache() throws Exception {
        // given
        writeWorkspace(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        StepSpec c = step(steps, "c:build");
        assertThat(c.command().toArgv()).containsExactly("npm", "run", "build");
        assertThat(c.cwd()).isEqualTo("packages/c");
        assertThat(c.outputs()).containsExactly("dist");
        assertThat(c.inputs()).containsExactly("**/*", "!**/*.spec.ts");
        assertThat(c.passEnv()).containsExactly("NODE_ENV");
        assertThat(c.cache()).isTrue();
        assertThat(step(steps, "d:build").outputs()).containsExactly("/out/d");
        assertThat(step(steps, "c:codegen").cache()).isFalse();
        StepSpec lint = step(steps, "d:lint");
        assertThat(lint.cwd()).isEqualTo(".");
        assertThat(lint.command().toArgv()).last().isEqualTo("echo lint");
        assertThat(lint.inputs()).first().isEqualTo("/packages/d/**");
        assertThat(step(steps, "d:gen").cwd()).isEqualTo("packages/d");
        assertThat(argv(steps, "a:typedoc")).containsExactly("npm", "run", "typedoc");
    }

    @Test
    void warnsAboutATargetThatNeedsAnNxExecutorAndLeavesItOut() throws Exception {
        // given
        writeWorkspace(repo());

        // when
        Detection found = scan();

        // then
        assertThat(names(found.steps())).doesNotContain("d:vite");
        assertThat(found.warnings()).anyMatch(w -> w.startsWith("packages/d/project.json: target d:vite uses executor "
                + "@nx/vite:build, which needs Nx"));
    }

    @Test
    void turboJsonWinsOverNxJson() throws Exception {
        // given both files, as the benchmark workspaces have
        writeWorkspace(repo());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {\"dependsOn\": [\"^build\"]}}}");

        // when
        List<StepSpec> steps = detect();

        // then turbo defines build only, and knows no project.json targets
        assertThat(names(steps)).containsExactly("a:build", "c:build", "d:build", "e:build");
    }

    @Test
    void rejectsADependsOnNamingAnUnknownProject() {
        // given
        writeWorkspace(repo());
        repo().file("packages/e/project.json", """
                {"targets": {"build": {"dependsOn": [{"target": "build", "projects": ["nosuch"]}]}}}
                """);

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("packages/e/project.json:1:")
                .hasMessageContaining("names project 'nosuch', which the workspace does not have");
    }

    @Test
    void rejectsACycleNamingItsTargets() {
        // given e's build needs a's, and a needs e through c and d
        writeWorkspace(repo());
        repo().file("packages/e/project.json", "{\"targets\": {\"build\": {\"dependsOn\": [\"a:build\"]}}}");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("nx.json: the targets' dependsOn form a cycle: ")
                .hasMessageContaining("e:build -> a:build");
    }

    @Test
    void rejectsInvalidProjectJsonNamingTheFile() {
        // given
        writeWorkspace(repo());
        repo().file("packages/e/project.json", "{\"targets\": ");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("packages/e/project.json:")
                .hasMessageContaining("not valid JSON");
    }
}
