package dev.munero.engine.detect;

import static dev.munero.engine.detect.TestRepo.argv;
import static dev.munero.engine.detect.TestRepo.names;
import static dev.munero.engine.detect.TestRepo.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.config.StepSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A node workspace with a turbo.json: the steps follow turbo's task graph. Issue 9.4. */
class TurboWorkspaceTest extends DetectorContractTest {

    @Override
    Detector detector() {
        return new NodeWorkspaceDetector();
    }

    @Override
    void writeTypicalProject(TestRepo repo) {
        writeCorvuShape(repo);
    }

    /** A package.json with these scripts and workspace dependencies. */
    private static Map<String, Object> pkg(String name, Map<String, String> scripts, String... deps) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("scripts", scripts);
        Map<String, String> d = new LinkedHashMap<>();
        for (String dep : deps) {
            d.put(dep, "*");
        }
        json.put("dependencies", d);
        return json;
    }

    private static void root(TestRepo repo, Map<String, String> scripts) {
        repo.json("package.json", Map.of("name", "mono", "private", true, "workspaces", List.of("packages/*"),
                "packageManager", "npm@10.8.2", "scripts", scripts));
    }

    /**
     * corvu's shape: build needs the builds and the typedoc (api.json) of the packages it depends on; the site
     * reads every api.json. Each script fails unless what it reads was written first.
     */
    private static void writeCorvuShape(TestRepo repo) {
        root(repo, Map.of("build", "turbo run build"));
        repo.file("turbo.json", """
                {
                  "$schema": "https://turbo.build/schema.json",
                  // comments and trailing commas are allowed in turbo.json
                  "tasks": {
                    "build": { "dependsOn": ["^build", "^typedoc"], "outputs": ["dist/**"], },
                    "typedoc": { "dependsOn": ["^build"], "outputs": ["api.json"] },
                    "clean": { "cache": false },
                    "dev": { "dependsOn": ["^build"], "persistent": true },
                  },
                }
                """);
        repo.json("packages/utils/package.json", pkg("@c/utils", Map.of(
                "build", write("dist/index.js"), "typedoc", write("api.json"), "clean", "rm -rf dist")));
        repo.json("packages/dialog/package.json", pkg("@c/dialog", Map.of(
                "build", need("../utils/dist/index.js", "../utils/api.json") + " && " + write("dist/index.js"),
                "typedoc", need("../utils/dist/index.js") + " && " + write("api.json"),
                "dev", "sleep 100000"), "@c/utils"));
        repo.json("packages/web/package.json", pkg("@c/web", Map.of(
                "build", need("../dialog/dist/index.js", "../dialog/api.json") + " && " + write("dist/site.html"),
                "dev", "sleep 100000"), "@c/dialog"));
    }

    private static String write(String file) {
        return "mkdir -p \"$(dirname " + file + ")\" && echo x > " + file;
    }

    private static String need(String... files) {
        StringBuilder sh = new StringBuilder("true");
        for (String f : files) {
            sh.append(" && test -f ").append(f);
        }
        return sh.toString();
    }

    @Test
    void buildDependsOnTheBuildAndTypedocOfTheWorkspaceDependenciesAsTurboJsonSays() throws Exception {
        // issue 9.4: corvu's build depends on ^build and ^typedoc; only the build scripts ran and its site failed
        // given
        writeCorvuShape(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("@c/dialog:build", "@c/dialog:typedoc", "@c/utils:build",
                "@c/utils:clean", "@c/utils:typedoc", "@c/web:build");
        assertThat(step(steps, "@c/dialog:build").dependsOn()).containsExactly("@c/utils:build", "@c/utils:typedoc");
        assertThat(step(steps, "@c/dialog:typedoc").dependsOn()).containsExactly("@c/utils:build");
        assertThat(step(steps, "@c/web:build").dependsOn()).containsExactly("@c/dialog:build", "@c/dialog:typedoc");
        assertThat(argv(steps, "@c/dialog:typedoc")).containsExactly("npm", "run", "typedoc");
        assertThat(step(steps, "@c/dialog:typedoc").cwd()).isEqualTo("packages/dialog");
        assertThat(step(steps, "@c/dialog:typedoc").outputs()).containsExactly("api.json");
        assertThat(step(steps, "@c/utils:clean").cache()).isFalse();
        assertThat(step(steps, "@c/utils:build").cache()).isTrue();
    }

    @Test
    void leavesPersistentTasksOutOfTheSteps() throws Exception {
        // given dev servers that never end
        writeCorvuShape(repo());

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).noneMatch(n -> n.endsWith(":dev"));
    }

    @Test
    void runsOnlyTasksTurboJsonDefinesAndOnlyInPackagesWithThatScript() throws Exception {
        // given a test script turbo.json does not name, and a typedoc task web has no script for
        writeCorvuShape(repo());
        repo().json("packages/utils/package.json", pkg("@c/utils", Map.of("build", "x", "test", "y")));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).doesNotContain("@c/utils:test", "@c/web:typedoc", "@c/utils:typedoc");
    }

    @Test
    void looksThroughAPackageWithoutTheScriptAsTurboRunsNothingThere() throws Exception {
        // given a depends on b, which has no build script, and b depends on c
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {\"dependsOn\": [\"^build\"]}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x"), "b"));
        repo().json("packages/b/package.json", pkg("b", Map.of("test", "t"), "c"));
        repo().json("packages/c/package.json", pkg("c", Map.of("build", "x")));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(names(steps)).containsExactly("a:build", "c:build");
        assertThat(step(steps, "a:build").dependsOn()).containsExactly("c:build");
    }

    @Test
    void followsPeerDependenciesNotAsTurboDoesNot() throws Exception {
        // given a names b only as a peer dependency
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {\"dependsOn\": [\"^build\"]}}}");
        repo().json("packages/a/package.json", Map.of("name", "a", "scripts", Map.of("build", "x"),
                "peerDependencies", Map.of("b", "*"), "devDependencies", Map.of("c", "*")));
        repo().json("packages/b/package.json", pkg("b", Map.of("build", "x")));
        repo().json("packages/c/package.json", pkg("c", Map.of("build", "x")));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(step(steps, "a:build").dependsOn()).containsExactly("c:build");
    }

    @Test
    void takesSamePackageAndPackageQualifiedDependenciesAndRootTasks() throws Exception {
        // given build needs its own codegen, web's build needs a's typedoc and the root's check
        root(repo(), Map.of("check", "node check.js"));
        repo().file("turbo.json", """
                {"tasks": {
                  "build": {"dependsOn": ["^build", "codegen"]},
                  "codegen": {"cache": false},
                  "typedoc": {},
                  "web#build": {"dependsOn": ["a#typedoc", "//#check"], "outputs": [".next/**"]},
                  "//#check": {"inputs": ["check.js"]}
                }}
                """);
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x", "codegen", "g", "typedoc", "t")));
        repo().json("packages/web/package.json", pkg("web", Map.of("build", "x", "codegen", "g"), "a"));

        // when
        List<StepSpec> steps = detect();

        // then web#build replaces build for web entirely, as in turbo: no ^build, no codegen
        assertThat(step(steps, "a:build").dependsOn()).containsExactly("a:codegen");
        assertThat(step(steps, "web:build").dependsOn()).containsExactly("a:typedoc", "mono:check");
        assertThat(step(steps, "web:build").outputs()).containsExactly(".next/**");
        assertThat(step(steps, "mono:check").cwd()).isEqualTo(".");
        assertThat(step(steps, "mono:check").inputs()).containsExactly("check.js", "package.json");
        assertThat(names(steps)).doesNotContain("mono:build");
    }

    @Test
    void rootTaskDefaultInputsLeaveThePackagesOut() throws Exception {
        // given
        root(repo(), Map.of("check", "node check.js"));
        repo().file("turbo.json", "{\"tasks\": {\"//#check\": {}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when
        StepSpec check = step(detect(), "mono:check");

        // then
        assertThat(check.inputs()).contains("**", "!packages/a/**", "!.turbo/**");
    }

    @Test
    void mapsInputsOutputsAndEnvOntoTheCacheKey() throws Exception {
        // given
        root(repo(), Map.of());
        repo().file("package-lock.json", "{}");
        repo().file("turbo.json", """
                {"globalDependencies": ["tsconfig.base.json"], "globalEnv": ["CI"],
                 "tasks": {"build": {
                   "inputs": ["$TURBO_DEFAULT$", "!README.md", "$TURBO_ROOT$/shared/**"],
                   "outputs": ["dist/**", "!dist/cache/**"],
                   "env": ["API_URL", "VITE_*"]}}}
                """);
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when
        Detection found = scan();
        StepSpec a = step(found.steps(), "a:build");

        // then
        assertThat(a.inputs()).containsExactly("**", "!node_modules/**", "!dist/**", "!build/**", "!out/**",
                "/package-lock.json", "!.turbo/**", "!README.md", "/shared/**", "package.json", "/tsconfig.base.json");
        assertThat(a.outputs()).containsExactly("dist/**", "!dist/cache/**");
        assertThat(a.passEnv()).containsExactly("CI", "API_URL");
        assertThat(found.warnings()).anyMatch(w -> w.startsWith("turbo.json:") && w.contains("VITE_*")
                && w.contains("not part of the cache key"));
    }

    @Test
    void declaresNoOutputsWhenTurboJsonDeclaresNone() throws Exception {
        // given turbo caches only logs for a task without outputs; a tracked build/ must not become an output
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when / then
        assertThat(step(detect(), "a:build").outputs()).isEmpty();
    }

    @Test
    void laysAPackageTurboJsonOverTheRootDefinition() throws Exception {
        // given a's own turbo.json adds typedoc to the inherited dependsOn and replaces outputs
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {\"dependsOn\": [\"^build\"], \"outputs\": [\"dist/**\"]},"
                + " \"typedoc\": {}}}");
        repo().file("packages/a/turbo.json", """
                {"extends": ["//"], "tasks": {"build": {"dependsOn": ["$TURBO_EXTENDS$", "typedoc"], "outputs": ["lib/**"]}}}
                """);
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x", "typedoc", "t"), "b"));
        repo().json("packages/b/package.json", pkg("b", Map.of("build", "x")));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(step(steps, "a:build").dependsOn()).containsExactly("a:typedoc", "b:build");
        assertThat(step(steps, "a:build").outputs()).containsExactly("lib/**");
        assertThat(step(steps, "b:build").outputs()).containsExactly("dist/**");
    }

    @Test
    void readsTurbo1PipelineKey() throws Exception {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"pipeline\": {\"build\": {\"dependsOn\": [\"^build\", \"$NODE_ENV\"]}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x"), "b"));
        repo().json("packages/b/package.json", pkg("b", Map.of("build", "x")));

        // when
        List<StepSpec> steps = detect();

        // then
        assertThat(step(steps, "a:build").dependsOn()).containsExactly("b:build");
        assertThat(step(steps, "a:build").passEnv()).containsExactly("NODE_ENV");
    }

    @Test
    void rejectsInvalidTurboJsonNamingFileAndLine() {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\n  \"tasks\": {\n    \"build\": {\"dependsOn\": [\"^build\"}\n  }\n}\n");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("turbo.json:3:")
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsADependencyOnAPackageTheWorkspaceDoesNotHave() {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\n\"tasks\": {\n  \"build\": {\"dependsOn\": [\"nosuch#build\"]}\n}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("turbo.json:3:3: task a#build depends on 'nosuch#build'")
                .hasMessageContaining("no package named 'nosuch'")
                .hasMessageContaining("its packages: a");
    }

    @Test
    void rejectsADependencyOnATaskTurboJsonDoesNotDefine() {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {\"dependsOn\": [\"gen\"]}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x", "gen", "g")));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("turbo.json:1:")
                .hasMessageContaining("task a#build depends on 'gen', but turbo.json defines no task 'gen' for package a");
    }

    @Test
    void rejectsARootTaskWithoutItsOwnEntry() {
        // given
        root(repo(), Map.of("check", "c"));
        repo().file("turbo.json", "{\"tasks\": {\"check\": {}, \"build\": {\"dependsOn\": [\"//#check\"]}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageContaining("the workspace root (//)")
                .hasMessageContaining("add an entry \"//#check\" to turbo.json");
    }

    @Test
    void rejectsACycleNamingItsTasks() {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {\"dependsOn\": [\"typedoc\"]}, "
                + "\"typedoc\": {\"dependsOn\": [\"build\"]}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x", "typedoc", "t")));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("turbo.json:")
                .hasMessageMatching("(?s).*cycle: a#(build|typedoc) -> a#(build|typedoc) -> a#(build|typedoc);.*");
    }

    @Test
    void rejectsADependencyOnAPersistentTask() {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {\"dependsOn\": [\"dev\"]}, \"dev\": {\"persistent\": true}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x", "dev", "vite")));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageContaining("task a#build depends on a#dev, which is persistent");
    }

    @Test
    void rejectsAPackageTurboJsonThatDoesNotExtendTheRoot() {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {}}}");
        repo().file("packages/a/turbo.json", "{\"tasks\": {\"build\": {}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageStartingWith("packages/a/turbo.json: a package's turbo.json must say \"extends\": [\"//\"]");
    }

    @Test
    void rejectsAFieldOfTheWrongType() {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {\"outputs\": \"dist/**\"}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when / then
        assertThatThrownBy(this::detect)
                .isInstanceOf(DetectionException.class)
                .hasMessageContaining("'build.outputs' must be an array of strings, was \"dist/**\"");
    }

    @Test
    void warnsAboutTaskKeysNamingNoPackage() throws Exception {
        // given
        root(repo(), Map.of());
        repo().file("turbo.json", "{\"tasks\": {\"build\": {}, \"old-app#build\": {}}}");
        repo().json("packages/a/package.json", pkg("a", Map.of("build", "x")));

        // when / then
        assertThat(scan().warnings()).anyMatch(w -> w.contains("'old-app#...'") && w.contains("no package named"));
    }

    @Test
    @Timeout(180)
    void detectedStepsRunCorvusSiteBuildInTurbosOrder() throws Exception {
        // issue 9.4: every script fails unless the api.json and dist files of its dependencies exist
        assumeTrue(StepRunner.onPath("npm"), "npm is not on the PATH");
        writeCorvuShape(repo());
        List<StepSpec> steps = detect().stream().filter(s -> !s.name().endsWith(":clean")).toList();

        // when
        StepRunner.runAll(root, steps, Duration.ofSeconds(90));

        // then
        assertThat(root.resolve("packages/web/dist/site.html")).isRegularFile();
    }
}
