package dev.munero.engine.cache.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.munero.engine.Workspace;
import dev.munero.engine.build.BuildEngine;
import dev.munero.engine.build.BuildListener;
import dev.munero.engine.build.BuildOptions;
import dev.munero.engine.build.BuildReport;
import dev.munero.engine.build.BuildStatus;
import dev.munero.engine.build.StepResult;
import dev.munero.engine.build.StepStatus;
import dev.munero.engine.cache.CacheEntry;
import dev.munero.engine.cache.LocalCache;
import dev.munero.engine.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every remote cache protocol must do against a real server (issue 16): two clones of one repository in
 * different folders play two machines; the first builds and uploads, the second's cold build is all remote hits with
 * outputs equal byte for byte (one output is random, so equal bytes prove it was downloaded, not rebuilt). A blob
 * corrupted or evicted on the server is a miss with a warning, never a wrong output. Subclasses start the server.
 */
abstract class RemoteCacheContractTest {
    static final String YAML = """
            steps:
              - name: gen
                command: "mkdir -p out && cat src/a.txt src/a.txt > out/gen.txt && echo generated"
                shell: true
                inputs: [src/a.txt]
                outputs: [out/gen.txt]
              - name: tool
                command: "mkdir -p out/bin && printf '#!/bin/sh\\necho hi\\n' > out/bin/tool && chmod +x out/bin/tool && cp out/gen.txt out/bin/data"
                shell: true
                dependsOn: [gen]
                inputs: [src/b.txt]
                outputs: [out/bin/**]
              - name: random
                command: "mkdir -p out && head -c 300000 /dev/urandom > out/random.bin"
                shell: true
                inputs: [src/c.txt]
                outputs: [out/random.bin]
            """;

    @TempDir
    Path tmp;
    Path first;
    Path second;
    final List<String> warnings = Collections.synchronizedList(new ArrayList<>());

    /** The settings that reach the running server. */
    abstract RemoteCacheSettings settings();

    /** The server's file holding the blob {@code sha256}. */
    abstract Path blobOnServer(String sha256);

    @BeforeEach
    void twoClones() throws Exception {
        assumeTrue(run(tmp, "git", "--version").startsWith("git version"), "git is not installed");
        first = Files.createDirectories(tmp.resolve("machine-1/repo"));
        Files.writeString(first.resolve(ConfigLoader.FILE_NAME), YAML);
        Files.createDirectories(first.resolve("src"));
        Files.writeString(first.resolve("src/a.txt"), "alpha " + System.nanoTime() + "\n"); // new keys every test
        Files.writeString(first.resolve("src/b.txt"), "beta\n");
        Files.writeString(first.resolve("src/c.txt"), "gamma " + System.nanoTime() + "\n");
        Files.writeString(first.resolve(".gitignore"), "out/\n.munero/\n");
        git(first, "init", "-q");
        git(first, "add", "-A");
        git(first, "commit", "-q", "-m", "init");
        Files.createDirectories(tmp.resolve("machine-2"));
        git(tmp.resolve("machine-2"), "clone", "-q", first.toString(), "repo");
        second = tmp.resolve("machine-2/repo");
    }

    @Test
    void secondMachinesColdBuildIsAllRemoteHitsWithTheSameBytes() throws Exception {
        BuildReport one = build(first);
        assertThat(one.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(one.counts().passed()).isEqualTo(3);
        assertThat(one.remoteCache().uploads()).isEqualTo(3);
        assertThat(one.remoteCache().uploadedBytes()).isGreaterThan(300_000);
        assertThat(one.remoteCache().problem()).isNull();

        BuildReport two = build(second);

        assertThat(two.status()).isEqualTo(BuildStatus.PASSED);
        assertThat(two.steps()).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(StepStatus.CACHED);
            assertThat(s.cachedFrom()).isEqualTo(StepResult.REMOTE);
            assertThat(s.reasons().get(0)).startsWith("remote cache hit (");
        });
        assertThat(two.counts().cachedRemote()).isEqualTo(3);
        assertThat(two.remoteCache().hits()).isEqualTo(3);
        assertThat(two.remoteCache().downloadedBytes()).isGreaterThan(300_000)
                .isEqualTo(two.steps().stream().mapToLong(StepResult::downloadedBytes).sum());
        assertThat(two.remoteCache().uploads()).isZero();
        for (String out : List.of("out/gen.txt", "out/bin/tool", "out/bin/data", "out/random.bin")) {
            assertThat(Files.readAllBytes(second.resolve(out))).as(out).isEqualTo(Files.readAllBytes(first.resolve(out)));
        }
        assertThat(Files.isExecutable(second.resolve("out/bin/tool"))).isTrue();
        assertThat(warnings).isEmpty();

        BuildReport three = build(second); // the downloads are in the local cache now: local hits, nothing moved
        assertThat(three.steps()).allSatisfy(s -> assertThat(s.cachedFrom()).isEqualTo(StepResult.LOCAL));
        assertThat(three.remoteCache().hits()).isZero();
        assertThat(three.remoteCache().downloadedBytes()).isZero();
    }

    @Test
    void aCorruptBlobOnTheServerIsAMissWithOneWarningAndIsReplaced() throws Exception {
        BuildReport one = build(first);
        String gen = outputSha(first, one, "gen", "out/gen.txt");
        Path blob = blobOnServer(gen);
        byte[] right = Files.readAllBytes(blob);
        Files.writeString(blob, "not what the name says");

        BuildReport two = build(second);

        assertThat(step(two, "gen").status()).isEqualTo(StepStatus.PASSED); // ran, as the blob was bad
        assertThat(Files.readAllBytes(second.resolve("out/gen.txt"))).isEqualTo(right);
        assertThat(step(two, "tool").cachedFrom()).isEqualTo(StepResult.REMOTE); // gen's key is unchanged
        assertThat(step(two, "random").cachedFrom()).isEqualTo(StepResult.REMOTE);
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("remote cache", gen, "content hash", "step gen runs instead");
        assertThat(two.remoteCache().problem()).isNull();
        assertThat(Files.readAllBytes(blob)).as("the upload of gen's run replaced the bad blob").isEqualTo(right);
    }

    @Test
    void anEntryWhoseBlobTheServerLostIsAMissWithOneWarning() throws Exception { // bazelbuild/bazel#12423
        BuildReport one = build(first);
        String random = outputSha(first, one, "random", "out/random.bin");
        Files.delete(blobOnServer(random));

        BuildReport two = build(second);

        assertThat(step(two, "random").status()).isEqualTo(StepStatus.PASSED);
        assertThat(Files.readAllBytes(second.resolve("out/random.bin")))
                .isNotEqualTo(Files.readAllBytes(first.resolve("out/random.bin"))); // rebuilt, not half-restored
        assertThat(step(two, "gen").cachedFrom()).isEqualTo(StepResult.REMOTE);
        assertThat(warnings).singleElement().asString().contains("references blob " + random.substring(0, 12),
                "no longer has");
    }

    @Test
    void readModeNeverUploadsAndWriteModeNeverRestores() throws Exception {
        BuildReport readOnly = build(first, withMode(RemoteCacheSettings.Mode.READ));
        assertThat(readOnly.remoteCache().uploads()).isZero();
        assertThat(readOnly.remoteCache().mode()).isEqualTo("read");

        build(first, withMode(RemoteCacheSettings.Mode.WRITE)); // local hits: nothing to upload
        delete(first.resolve(".munero"));
        BuildReport writer = build(first, withMode(RemoteCacheSettings.Mode.WRITE));
        assertThat(writer.counts().passed()).isEqualTo(3);
        assertThat(writer.remoteCache().uploads()).isEqualTo(3);

        BuildReport writeOnly = build(second, withMode(RemoteCacheSettings.Mode.WRITE));
        assertThat(writeOnly.counts().cachedRemote()).isZero();
        assertThat(writeOnly.counts().passed()).isEqualTo(3);
        assertThat(warnings).isEmpty();
    }

    RemoteCacheSettings withMode(RemoteCacheSettings.Mode mode) {
        RemoteCacheSettings s = settings();
        return new RemoteCacheSettings(s.url(), mode, s.protocol(), s.token(), s.team(), s.timeout(), s.source());
    }

    BuildReport build(Path root) throws Exception {
        return build(root, settings());
    }

    BuildReport build(Path root, RemoteCacheSettings remote) throws Exception {
        Workspace ws = Workspace.open(root, ConfigLoader.DEFAULT_PROFILE);
        BuildOptions options = new BuildOptions(List.of(), 2, false, false, true, false, root.resolve(".munero/cache"),
                root.resolve(".munero"), System.getenv(), null, Optional.of(remote));
        return new BuildEngine(ws.project(), ws.graph(), options, new BuildListener() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        }).build();
    }

    static StepResult step(BuildReport report, String name) {
        return report.steps().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** The SHA-256 of {@code output} as step {@code name}'s entry in {@code root}'s local cache holds it. */
    static String outputSha(Path root, BuildReport report, String name, String output) throws Exception {
        CacheEntry entry = new LocalCache(root.resolve(".munero/cache")).lookup(step(report, name).cacheKey()).orElseThrow();
        return entry.outputs().stream().filter(o -> o.path().equals(output)).findFirst().orElseThrow().sha256();
    }

    static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String git(Path dir, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.email=t@example.com", "-c", "user.name=t"));
        argv.addAll(List.of(args));
        return run(dir, argv.toArray(String[]::new));
    }

    static String run(Path dir, String... argv) throws Exception {
        try {
            Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as("%s: %s", String.join(" ", argv), out).isZero();
            return out;
        } catch (IOException e) {
            return "";
        }
    }
}
