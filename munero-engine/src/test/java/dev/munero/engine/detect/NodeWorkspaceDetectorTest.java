package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.pkg;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.config.StepSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class NodeWorkspaceDetectorTest extends DetectorContractTest {

    /** Writes dist/index.js, failing first when a sibling package it needs has not been built yet. */
    private static String buildScript(String... requiredSiblings) {
        StringBuilder js = new StringBuilder("const fs=require('fs');");
        for (String s : requiredSiblings) {
            js.append("if(!fs.existsSync('../").append(s).append("/dist/index.js')){console.error('").append(s)
                    .append(" not built');process.exit(3)}");
        }
        js.append("fs.mkdirSync('dist',{recursive:true});fs.writeFileSync('dist/index.js','module.exports=1')");
        return "node -e \"" + js + "\"";
    }

    @Override
    Detector detector() {
        return new NodeWorkspaceDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        writeWorkspace(repo);
    }

    /** An npm workspace: c needs b, b needs a; all three build, c also tests. */
    private static void writeWorkspace(TestRepo repo) {
        repo.json("package.json", Map.of("name", "shop", "private", true, "workspaces", List.of("packages/*")));
        repo.json("packages/a/package.json", pkg("@shop/a", Map.of("build", buildScript()), Map.of()));
        repo.json("packages/b/package.json", pkg("@shop/b", Map.of("build", buildScript("a")), Map.of("@shop/a", "*")));
        repo.json("packages/c/package.json", pkg("@shop/c",
                Map.of("build", buildScript("b"), "test", "node -e \"process.exit(0)\""), Map.of("@shop/b", "^1.0.0")));
    }

    @Test
    void buildsEachWorkspacePackageAfterTheWorkspacePackagesItDependsOn() throws Exception {
        // given
        writeWorkspace(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("@shop/a:build", "@shop/b:build", "@shop/c:build", "@shop/c:test");
        assertThat(step(steps, "@shop/a:build").dependsOn()).isEmpty();
        assertThat(step(steps, "@shop/b:build").dependsOn()).containsExactly("@shop/a:build");
        assertThat(step(steps, "@shop/c:build").dependsOn()).containsExactly("@shop/b:build");
        assertThat(step(steps, "@shop/c:test").dependsOn()).containsExactly("@shop/c:build");
        assertThat(argv(steps, "@shop/b:build")).containsExactly("npm", "run", "build");
        assertThat(argv(steps, "@shop/c:test")).containsExactly("npm", "run", "test");
        assertThat(step(steps, "@shop/b:build").cwd()).isEqualTo("packages/b");
    }

    @Test
    void takesThePackageDirectoryAsInputsExceptDependenciesAndOutputs() throws Exception {
        // given
        writeWorkspace(repo());
        repo().file("package-lock.json", "{}");

        // when
        StepSpec b = step(detect(), "@shop/b:build");

        // then
        assertThat(b.inputs()).containsExactly("**", "!node_modules/**", "!dist/**", "!build/**", "!out/**",
                "/package-lock.json");
        assertThat(b.outputs()).containsExactly("dist/**", "build/**", "out/**");
    }

    @Test
    void looksThroughADependencyWithoutBuildScriptToWhatItNeeds() throws Exception {
        // given app needs types (no build), which needs core (build)
        repo().json("package.json", Map.of("workspaces", Map.of("packages", List.of("libs/**", "apps/*"))));
        repo().json("libs/core/package.json", pkg("core", Map.of("build", "tsc"), Map.of()));
        repo().json("libs/nested/types/package.json", Map.of("name", "types",
                "peerDependencies", Map.of("core", "*")));
        repo().json("apps/web/package.json", Map.of("name", "web", "scripts", Map.of("build", "vite build"),
                "devDependencies", Map.of("types", "*", "left-pad", "1.0.0")));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("core:build", "web:build");
        assertThat(step(steps, "web:build").dependsOn()).containsExactly("core:build");
    }

    @Test
    void testsWithoutOwnBuildRunAfterTheBuildsOfTheirDependencies() throws Exception {
        // given
        repo().json("package.json", Map.of("workspaces", List.of("packages/*")));
        repo().json("packages/lib/package.json", pkg("lib", Map.of("build", "tsc"), Map.of()));
        repo().json("packages/e2e/package.json", pkg("e2e", Map.of("test", "vitest run"), Map.of("lib", "*")));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(step(steps, "e2e:test").dependsOn()).containsExactly("lib:build");
    }

    @Test
    void ignoresNpmsPlaceholderTestScript() throws Exception {
        // given
        repo().json("package.json", pkg("tool",
                Map.of("build", "tsc", "test", "echo \"Error: no test specified\" && exit 1"), Map.of()));

        // when / then
        assertThat(names(detect())).containsExactly("tool:build");
    }

    @Test
    void runsPnpmWhenThereIsAPnpmLockFile() throws Exception {
        // given
        writeWorkspace(repo());
        repo().file("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(steps).allSatisfy(s -> assertThat(s.command().toArgv().get(0)).isEqualTo("pnpm"));
        assertThat(step(steps, "@shop/a:build").inputs()).contains("/pnpm-lock.yaml");
    }

    @Test
    void readsWorkspacePackagesFromPnpmWorkspaceYaml() throws Exception {
        // given
        repo().file("pnpm-workspace.yaml", "packages:\n  - 'apps/*'\n  - '!apps/legacy'\n");
        repo().json("package.json", Map.of("name", "mono"));
        repo().json("apps/site/package.json", pkg("site", Map.of("build", "astro build"), Map.of()));
        repo().json("apps/legacy/package.json", pkg("legacy", Map.of("build", "grunt"), Map.of()));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("site:build");
        assertThat(argv(steps, "site:build")).containsExactly("pnpm", "run", "build");
    }

    @Test
    void runsYarnWhenThereIsAYarnLockFile() throws Exception {
        // given
        writeWorkspace(repo());
        repo().file("yarn.lock", "# yarn lockfile v1\n");

        // when / then
        assertThat(argv(detect(), "@shop/c:test")).containsExactly("yarn", "run", "test");
    }

    @Test
    void detectsAStandalonePackageInASubdirectoryButNotItsFixturesOrDependencies() throws Exception {
        // given
        repo().json("frontend/package.json", pkg("frontend-app", Map.of("build", "vite build", "test", "vitest"), Map.of()));
        repo().json("frontend/test/fixtures/demo/package.json", pkg("demo", Map.of("build", "x"), Map.of()));
        repo().json("frontend/node_modules/vite/package.json", pkg("vite", Map.of("build", "x"), Map.of()));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("frontend-app:build", "frontend-app:test");
        assertThat(step(steps, "frontend-app:build").cwd()).isEqualTo("frontend");
    }

    @Test
    void namesARootPackageWithoutNameAfterItsDirectory() throws Exception {
        // given
        repo().json("package.json", Map.of("scripts", Map.of("build", "tsc")));

        // when / then
        assertThat(names(detect())).containsExactly(root.getFileName() + ":build");
    }

    @Test
    void warnsAboutAWorkspaceGlobMatchingNothing() throws Exception {
        // given
        writeWorkspace(repo());
        repo().json("package.json", Map.of("workspaces", List.of("packages/*", "tools/*")));

        // when
        Detection detection = scan();

        // then
        assertThat(detection.warnings()).singleElement().asString().contains("tools/*", "package.json");
    }

    @Test
    void rejectsMalformedPackageJsonNamingTheFile() {
        // given
        writeWorkspace(repo());
        repo().file("packages/b/package.json", "{ \"name\": \"b\",\n  \"scripts\": { \"build\" } }");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("packages/b/package.json:2:")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsWorkspacesThatAreNeitherListNorObject() {
        // given
        repo().json("package.json", Map.of("workspaces", "packages/*"));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("package.json: 'workspaces' must be");
    }

    @Test
    void rejectsMalformedPnpmWorkspaceYamlNamingTheFile() {
        // given
        repo().json("package.json", Map.of("name", "mono"));
        repo().file("pnpm-workspace.yaml", "packages:\n  - 'apps/*\n");

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("pnpm-workspace.yaml:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES) // real mvn/npm on a loaded 2-core machine (issue 11)
    void detectedCommandsBuildTheWorkspaceWithNpmInDependencyOrder() throws Exception {
        // given a workspace whose build scripts fail unless the packages they need were built first
        assumeTrue(StepRunner.onPath("npm"), "npm is not on the PATH");
        writeWorkspace(repo());
        List<StepSpec> steps = detect();

        // when
        StepRunner.runAll(root, steps, Duration.ofMinutes(10));

        // then
        for (String p : List.of("a", "b", "c")) {
            assertThat(root.resolve("packages/" + p + "/dist/index.js")).isRegularFile();
        }
    }
}
