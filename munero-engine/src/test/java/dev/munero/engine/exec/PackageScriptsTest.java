package dev.munero.engine.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Issue 9 (performance): npm scripts run without npm see the environment {@code npm run} gives them. */
class PackageScriptsTest {
    private static final Duration GENEROUS = Duration.ofMinutes(5);
    /** Each script writes its whole environment as JSON to {@code <event>.<OUT>.json}. */
    private static final String DUMP = "node -e \"require('fs').writeFileSync(process.env.npm_lifecycle_event+'.'"
            + "+process.env.OUT+'.json',JSON.stringify(process.env))\"";

    @TempDir
    Path tmp;
    Path ws;
    Path member;
    private final ProcessRunner runner = new ProcessRunner();

    @BeforeEach
    void workspace() throws IOException {
        ws = tmp.resolve("ws");
        member = ws.resolve("packages/b");
        Files.createDirectories(member.resolve("node_modules/.bin"));
        Files.writeString(ws.resolve("package.json"),
                "{\"name\":\"root\",\"version\":\"0.0.0\",\"private\":true,\"workspaces\":[\"packages/*\"]}");
        Files.writeString(member.resolve("package.json"), """
                {"name":"@w/b","version":"2.1.0","config":{"port":"8080"},"engines":{"node":">=18"},
                 "bin":{"bee":"bin.js"},
                 "scripts":{"prebuild":%s,"build":%s,"postbuild":%s,"fail":"exit 3","prefail2":"exit 4","fail2":"echo ran > ran.txt"}}
                """.formatted(json(DUMP), json(DUMP), json(DUMP)));
    }

    private static String json(String s) {
        return JsonMapper.builder().build().writeValueAsString(s);
    }

    private static boolean onPath(String program) {
        return ProcessRunner.resolveProgram(program, System.getenv(), Path.of(".")).contains("/");
    }

    private Map<String, String> env(String out) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove(PackageScripts.SWITCH);
        env.put("OUT", out);
        return env;
    }

    private ProcessOutcome run(PackageScripts.Prepared p, Path cwd) throws IOException {
        return runner.run(p.argv(), cwd, p.env(), tmp.resolve("log-" + System.nanoTime()), Optional.of(GENEROUS), Optional.empty());
    }

    /**
     * Runs {@code npm run build} in {@code dir} with the real npm (OUT=npm), then the same script as Munero runs it
     * without npm (OUT=munero); both must succeed, and Munero's must be the direct run.
     */
    private void buildByNpmThenDirectly(Path dir) throws IOException {
        ProcessOutcome npm = runner.run(List.of("npm", "run", "build"), dir, env("npm"), tmp.resolve("npm.log"),
                Optional.of(GENEROUS), Optional.empty());
        assertThat(npm.succeeded()).as(Files.readString(tmp.resolve("npm.log"))).isTrue();
        PackageScripts.Prepared direct = new PackageScripts(runner, tmp.resolve(".munero")).prepare(List.of("npm", "run", "build"), dir, env("munero"));
        assertThat(direct.direct()).isTrue();
        assertThat(run(direct, dir).succeeded()).isTrue();
    }

    private Map<String, String> dumped(String event, String out) throws IOException {
        return dumped(member, event, out);
    }

    /** What the script of {@code event} in {@code dir} wrote of its environment under OUT={@code out}, OUT left out. */
    private Map<String, String> dumped(Path dir, String event, String out) throws IOException {
        JsonNode n = JsonMapper.builder().build().readTree(Files.readString(dir.resolve(event + "." + out + ".json")));
        Map<String, String> m = new TreeMap<>();
        n.properties().forEach(e -> m.put(e.getKey(), e.getValue().asString()));
        m.remove("OUT");
        return m;
    }

    @Test
    void scriptRunWithoutNpmSeesTheEnvironmentNpmRunGivesIt() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm and node are not on the PATH");
        // given: the real npm run; when: Munero runs the same script directly
        buildByNpmThenDirectly(member);

        // then: pre, main and post script each see what npm gives them (PATH, npm_*, INIT_CWD, NODE, ...)
        for (String event : List.of("prebuild", "build", "postbuild")) {
            Map<String, String> byNpm = dumped(event, "npm");
            Map<String, String> byMunero = dumped(event, "munero");
            Set<String> keys = new TreeSet<>(byNpm.keySet());
            keys.addAll(byMunero.keySet());
            keys.removeAll(Set.of("_", "SHLVL", "OLDPWD"));
            for (String k : keys) {
                assertThat(byMunero.get(k)).as(event + ": " + k).isEqualTo(byNpm.get(k));
            }
            assertThat(byMunero).containsEntry("npm_lifecycle_event", event)
                    .containsEntry("npm_package_name", "@w/b")
                    .containsEntry("npm_package_version", "2.1.0")
                    .containsEntry("npm_package_config_port", "8080")
                    .containsEntry("npm_config_local_prefix", ws.toString())
                    .containsEntry("INIT_CWD", member.toString());
            assertThat(byMunero.get("PATH")).startsWith(member.resolve("node_modules/.bin") + ":" + ws.resolve("packages/node_modules/.bin"));
        }
    }

    @Test
    void theProbeIsNpmsBuiltInEnvScriptUnlessThePackageHasItsOwn() throws Exception {
        assertThat(PackageScripts.probeCommand(member)).startsWith("npm", "run", "env", "--", "sh", "-c");
        Path own = ws.resolve("packages/own");
        Files.createDirectories(own);
        for (String script : List.of("env", "preenv", "postenv")) {
            Files.writeString(own.resolve("package.json"), "{\"name\":\"own\",\"scripts\":{\"" + script + "\":\"echo x\"}}");
            assertThat(PackageScripts.probeCommand(own)).as(script).startsWith("npm", "exec", "-c");
        }
        Files.writeString(own.resolve("package.json"), "{ not json");
        assertThat(PackageScripts.probeCommand(own)).startsWith("npm", "exec", "-c");
    }

    @Test
    void aPackagesOwnEnvScriptIsNeverRunByTheProbe() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm and node are not on the PATH");
        // given: a package whose own env script leaves a mark, and whose build dumps its environment
        Path own = ws.resolve("packages/own");
        Files.createDirectories(own);
        Files.writeString(own.resolve("package.json"), """
                {"name":"@w/own","version":"1.0.0","scripts":{"env":"echo ran > env-ran.txt","build":%s}}
                """.formatted(json(DUMP)));
        // when: npm runs the build, then Munero probes npm there and runs the build directly
        buildByNpmThenDirectly(own);

        // then: the package's env script never ran, and the build saw npm's npm_config_* variables
        assertThat(own.resolve("env-ran.txt")).doesNotExist();
        Map<String, String> byNpm = dumped(own, "build", "npm");
        Map<String, String> byMunero = dumped(own, "build", "munero");
        byNpm.keySet().removeIf(k -> !k.startsWith("npm_config_"));
        byMunero.keySet().removeIf(k -> !k.startsWith("npm_config_"));
        assertThat(byMunero).isNotEmpty().isEqualTo(byNpm);
    }

    @Test
    void failingPreScriptStopsTheChainWithItsExitCode() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm and node are not on the PATH");
        PackageScripts.Prepared direct = new PackageScripts(runner, tmp.resolve(".munero")).prepare(List.of("npm", "run", "fail2"), member, env("x"));
        ProcessOutcome o = run(direct, member);
        assertThat(o.exitCode()).isEqualTo(4);
        assertThat(member.resolve("ran.txt")).doesNotExist();
        assertThat(run(new PackageScripts(runner, tmp.resolve(".munero")).prepare(List.of("npm", "run", "fail"), member, env("x")), member).exitCode())
                .isEqualTo(3);
    }

    @Test
    void aChangedNpmrcIsSeenByTheNextScript() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm and node are not on the PATH");
        PackageScripts scripts = new PackageScripts(runner, tmp.resolve(".munero"));
        assertThat(scripts.prepare(List.of("npm", "run", "build"), member, env("x")).env()).doesNotContainKey("npm_config_munero_probe");
        Files.writeString(ws.resolve(".npmrc"), "munero-probe=yes\n");
        assertThat(scripts.prepare(List.of("npm", "run", "build"), member, env("x")).env())
                .containsEntry("npm_config_munero_probe", "yes");
    }

    @Test
    void aNewProcessReusesTheProbeKeptOnDiskOwnerOnly() throws Exception {
        assumeTrue(onPath("npm") && onPath("node"), "npm and node are not on the PATH");
        Map<String, String> first = new PackageScripts(runner, tmp.resolve(".munero")).prepare(List.of("npm", "run", "build"), member, env("x")).env();
        Path dir = tmp.resolve(".munero/npm");
        try (var files = Files.list(dir)) {
            assertThat(files.toList()).hasSize(1);
        }
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");

        PackageScripts.forgetProbesInMemory();
        Map<String, String> second = new PackageScripts(runner, tmp.resolve(".munero")).prepare(List.of("npm", "run", "build"), member, env("x")).env();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void otherCommandsAndTheSwitchGoThroughThePackageManagerUnchanged() throws Exception {
        PackageScripts scripts = new PackageScripts(runner, tmp.resolve(".munero"));
        Map<String, String> env = env("x");
        for (List<String> argv : List.of(List.of("pnpm", "run", "build"), List.of("yarn", "run", "build"),
                List.of("npm", "run", "build", "--", "--watch"), List.of("npm", "run", "missing"),
                List.of("npm", "test"), List.of("make", "all"))) {
            PackageScripts.Prepared p = scripts.prepare(argv, member, env);
            assertThat(p.direct()).as(argv.toString()).isFalse();
            assertThat(p.argv()).isEqualTo(argv);
            assertThat(p.env()).isEqualTo(env);
        }
        env.put(PackageScripts.SWITCH, "npm");
        PackageScripts.Prepared viaNpm = scripts.prepare(List.of("npm", "run", "build"), member, env);
        assertThat(viaNpm.direct()).isFalse();
        assertThat(viaNpm.argv()).containsExactly("npm", "run", "build");
    }

    @Test
    void localPrefixIsTheWorkspaceRootForAMemberAndThePackageForAStandaloneOne() throws IOException {
        assertThat(PackageScripts.localPrefix(member.resolve("src"))).isEqualTo(ws);
        Path alone = tmp.resolve("alone");
        Files.createDirectories(alone.resolve("lib"));
        Files.writeString(alone.resolve("package.json"), "{}");
        assertThat(PackageScripts.localPrefix(alone.resolve("lib"))).isEqualTo(alone);
    }
}
