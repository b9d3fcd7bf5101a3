package dev.munero.engine.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.config.StepSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The detected task graph of a turbo workspace equals the one the real turbo builds
 * ({@code turbo run <tasks> --dry=json}: {@code tasks[].taskId} and {@code dependencies}), with the tasks turbo
 * marks {@code <NONEXISTENT>} (a package without the script; they run nothing) contracted, since Munero makes no
 * step for them. Issue 9.4.
 *
 * <p>Needs a turbo binary: {@code MUNERO_TURBO_BIN}, or the install {@code .ci/run} makes in
 * {@code ~/.cache/munero-test/turbo}; skipped with a message without one.
 */
class TurboGraphConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ROOT_NAME = "mono";

    @TempDir
    Path root;

    private static Optional<Path> turbo() {
        String env = System.getenv("MUNERO_TURBO_BIN");
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env)).filter(Files::isExecutable);
        }
        Path cached = Path.of(System.getProperty("user.home"), ".cache", "munero-test", "turbo", "node_modules",
                ".bin", "turbo");
        return Optional.of(cached).filter(Files::isExecutable);
    }

    /** Every dependsOn form, a package without the script, a peer dependency, a package turbo.json, a root task. */
    private void writeFixture() {
        TestRepo repo = new TestRepo(root);
        repo.json("package.json", Map.of("name", ROOT_NAME, "private", true, "workspaces", List.of("packages/*"),
                "packageManager", "npm@10.8.2", "scripts", Map.of("check", "node check.js", "build", "turbo run build")));
        repo.file("tsconfig.json", "{}");
        repo.file("turbo.json", """
                {
                  "$schema": "https://turborepo.com/schema.json",
                  // a comment, and trailing commas, as turbo allows
                  "globalDependencies": ["tsconfig.json"],
                  "tasks": {
                    "build": {
                      "dependsOn": ["^build", "codegen"],
                      "inputs": ["$TURBO_DEFAULT$", "!README.md"],
                      "outputs": ["dist/**"],
                      "env": ["API_URL"],
                    },
                    "codegen": { "cache": false, "outputs": ["src/gen/**"] },
                    "typedoc": { "dependsOn": ["^build"], "outputs": ["api.json"] },
                    "web#build": { "dependsOn": ["^build", "^typedoc", "//#check", "docs#typedoc"], "outputs": [".next/**"] },
                    "//#check": {},
                    "dev": { "dependsOn": ["^build"], "persistent": true },
                  },
                }
                """);
        repo.json("packages/utils/package.json", pkg("@fx/utils", scripts("build", "typedoc", "codegen"), Map.of()));
        repo.json("packages/icons/package.json", pkg("@fx/icons", scripts("test"), deps("dependencies", "@fx/utils")));
        Map<String, Object> uiDeps = new LinkedHashMap<>(deps("dependencies", "@fx/utils"));
        uiDeps.putAll(deps("devDependencies", "@fx/icons"));
        repo.json("packages/ui/package.json", pkg("@fx/ui", scripts("build", "typedoc"), uiDeps));
        repo.json("packages/peer/package.json", pkg("@fx/peer", scripts("build"), deps("peerDependencies", "@fx/ui")));
        repo.json("packages/docs/package.json", pkg("docs", scripts("build", "typedoc"), deps("dependencies", "@fx/ui")));
        repo.json("packages/lib/package.json", pkg("@fx/lib", scripts("build", "typedoc", "codegen"),
                deps("optionalDependencies", "@fx/utils")));
        repo.file("packages/lib/turbo.json", """
                { "extends": ["//"], "tasks": { "build": { "dependsOn": ["$TURBO_EXTENDS$", "typedoc"] } } }
                """);
        Map<String, Object> webDeps = new LinkedHashMap<>(deps("dependencies", "@fx/ui", "docs"));
        webDeps.putAll(deps("devDependencies", "@fx/icons"));
        repo.json("packages/web/package.json", pkg("web", scripts("build", "codegen", "dev"), webDeps));
    }

    private static Map<String, String> scripts(String... names) {
        Map<String, String> s = new TreeMap<>();
        for (String n : names) {
            s.put(n, "echo " + n);
        }
        return s;
    }

    private static Map<String, Object> deps(String field, String... names) {
        Map<String, String> d = new TreeMap<>();
        for (String n : names) {
            d.put(n, "*");
        }
        return Map.of(field, d);
    }

    private static Map<String, Object> pkg(String name, Map<String, String> scripts, Map<String, Object> deps) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("version", "1.0.0");
        json.put("scripts", scripts);
        json.putAll(deps);
        return json;
    }

    @Test
    @Timeout(600)
    void detectedTaskGraphEqualsTurbosDryRun() throws Exception {
        Optional<Path> turbo = turbo();
        assumeTrue(turbo.isPresent(), "turbo is not installed: set MUNERO_TURBO_BIN or run "
                + "`npm install --prefix ~/.cache/munero-test/turbo turbo@2.11.11` (as .ci/run does)");
        // given
        writeFixture();

        // when
        Map<String, Set<String>> expected = turboGraph(turbo.get(), List.of("build", "typedoc", "codegen", "check"));
        Map<String, Set<String>> actual = muneroGraph(AutoDetector.detect(root).steps());

        // then
        assertThat(actual.keySet()).as("tasks").isEqualTo(expected.keySet());
        assertThat(actual).as("dependencies of each task").isEqualTo(expected);
        // the fixture exercises what it claims to: a look-through, a pkg#task, a root task, a package turbo.json
        assertThat(actual.get("web#build")).contains("@fx/utils#build", "docs#typedoc", "//#check")
                .doesNotContain("web#codegen");
        assertThat(actual.get("@fx/lib#build")).contains("@fx/lib#typedoc", "@fx/lib#codegen");
        assertThat(actual.get("@fx/peer#build")).isEqualTo(Set.of());
    }

    /** Turbo's graph with {@code <NONEXISTENT>} tasks contracted: taskId to the real tasks it waits for. */
    private Map<String, Set<String>> turboGraph(Path turbo, List<String> tasks) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(turbo.toString(), "run"));
        argv.addAll(tasks);
        argv.add("--dry=json");
        Path out = Files.createTempFile("turbo-dry", ".json");
        Path err = Files.createTempFile("turbo-dry", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(root.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("TURBO_TELEMETRY_DISABLED", "1");
            pb.environment().put("DO_NOT_TRACK", "1");
            pb.environment().put("TURBO_NO_UPDATE_NOTIFIER", "1");
            Process p = pb.start();
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("turbo finished").isTrue();
            assertThat(p.exitValue()).as("turbo exit code; stderr: " + Files.readString(err, StandardCharsets.UTF_8))
                    .isZero();
            JsonNode dry = JSON.readTree(out.toFile());
            Map<String, JsonNode> byId = new TreeMap<>();
            dry.get("tasks").values().forEach(t -> byId.put(t.get("taskId").stringValue(), t));
            Map<String, Set<String>> graph = new TreeMap<>();
            for (Map.Entry<String, JsonNode> e : byId.entrySet()) {
                if (isReal(e.getValue())) {
                    graph.put(e.getKey(), realDependencies(e.getValue(), byId));
                }
            }
            return graph;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean isReal(JsonNode task) {
        return !"<NONEXISTENT>".equals(task.get("command").stringValue());
    }

    private static Set<String> realDependencies(JsonNode task, Map<String, JsonNode> byId) {
        Set<String> out = new TreeSet<>();
        Set<String> seen = new HashSet<>();
        List<String> todo = new ArrayList<>();
        task.get("dependencies").values().forEach(d -> todo.add(d.stringValue()));
        while (!todo.isEmpty()) {
            String id = todo.remove(todo.size() - 1);
            if (!seen.add(id)) {
                continue;
            }
            JsonNode d = byId.get(id);
            if (isReal(d)) {
                out.add(id);
            } else {
                d.get("dependencies").values().forEach(x -> todo.add(x.stringValue()));
            }
        }
        return out;
    }

    /** Munero's steps as turbo task ids ({@code pkg#task}, the root package as {@code //}). */
    private static Map<String, Set<String>> muneroGraph(List<StepSpec> steps) {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (StepSpec s : steps) {
            Set<String> deps = new TreeSet<>();
            s.dependsOn().forEach(d -> deps.add(taskId(d)));
            graph.put(taskId(s.name()), deps);
        }
        return graph;
    }

    private static String taskId(String stepName) {
        int colon = stepName.indexOf(':');
        String pkg = stepName.substring(0, colon);
        return (ROOT_NAME.equals(pkg) ? TurboConfig.ROOT : pkg) + "#" + stepName.substring(colon + 1);
    }
}
